"""A sweep or plan directory written by `dcsim sweep` / `dcsim plan` (docs/experiments.md):
a table of every output against the axes, with the spread across seeds (mean, standard deviation,
n and a two-sided confidence interval on the mean from Student's t), and plots.

    python3 -m dcsim_analysis sweep DIR [--confidence 0.95] [--out DIR/analysis]

load_index(dir) -> (DataFrame of DIR/index.csv, the experiment.yaml dict);
summarize(index, meta, confidence) -> DataFrame, one row per point of the axes;
plot_sweep(summary, meta, out_dir) -> list of PNG paths; for a plan, also the constraint curves
of DIR/plan.csv against their limits.
"""
from __future__ import annotations

import argparse
import math
import pathlib
import re
import sys

import numpy as np
import pandas as pd
import yaml

__all__ = ["load_index", "summarize", "plot_sweep", "t_quantile", "main"]


def load_index(directory) -> tuple[pd.DataFrame, dict]:
    d = pathlib.Path(directory)
    index = d / "index.csv"
    if not index.exists():
        raise FileNotFoundError(f"{index}: no index (is {d} a directory written by dcsim sweep or dcsim plan?)")
    meta_path = d / "experiment.yaml"
    meta = yaml.safe_load(meta_path.read_text()) if meta_path.exists() else {}
    return pd.read_csv(index), meta or {}


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """Regularized incomplete beta I_x(a, b) by its continued fraction (Numerical Recipes §6.4)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x >= (a + 1) / (a + b + 2):
        return 1.0 - _incomplete_beta(b, a, 1 - x)
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        for num in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                    -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + num * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + num / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1) < 1e-15:
            break
    return front * h / a


def t_quantile(p: float, df: float) -> float:
    """The p-quantile of Student's t with df degrees of freedom (bisection on its CDF)."""
    def cdf(t):
        tail = 0.5 * _incomplete_beta(df / 2, 0.5, df / (df + t * t))
        return 1 - tail if t >= 0 else tail
    lo, hi = -1e3, 1e3
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if cdf(mid) < p:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _output_names(index: pd.DataFrame, meta: dict) -> list[str]:
    names = [o["name"] for o in meta.get("outputs", [])]
    return [n for n in names if n in index.columns]


def _axis_names(index: pd.DataFrame, meta: dict) -> list[str]:
    return [a for a in meta.get("axes", []) if a in index.columns]


def _groups(df: pd.DataFrame, cols: list[str]):
    """(key tuple, rows) per combination of `cols`, in order of appearance."""
    if not cols:
        return [((), df)]
    by = cols[0] if len(cols) == 1 else cols
    return [(k if isinstance(k, tuple) else (k,), g) for k, g in df.groupby(by, sort=False, dropna=False)]


def summarize(index: pd.DataFrame, meta: dict, confidence: float = 0.95) -> pd.DataFrame:
    """Mean, standard deviation, n and the confidence interval of each output per point of the axes
    (runs that did not end ok are left out; `runs_failed` counts them)."""
    axes = _axis_names(index, meta)
    outputs = _output_names(index, meta)
    ok = index[index["status"] == "ok"]
    rows = []
    for key, g in _groups(ok, axes):
        row = dict(zip(axes, key))
        sel = np.ones(len(index), dtype=bool)
        for a, v in row.items():
            sel &= (index[a] == v).to_numpy()
        row["runs"] = int(sel.sum())
        row["runs_failed"] = int((sel & (index["status"] != "ok").to_numpy()).sum())
        for o in outputs:
            x = pd.to_numeric(g[o], errors="coerce").dropna().to_numpy()
            n = len(x)
            m = float(np.mean(x)) if n else math.nan
            s = float(np.std(x, ddof=1)) if n > 1 else math.nan
            half = t_quantile(0.5 + confidence / 2, n - 1) * s / math.sqrt(n) if n > 1 else math.nan
            row[f"{o}_mean"] = m
            row[f"{o}_std"] = s
            row[f"{o}_n"] = n
            row[f"{o}_ci_low"] = m - half
            row[f"{o}_ci_high"] = m + half
        rows.append(row)
    out = pd.DataFrame(rows)
    if meta.get("kind") == "plan" and axes:
        out = out.sort_values(axes, kind="stable").reset_index(drop=True)
    return out


def _numeric(values: pd.Series) -> pd.Series | None:
    """The leading number of each value ('20 /s' -> 20), or None when some value has none."""
    def lead(v):
        m = re.match(r"^\s*([-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)", str(v))
        return float(m.group(1)) if m else math.nan
    nums = values.map(lead)
    return None if nums.isna().any() else nums


