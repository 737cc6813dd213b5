"""Figures of one dcsim run, each saved to a PNG (matplotlib, Agg canvas, no display needed).

Every `plot_*` function takes a loaded `Run` and an output path, draws one figure and returns the
path, or returns None (and writes nothing) when the series it needs are absent from the run.
`plot_all(run, out_dir)` makes all of them and returns {name: path} for those written.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .load import Run, short_name

DPI = 110
LOG_SPREAD = 100.0          # latency axis goes logarithmic when max/min exceeds this
_COUNT_STYLE = {"arrivals": "-", "completed": "--", "rejected": ":"}


def _hours(run: Run) -> np.ndarray:
    return run.time / 3600.0


def _figure(nrows: int = 1, height: float = 4.0) -> tuple[Figure, list]:
    fig = Figure(figsize=(10, height * nrows), dpi=DPI)
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, 1, sharex=True, squeeze=False)[:, 0]
    return fig, list(axes)


def _save(fig: Figure, out: str | Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(out, format="png")
    return out


def _title(run: Run, what: str) -> str:
    return f"{run.scenario_name}: {what}"


def _has(run: Run, groups: list[str], names) -> list[str]:
    """The groups among `groups` holding at least one of `names`."""
    return [g for g in groups if any(run.series(g, n) is not None for n in names)]


def _rate(run: Run, counts) -> np.ndarray:
    """Per-step counts -> per-second rate (steps may differ in length at the horizon)."""
    dt = run.step_durations
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(dt > 0, np.asarray(counts, dtype=float) / dt, np.nan)


def _draw_events(ax, run: Run) -> None:
    ev = run.events
    if ev is None or len(ev) == 0:
        return
    colors = ["tab:red", "tab:purple", "tab:olive", "tab:brown", "tab:cyan", "tab:pink", "tab:gray"]
    ax.autoscale_view()
    ylim = ax.get_ylim()              # markers span the axes height; keep them out of autoscaling
    for i, (kind, rows) in enumerate(ev.groupby("kind", sort=True)):
        x = rows["time_s"].to_numpy(dtype=float) / 3600.0
        x = x[np.isfinite(x)]
        if len(x) == 0:
            continue
        ax.vlines(x, 0, 1, transform=ax.get_xaxis_transform(), colors=colors[i % len(colors)],
                  linestyles="-.", linewidth=0.8, alpha=0.6, label=f"event: {kind} ({len(x)})")
    ax.set_ylim(ylim)


def plot_demand(run: Run, out: str | Path, events: bool = True) -> Path | None:
    """Arrivals, completed and rejected requests (req/s) per pool and per workload vs time (h);
    events drawn as vertical markers."""
    sections = [("pool", _has(run, run.pools(), _COUNT_STYLE)),
                ("workload", _has(run, run.workloads(), _COUNT_STYLE))]
    sections = [(label, groups) for label, groups in sections if groups]
    if not sections or len(run.time) == 0:
        return None
    fig, axes = _figure(len(sections))
    x = _hours(run)
    for ax, (label, groups) in zip(axes, sections):
        for i, g in enumerate(groups):
            color = f"C{i % 10}"
            for name, style in _COUNT_STYLE.items():
                s = run.series(g, name)
                if s is not None:
                    ax.plot(x, _rate(run, s.to_numpy()), style, color=color, linewidth=1.2,
                            label=f"{short_name(g)} {name}")
        if events:
            _draw_events(ax, run)
        ax.set_ylabel("requests/s")
        ax.set_title(_title(run, f"demand per {label}"))
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7, ncol=3, loc="upper left")
        ax.set_ylim(bottom=0)
    axes[-1].set_xlabel("time (h)")
    return _save(fig, out)


def plot_latency(run: Run, out: str | Path) -> Path | None:
    """Latency p50 and p99 per pool (s) vs time (h); log axis when the values span > 100x."""
    pools = _has(run, run.pools(), ("latency_p50_s", "latency_p99_s"))
    if not pools or len(run.time) == 0:
        return None
    fig, (ax,) = _figure(1)
    x = _hours(run)
    values = []
    for i, g in enumerate(pools):
        for name, style in (("latency_p50_s", "--"), ("latency_p99_s", "-")):
            s = run.series(g, name)
            if s is None:
                continue
            y = s.to_numpy(dtype=float)
            values.append(y)
            ax.plot(x, y, style, color=f"C{i % 10}", linewidth=1.2,
                    label=f"{short_name(g)} {name.split('_')[1]}")
    v = np.concatenate(values) if values else np.zeros(0)
    v = v[np.isfinite(v) & (v > 0)]
    if len(v) and v.max() / v.min() > LOG_SPREAD:
        ax.set_yscale("log")
    ax.set_xlabel("time (h)")
    ax.set_ylabel("latency (s)")
    ax.set_title(_title(run, "request latency per pool (p50 dashed, p99 solid)"))
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, ncol=2, loc="upper left")
    return _save(fig, out)


def plot_power(run: Run, out: str | Path) -> Path | None:
    """Site IT power (kW) vs time (h), stacked per pool when the run has more than one pool."""
    pools = [g for g in run.pools() if run.series(g, "power_w") is not None]
    sites = [g for g in run.sites() if run.series(g, "power_it_w") is not None]
    totals = sites or (["/fleet"] if run.series("/fleet", "power_it_w") is not None else [])
    if (not pools and not totals) or len(run.time) == 0:
        return None
    fig, (ax,) = _figure(1)
    x = _hours(run)
    if len(pools) > 1:
        ys = [np.nan_to_num(run.series(g, "power_w").to_numpy(dtype=float) / 1e3) for g in pools]
        ax.stackplot(x, ys, labels=[short_name(g) for g in pools], alpha=0.75)
    elif pools and not totals:
        ax.plot(x, run.series(pools[0], "power_w").to_numpy(dtype=float) / 1e3,
                label=short_name(pools[0]))
    for g in totals:
        style = dict(color="black", linestyle="--", linewidth=1.2) if len(pools) > 1 else {}
        ax.plot(x, run.series(g, "power_it_w").to_numpy(dtype=float) / 1e3,
                label=f"{short_name(g)} IT total", **style)
    ax.set_xlabel("time (h)")
    ax.set_ylabel("IT power (kW)")
    ax.set_title(_title(run, "site IT power" + (" (stacked per pool)" if len(pools) > 1 else "")))
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, loc="upper left")
    return _save(fig, out)


def plot_utilization(run: Run, out: str | Path) -> Path | None:
    """GPU utilization (fraction) and queue length (requests) per pool vs time (h)."""
    panels = [(name, label, _has(run, run.pools(), (name,)))
              for name, label in (("gpu_utilization", "GPU utilization (fraction)"),
                                  ("queue_length", "queue length (requests)"))]
    panels = [p for p in panels if p[2]]
    if not panels or len(run.time) == 0:
        return None
    fig, axes = _figure(len(panels), height=3.2)
    x = _hours(run)
    pool_color = {g: f"C{i % 10}" for i, g in enumerate(run.pools())}
    for ax, (name, label, pools) in zip(axes, panels):
        for g in pools:
            ax.plot(x, run.series(g, name).to_numpy(dtype=float), color=pool_color[g],
                    linewidth=1.2, label=short_name(g))
        ax.set_ylabel(label)
        ax.set_ylim(bottom=0)
        if name == "gpu_utilization":
            ax.set_ylim(top=max(1.05, ax.get_ylim()[1]))
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
    axes[0].set_title(_title(run, " and ".join(p[0].replace("_", " ") for p in panels) + " per pool"))
    axes[-1].set_xlabel("time (h)")
    return _save(fig, out)


PLOTS = {
    "demand": plot_demand,
    "latency": plot_latency,
    "power": plot_power,
    "utilization": plot_utilization,
}


def plot_all(run: Run, out_dir: str | Path) -> dict[str, Path]:
    """Make every plot that the run's series allow; returns {name: PNG path} for those written."""
    out_dir = Path(out_dir)
    written = {}
    for name, fn in PLOTS.items():
        path = fn(run, out_dir / f"{name}.png")
        if path is not None:
            written[name] = path
    return written
