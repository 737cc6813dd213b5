"""Key facts of a run, found in its series: when each workload's demand first passed its pool's
capacity, when rejections started, when its SLO attainment fell below one half (and how many
users it had then), when a queue reached its cap, and the overload and operator events.

`key_facts(run)` returns `Fact`s in time order; the report lists their text, the studies read
their values. Times are simulated seconds at the end of the step where the fact shows (the
file's resolution is one record step).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .figures.base import TICK_KINDS
from .figures.demand import capacity_series, sole_pool
from .load import Run, short_name
from .stats import Window

MAX_EVENTS_LISTED = 5       # per kind; more are summarised in one fact


@dataclass
class Fact:
    key: str            # e.g. "demand_over_capacity:images"
    time_s: float
    text: str
    value: float = math.nan


def _first(mask: np.ndarray, time: np.ndarray) -> float:
    idx = np.flatnonzero(mask)
    return float(time[idx[0]]) if len(idx) else math.nan


def _users_at(run: Run, group: str, t: float) -> float:
    s = run.series(group, "active_users")
    if s is None or not math.isfinite(t):
        return math.nan
    return float(np.interp(t, run.time, s.to_numpy(dtype=float)))


def key_facts(run: Run) -> list[Fact]:
    w = Window(run)
    clock = run.clock
    facts: list[Fact] = []
    time = run.time
    for g in run.workloads():
        name = short_name(g)
        users_note = lambda t: (f", with {_users_at(run, g, t):,.0f} active users"
                                if run.series(g, "active_users") is not None else "")
        arrivals = run.series(g, "arrivals")
        pool = sole_pool(run, g)
        cap = capacity_series(run, pool) if pool else None
        if arrivals is not None and cap is not None:
            rate = arrivals.to_numpy(dtype=float) / np.maximum(run.step_durations, 1e-12)
            t = _first((rate > cap) & w.mask, time)
            if math.isfinite(t):
                peak = float(np.nanmax(rate[w.mask] / cap[w.mask]))
                facts.append(Fact(f"demand_over_capacity:{name}", t,
                                  f"{name}: demand first exceeded the capacity of {short_name(pool)} "
                                  f"({cap[np.searchsorted(time, t)]:.3g} req/s) at {clock.text(t)}"
                                  f"{users_note(t)}; at its peak it was {peak:.2f}x the capacity.", peak))
        rejected = run.series(g, "rejected")
        if rejected is not None:
            t = _first((rejected.to_numpy(dtype=float) > 0) & w.mask, time)
            if math.isfinite(t):
                share = w.total(g, "rejected") / max(w.total(g, "arrivals"), 1.0)
                facts.append(Fact(f"rejections_start:{name}", t,
                                  f"{name}: rejections started at {clock.text(t)}{users_note(t)}; "
                                  f"{share * 100:.1f} % of all attempts were rejected.", share))
        slo = run.series(g, "slo_attainment")
        if slo is not None:
            t = _first((slo.to_numpy(dtype=float) < 0.5) & w.mask, time)
            if math.isfinite(t):
                facts.append(Fact(f"slo_collapse:{name}", t,
                                  f"{name}: fewer than half of the requests met the SLO from "
                                  f"{clock.text(t)} on{users_note(t)}.", _users_at(run, g, t)))
    for pool in run.pools():
        info = run.view.pools.get(pool)
        q = run.series(pool, "queue_length")
        if info is None or q is None or info.queue_capacity is None or info.queue_capacity <= 0:
            continue
        t = _first((q.to_numpy(dtype=float) >= info.queue_capacity) & w.mask, time)
        if math.isfinite(t):
            facts.append(Fact(f"queue_full:{short_name(pool)}", t,
                              f"{short_name(pool)}: the queue reached its cap of "
                              f"{info.queue_capacity:g} at {clock.text(t)}."))
    ev = run.events
    for kind, rows in ev[~ev["kind"].isin(TICK_KINDS)].groupby("kind", sort=False):
        if len(rows) > MAX_EVENTS_LISTED:
            t0, t1 = float(rows["time_s"].min()), float(rows["time_s"].max())
            facts.append(Fact(f"event:{kind}", t0, f"event `{kind}`: {len(rows)} times between "
                              f"{clock.text(t0)} and {clock.text(t1)} (see the events table).",
                              float(len(rows))))
            continue
        for row in rows.itertuples(index=False):
            detail = f": {row.detail}" if row.detail else ""
            facts.append(Fact(f"event:{kind}", float(row.time_s),
                              f"event `{kind}` at {clock.text(float(row.time_s))} on {row.subject}{detail}.",
                              float(row.value)))
    facts.sort(key=lambda f: (f.time_s if math.isfinite(f.time_s) else math.inf))
    return facts