def plot_sweep(summary: pd.DataFrame, meta: dict, out_dir, directory=None, confidence: float = 0.95) -> list[pathlib.Path]:
    """One figure per output against the first axis (numeric when its values are), a line per
    combination of the other axes, error bars the confidence interval across seeds. For a plan,
    also plan_curves.png: each constraint's judged value against the capacity, with its limit."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    axes = [a for a in meta.get("axes", []) if a in summary.columns]
    outputs = [o["name"] for o in meta.get("outputs", []) if f"{o['name']}_mean" in summary.columns]
    if axes:
        x_axis, others = axes[0], axes[1:]
        xs_num = _numeric(summary[x_axis])
        for o in outputs:
            fig, ax = plt.subplots(figsize=(6.4, 4.0))
            groups = _groups(summary, others)
            for key, g in groups:
                label = ", ".join(f"{a}={v}" for a, v in zip(others, key)) or None
                x = xs_num[g.index] if xs_num is not None else g[x_axis].astype(str)
                y = g[f"{o}_mean"]
                err = (y - g[f"{o}_ci_low"]).fillna(0)
                ax.errorbar(x, y, yerr=err, marker="o", capsize=3, label=label)
            ax.set_xlabel(x_axis)
            ax.set_ylabel(o)
            ax.set_title(f"{o} (mean, {confidence:.0%} CI across seeds)")
            if len(groups) > 1:
                ax.legend(fontsize="small")
            ax.grid(alpha=0.3)
            p = out / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', o)}.png"
            fig.tight_layout()
            fig.savefig(p, dpi=110)
            plt.close(fig)
            paths.append(p)
    plan_csv = pathlib.Path(directory) / "plan.csv" if directory is not None else None
    if plan_csv is not None and plan_csv.exists() and meta.get("plan"):
        curves = pd.read_csv(plan_csv)
        cons = meta["plan"]["constraints"]
        first = meta["plan"]["minimize"][0]["name"]
        fig, axs = plt.subplots(len(cons), 1, figsize=(6.4, 2.8 * len(cons)), squeeze=False)
        for ax, c in zip(axs[:, 0], cons):
            name = c["output"]
            limit = c.get("max", c.get("min"))
            d = curves.sort_values(first)
            ax.plot(d[first], d[name], marker="o", label=name)
            ax.axhline(limit, color="red", linestyle="--", label=f"limit {c.get('written', limit)}")
            bad = d[d[f"{name}_holds"] == 0]
            ax.plot(bad[first], bad[name], "x", color="red", markersize=9, label="violated")
            ax.set_xlabel(first)
            ax.set_ylabel(name)
            ax.grid(alpha=0.3)
            ax.legend(fontsize="small")
        fig.tight_layout()
        p = out / "plan_curves.png"
        fig.savefig(p, dpi=110)
        plt.close(fig)
        paths.append(p)
    return paths


def main(argv: list[str] | None = None, prog: str = "python3 -m dcsim_analysis sweep") -> int:
    parser = argparse.ArgumentParser(prog=prog,
                                     description="Table and plots of a dcsim sweep or plan directory.")
    parser.add_argument("dir", help="directory written by dcsim sweep or dcsim plan")
    parser.add_argument("--confidence", type=float, default=0.95, help="confidence of the interval (default 0.95)")
    parser.add_argument("--out", help="where the table and plots go (default DIR/analysis)")
    args = parser.parse_args(argv)
    try:
        index, meta = load_index(args.dir)
    except FileNotFoundError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    summary = summarize(index, meta, args.confidence)
    out = pathlib.Path(args.out) if args.out else pathlib.Path(args.dir) / "analysis"
    out.mkdir(parents=True, exist_ok=True)
    summary.to_csv(out / "summary.csv", index=False)
    counts = index["status"].value_counts().to_dict()
    print(f"{meta.get('kind', 'sweep')} {meta.get('name', '')}: {len(index)} runs "
          f"({', '.join(f'{v} {k}' for k, v in counts.items())})")
    cols = [c for c in summary.columns if not c.endswith(("_std", "_n"))]
    with pd.option_context("display.width", 160, "display.max_columns", 50):
        print(summary[cols].to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    paths = plot_sweep(summary, meta, out, directory=args.dir, confidence=args.confidence)
    print(f"table: {out / 'summary.csv'}")
    for p in paths:
        print(f"plot: {p}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
