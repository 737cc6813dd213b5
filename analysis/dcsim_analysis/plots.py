"""Figures of one run saved as PNG files: a file-oriented face of the figure registry
(figures/__init__.py, where the figures are drawn and chosen).

`PLOTS` maps the four figures every run with pools has (demand, latency, power, utilization)
to `fn(run, out_path) -> Path | None` (None, and nothing written, when the run lacks the series
that figure needs); `plot(name)` gives the same for any name in figures.FIGURES;
`plot_all(run, out_dir)` writes every figure that applies and returns {name: path}.
"""
from __future__ import annotations

from pathlib import Path

from .figures import FIGURES, render
from .load import Run


def _plotter(name: str):
    def plot(run: Run, out: str | Path) -> Path | None:
        figures = render([run], only={name})
        if not figures:
            return None
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(figures[0].png)
        return out
    plot.__name__ = f"plot_{name}"
    plot.__doc__ = FIGURES[name][2]
    return plot


def plot(name: str):
    """fn(run, out_path) -> Path | None for the figure `name` of figures.FIGURES."""
    if name not in FIGURES:
        raise KeyError(f"no figure '{name}' (figures: {', '.join(FIGURES)})")
    return _plotter(name)


PLOTS = {name: _plotter(name) for name in ("demand", "latency", "power", "utilization")}
plot_demand = PLOTS["demand"]
plot_latency = PLOTS["latency"]
plot_power = PLOTS["power"]
plot_utilization = PLOTS["utilization"]


def plot_all(run: Run, out_dir: str | Path) -> dict[str, Path]:
    """Write every figure the run's series allow; returns {name: PNG path} for those written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for f in render([run]):
        path = out_dir / f"{f.name}.png"
        path.write_bytes(f.png)
        written[f.name] = path
    return written
