"""Demand-side figures: per-workload demand against the capacity of its pool, active users of
viral workloads, retries, tiers (from the sampled /requests table) and SLO attainment.

Each workload gets its own panel (and y axis), so a small image workload is not flattened under
a large chat one. Capacity (requests/s a pool can serve) is a `capacity_rps` series of the pool
when the file has one, else derived for fifo pools as replicas_active / E[service time]
(scenario.py); pools whose capacity cannot be derived get no line (the figure caption says so).
"""
from __future__ import annotations

import numpy as np

from ..load import Run, short_name
from .base import Canvas, Line, groups_with, log_if_spread

_DEMAND = (("arrivals", "arrivals (all attempts)"), ("first_attempts", "first attempts"),
           ("completed", "completed"), ("rejected", "rejected"))


def capacity_series(run: Run, pool: str) -> np.ndarray | None:
    """Requests/s the pool can serve at each sample, or None when not derivable."""
    s = run.series(pool, "capacity_rps")
    if s is not None:
        return s.to_numpy(dtype=float)
    info = run.view.pools.get(pool)
    if info is None or not info.capacity_rps or not info.replicas:
        return None
    replicas = run.series(pool, "replicas_active")
    if replicas is None:
        return np.full(len(run.time), info.capacity_rps)
    return replicas.to_numpy(dtype=float) * (info.capacity_rps / info.replicas)


def _has_retries(run: Run, group: str) -> bool:
    s = run.series(group, "retries")
    return s is not None and bool(np.nansum(s.to_numpy()) > 0)


def sole_pool(run: Run, workload: str) -> str | None:
    """The workload's pool when that pool serves this workload only."""
    info = run.view.workloads.get(workload.rsplit("/", 1)[-1])
    if info is None or info.pool is None:
        return None
    return info.pool if len(run.view.workloads_of_pool(info.pool)) == 1 else None


def _panels(c: Canvas) -> list[tuple[str, str | None]]:
    """(group, pool whose capacity to draw): every workload, then pools shared by several."""
    workloads = groups_with(c.runs, Run.workloads, [n for n, _ in _DEMAND])
    out = [(g, next((p for r in c.runs if (p := sole_pool(r, g))), None)) for g in workloads]
    for pool in groups_with(c.runs, Run.pools, ("arrivals",)):
        if not workloads or any(len(r.view.workloads_of_pool(pool)) > 1 for r in c.runs):
            out.append((pool, pool))
    return out


def demand(c: Canvas):
    panels = _panels(c)
    if not panels:
        return None
    fig, axes = c.figure(len(panels))
    for ax, (g, pool) in zip(axes, panels):
        for i, run in enumerate(c.runs):
            for k, (name, text) in enumerate(_DEMAND):
                s = run.series(g, name)
                if s is None or (name == "first_attempts" and not _has_retries(run, g)):
                    continue
                c.plot(ax, i, k, c.rate(run, s.to_numpy()), text,
                       style=("-", "-", "--", ":")[k] if not c.multi else None)
            cap = capacity_series(run, pool) if pool else None
            if cap is not None:
                const = np.nanmin(cap) == np.nanmax(cap)
                text = f"capacity of {short_name(pool)}" + (f" ({cap[0]:.3g} req/s)" if const else "")
                c.plot(ax, i, 4, cap, text, style=(0, (1, 2)),
                       color="black" if not c.multi else None, linewidth=1.4)
        prefixes = (g,) + ((pool,) if pool else ())
        c.events(ax, prefixes)
        ax.set_ylabel("requests/s")
        ax.set_ylim(bottom=0)
        ax.set_title(f"{short_name(g)}" + (" (pool)" if g.startswith("/sites/") else ""), fontsize=9)
    return c.finish(fig, axes, "demand per workload against capacity")


def users(c: Canvas):
    groups = groups_with(c.runs, Run.workloads, ("active_users",))
    if not groups:
        return None
    fig, axes = c.figure(len(groups), height=2.4)
    for ax, g in zip(axes, groups):
        for i, run in enumerate(c.runs):
            s = run.series(g, "active_users")
            if s is not None:
                c.plot(ax, i, 0, s.to_numpy(dtype=float), f"{short_name(g)} active users")
        c.events(ax, (g,))
        ax.set_ylabel("active users")
        ax.set_ylim(bottom=0)
    return c.finish(fig, axes, "active users of viral workloads")


