"""Drawing helpers shared by every figure: one `Canvas` per set of runs (one run for a report,
several for a comparison), calendar time axes, reference lines, events and the warm-up.

Styles: with one run, colour tells the series apart; with several, colour is the run (C0, C1, ...)
and the line style the series, so the same figure overlays the runs. The x axis is the runs'
local calendar time (clock.py) when they share a start and a time zone, else hours since start.
Events from /events are drawn at their times: `overload` and every operator kind as labelled
vertical lines (a service's, such as an admission change, on the panels of its pools and workloads), replica start-up (`replica_loading`, `replica_ready`) as short ticks at the top.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib
import matplotlib.dates as mdates
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..load import Run

matplotlib.rcParams["date.converter"] = "concise"

DPI = 100
WIDTH_IN = 12.0
LEFT_IN, TOP_IN, BOTTOM_IN, PANEL_GAP_IN = 0.85, 0.8, 0.65, 0.45
LEGEND_IN = {False: 2.4, True: 3.2}          # right margin for the legends: one run, several
STYLES = ["-", "--", ":", "-."]
TICK_KINDS = ("replica_loading", "replica_ready")
EVENT_COLORS = ["tab:red", "tab:purple", "tab:olive", "tab:brown", "tab:cyan", "tab:pink"]
MAX_EVENT_LINES = 40            # per kind and panel; more are thinned to this many


@dataclass
class Line:
    """A horizontal reference line (SLO target, capacity, queue cap) of one run."""
    value: float
    label: str
    run: int = 0


class Canvas:
    def __init__(self, runs: list[Run], labels: list[str] | None = None):
        self.runs = runs
        self.labels = labels or [r.scenario_name for r in runs]
        self.multi = len(runs) > 1
        clocks = [r.clock for r in runs]
        self.calendar = len({(c.start, c.label) for c in clocks}) == 1
        self.clock = clocks[0]
        self.xlabel = self.clock.axis_label if self.calendar else "time since start (h)"
        kinds = sorted({k for r in runs for k in r.events["kind"].unique()} - set(TICK_KINDS))
        self.event_color = {k: EVENT_COLORS[i % len(EVENT_COLORS)] for i, k in enumerate(kinds)}

    # --- axes --------------------------------------------------------------------------------
    def x(self, run: Run, seconds=None) -> np.ndarray:
        s = run.time if seconds is None else np.asarray(seconds, dtype=float)
        return run.clock.local(s) if self.calendar else s / 3600.0

    def figure(self, nrows: int, height: float = 2.8) -> tuple[Figure, list]:
        """nrows panels of `height` inches, sharing the x axis; fixed margins in inches (left for
        the y labels, right for the legends, top for the title), so every panel has the same width."""
        total = TOP_IN + BOTTOM_IN + height * nrows
        fig = Figure(figsize=(WIDTH_IN, total), dpi=DPI)
        FigureCanvasAgg(fig)
        axes = fig.subplots(nrows, 1, sharex=True, squeeze=False)[:, 0]
        fig.subplots_adjust(left=LEFT_IN / WIDTH_IN, right=1 - LEGEND_IN[self.multi] / WIDTH_IN,
                            top=1 - TOP_IN / total, bottom=BOTTOM_IN / total,
                            hspace=PANEL_GAP_IN / (height - PANEL_GAP_IN))
        return fig, list(axes)

    def color(self, run_i: int, series_i: int) -> str:
        return f"C{(run_i if self.multi else series_i) % 10}"

    def style(self, series_i: int) -> str:
        return STYLES[series_i % len(STYLES)] if self.multi else "-"

    def label(self, run_i: int, text: str) -> str:
        return f"{self.labels[run_i]}: {text}" if self.multi else text

    def plot(self, ax, run_i: int, series_i: int, y, text: str, *, run: Run | None = None,
             style: str | None = None, **kw) -> None:
        run = run or self.runs[run_i]
        y = np.asarray(y, dtype=float)
        if not np.isfinite(y).any():
            return
        kw.setdefault("linewidth", 1.2)
        color = kw.pop("color", None) or self.color(run_i, series_i)
        ax.plot(self.x(run)[: len(y)], y, linestyle=style or self.style(series_i), color=color,
                label=self.label(run_i, text), **kw)

    def rate(self, run: Run, counts) -> np.ndarray:
        """Per-step counts -> per-second rate (the last step may be shorter)."""
        dt = run.step_durations
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(dt > 0, np.asarray(counts, dtype=float) / dt, np.nan)

    # --- reference lines, events, warm-up ------------------------------------------------------
    def hlines(self, ax, lines: list[Line], color: str | None = None) -> None:
        """Reference lines, dotted, one per distinct value (and run, when comparing); lines of
        equal value share one label: 'TTFT SLO 2 s (chat, code)'."""
        merged: dict[tuple, list[str]] = {}
        for line in lines:
            if line.value is None or not np.isfinite(line.value):
                continue
            key = (line.value, line.run if self.multi else 0)
            merged.setdefault(key, [])
            if line.label not in merged[key]:
                merged[key].append(line.label)
        for (value, run_i), labels in merged.items():
            text = labels[0] if len(labels) == 1 else _merge_labels(labels)
            c = color or (f"C{run_i % 10}" if self.multi else "black")
            ax.axhline(value, color=c, linestyle=(0, (1, 2)), linewidth=1.3, label=self.label(run_i, text))

    def events(self, ax, prefixes: tuple[str, ...] = ()) -> None:
        """Events whose subject is under one of `prefixes` (or that belong to no pool or
        workload, i.e. run-wide), for every run."""
        ax.autoscale_view()
        ylim = ax.get_ylim()          # markers span the axes height: keep them out of autoscaling
        for run_i, run in enumerate(self.runs):
            ev = run.events
            if ev is None or len(ev) == 0:
                continue
            keep = ev["subject"].astype(str).apply(lambda s: relevant(s, prefixes, run.view.service_groups))
            for kind, rows in ev[keep].groupby("kind", sort=True):
                t = rows["time_s"].to_numpy(dtype=float)
                t = np.unique(t[np.isfinite(t)])
                if len(t) == 0:
                    continue
                x = self.x(run, t)
                if kind in TICK_KINDS:
                    ax.plot(x, np.full(len(x), 0.985), "|", transform=ax.get_xaxis_transform(),
                            color="0.45", markersize=6, label=self.label(run_i, f"{kind} ({len(rows)})"))
                    continue
                if len(x) > MAX_EVENT_LINES:
                    x = x[np.linspace(0, len(x) - 1, MAX_EVENT_LINES).astype(int)]
                ax.vlines(x, 0, 1, transform=ax.get_xaxis_transform(),
                          colors=self.event_color.get(kind, "tab:red"),
                          linestyles=STYLES[run_i % len(STYLES)] if self.multi else "-.",
                          linewidth=1.0, alpha=0.8, label=self.label(run_i, f"event: {kind} ({len(rows)})"))
        ax.set_ylim(ylim)

    def warmup(self, ax) -> None:
        for run in self.runs[:1] if not self.multi else self.runs:
            w = run.view.warmup_s()
            if w > 0:
                x0, x1 = self.x(run, [0.0, w])
                ax.axvspan(x0, x1, color="0.85", alpha=0.5, label="warm-up (excluded from statistics)")
                break

    # --- finishing ---------------------------------------------------------------------------
    def finish(self, fig: Figure, axes: list, title: str) -> bytes:
        """Grid, legends (right of each panel), warm-up, x label and title; returns PNG bytes."""
        for ax in axes:
            self.warmup(ax)
            ax.grid(True, which="major", alpha=0.3)
            handles, labels = ax.get_legend_handles_labels()
            if handles:
                unique = dict(zip(labels, handles))
                ax.legend(unique.values(), unique.keys(), fontsize=7, loc="upper left",
                          bbox_to_anchor=(1.005, 1.0), borderaxespad=0.0, frameon=False)
        if self.calendar:
            locator = mdates.AutoDateLocator(minticks=5, maxticks=12)
            axes[-1].xaxis.set_major_locator(locator)
            axes[-1].xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        axes[-1].set_xlabel(self.xlabel)
        name = " vs ".join(dict.fromkeys(self.labels)) if self.multi else self.runs[0].scenario_name
        fig.suptitle(f"{name}: {title}", fontsize=11)
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()


def _merge_labels(labels: list[str]) -> str:
    """['chat TTFT SLO 2 s', 'code TTFT SLO 2 s'] -> 'TTFT SLO 2 s (chat, code)'."""
    heads, tails = zip(*(label.split(" ", 1) if " " in label else (label, "") for label in labels))
    if len(set(tails)) == 1 and tails[0]:
        return f"{tails[0]} ({', '.join(heads)})"
    return "; ".join(labels)


def relevant(subject: str, prefixes: tuple[str, ...], service_groups=None) -> bool:
    """Whether an event about `subject` belongs on a panel about `prefixes`: events of a service
    (/services/<s>/..., e.g. an admission change) on the panels of its pools and workloads (or
    on every panel, given no `service_groups(s)` lookup or a panel about no group); other
    run-wide events (subject outside /sites and /workloads) always; events of a site outside
    its pools (the facility, the grid) on every panel of that site; otherwise the subject itself
    or below it."""
    if subject.startswith("/services/") and service_groups is not None and prefixes:
        groups = service_groups(subject.split("/")[2])
        return not groups or any(p == g or p.startswith(g + "/") for p in prefixes for g in groups)
    if not subject.startswith(("/sites/", "/workloads/")):
        return True
    if any(subject == p or subject.startswith(p + "/") for p in prefixes):
        return True
    parts = subject.split("/")
    if parts[1] == "sites" and "pools" not in parts[3:4]:
        site = "/".join(parts[:3])
        return any(p == site or p.startswith(site + "/") for p in prefixes)
    return False


def groups_with(runs: list[Run], groups_of, names) -> list[str]:
    """Union over the runs of the groups (from `groups_of(run)`) holding one of `names`."""
    out = []
    for run in runs:
        for g in groups_of(run):
            if g not in out and any(run.series(g, n) is not None for n in names):
                out.append(g)
    return out


def log_if_spread(ax, values: list[np.ndarray], spread: float = 100.0) -> None:
    v = np.concatenate([np.asarray(x, dtype=float) for x in values]) if values else np.zeros(0)
    v = v[np.isfinite(v) & (v > 0)]
    if len(v) and v.max() / v.min() > spread:
        ax.set_yscale("log")