def retries(c: Canvas):
    groups = [g for g in groups_with(c.runs, Run.workloads, ("retries",))
              if any(np.nansum(r.series(g, "retries").to_numpy()) > 0
                     for r in c.runs if r.series(g, "retries") is not None)]
    if not groups:
        return None
    fig, axes = c.figure(len(groups), height=2.4)
    for ax, g in zip(axes, groups):
        for i, run in enumerate(c.runs):
            first, again = run.series(g, "first_attempts"), run.series(g, "retries")
            if first is not None:
                c.plot(ax, i, 0, c.rate(run, first.to_numpy()), "first attempts")
            if again is not None:
                c.plot(ax, i, 1, c.rate(run, again.to_numpy()), "retries")
        c.events(ax, (g,))
        ax.set_ylabel("requests/s")
        ax.set_ylim(bottom=0)
        ax.set_title(short_name(g), fontsize=9)
    return c.finish(fig, axes, "first attempts and retries of rejected requests")


def _tier_counts(run: Run, workload: str):
    """{tier: (attempts per step, rejected per step)} scaled by 1 / sample_fraction."""
    info = run.view.workloads.get(workload)
    if info is None or len(info.tiers) < 2:
        return None
    df = run.requests()
    if df.empty or "tier" not in df:
        return None
    frac = float(df.attrs.get("sample_fraction") or 0) or 1.0
    df = df[df["workload"].astype(str) == workload]
    edges = np.concatenate([[0.0], run.time])
    out = {}
    for t in info.tiers:
        rows = df[df["tier"].astype(str) == t["name"]]
        all_, _ = np.histogram(rows["arrival_s"].to_numpy(dtype=float), bins=edges)
        rej, _ = np.histogram(rows[rows["outcome"].astype(str) != "completed"]["arrival_s"]
                              .to_numpy(dtype=float), bins=edges)
        out[t["name"]] = (all_ / frac, rej / frac)
    return out, frac


def tiers(c: Canvas):
    names = []
    for run in c.runs:
        for w, info in run.view.workloads.items():
            if len(info.tiers) >= 2 and w not in names:
                names.append(w)
    panels = []
    for w in names:
        per_run = [_tier_counts(run, w) for run in c.runs]
        if any(p is not None for p in per_run):
            panels.append((w, per_run))
    if not panels:
        return None
    fig, axes = c.figure(len(panels))
    for ax, (w, per_run) in zip(axes, panels):
        frac = None
        for i, (run, counts) in enumerate(zip(c.runs, per_run)):
            if counts is None:
                continue
            counts, frac = counts
            for k, (tier, (attempts, rejected)) in enumerate(counts.items()):
                c.plot(ax, i, 2 * k, c.rate(run, attempts), f"tier {tier}: attempts")
                c.plot(ax, i, 2 * k + 1, c.rate(run, rejected), f"tier {tier}: not completed",
                       style=":" if not c.multi else None)
        c.events(ax, ("/workloads/" + w,))
        ax.set_ylabel("requests/s")
        ax.set_ylim(bottom=0)
        ax.set_title(f"{w} (estimated from the {frac * 100:.3g} % /requests sample)", fontsize=9)
    return c.finish(fig, axes, "requests per user tier")


def slo(c: Canvas):
    groups = groups_with(c.runs, Run.workloads, ("latency_p99_s", "slo_attainment"))
    if not groups:
        return None
    fig, axes = c.figure(2)
    lat, att = axes
    values = []
    for k, g in enumerate(groups):
        name = short_name(g)
        for i, run in enumerate(c.runs):
            p99, a = run.series(g, "latency_p99_s"), run.series(g, "slo_attainment")
            if p99 is not None:
                values.append(p99.to_numpy(dtype=float))
                c.plot(lat, i, k, values[-1], f"{name} p99")
            if a is not None:
                c.plot(att, i, k, a.to_numpy(dtype=float), f"{name}")
            info = run.view.workloads.get(name)
            if info is not None and info.slo_latency_s:
                c.hlines(lat, [Line(info.slo_latency_s, f"{name} SLO {info.slo_latency_s:g} s", i)],
                         color=None if c.multi else f"C{k % 10}")
    log_if_spread(lat, values)
    lat.set_ylabel("p99 latency (s)")
    att.set_ylabel("SLO attainment")
    att.set_ylim(-0.02, 1.05)
    for ax in axes:
        c.events(ax, tuple(groups))
    return c.finish(fig, axes, "workload latency against its SLO, and the share of requests within it")
