"""Several dcsim runs side by side (what-ifs, sweeps, seeds).

`compare_runs(paths)` returns a DataFrame of the /summary totals: one row per total, a `units`
column, then one column per run. `write_comparison(paths, out_dir)` writes index.html and
report.md: the runs (file, seed, `--set` overrides when the file stores them, completeness), the
differences between their resolved scenarios (as --set key paths, and the text diff), a table
per workload and per pool with each run's value and its absolute and relative difference from the
first run (energy in kWh or MWh), the /summary totals, and every figure of the report with the
runs overlaid (colour = run).

`main(argv)`: `compare A.h5 B.h5 ... [-o DIR] [--csv FILE]`; without -o it prints the totals
(analysis/compare.py). Exit 2 with one line on stderr for a missing or unreadable file.
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import pandas as pd

from . import document as doc
from .fmt import fmt, human, scale_for
from .load import NotARunError, Run, load_run, short_name
from .report import add_figures_option, figure_names, write_pngs
from .scenario_diff import differences, text_diff
from .stats import Window, pool_metrics, site_metrics, workload_metrics

MAX_DIFF_ROWS = 80


def _labels(paths: list[Path]) -> list[str]:
    """Column names: file stems, or fuller paths when stems collide."""
    stems = [p.name.removesuffix(".partial").removesuffix(".h5") for p in paths]
    if len(set(stems)) == len(stems):
        return stems
    labels = [str(p) for p in paths]
    if len(set(labels)) == len(labels):
        return labels
    return [f"{i}:{p}" for i, p in enumerate(labels)]


def _summary_frame(runs: list[Run], labels: list[str]) -> pd.DataFrame:
    units: dict[str, str] = {}
    columns: dict[str, dict[str, float]] = {}
    meta: dict[str, dict] = {}
    for label, run in zip(labels, runs):
        columns[label] = {}
        for name, (value, unit) in run.summary.items():
            units.setdefault(name, unit)
            columns[label][name] = value
        meta[label] = {"path": str(run.path), "scenario_name": run.scenario_name,
                       "seed": run.attrs.get("seed"), "overrides": run.attrs.get("overrides"),
                       "complete": bool(run.attrs.get("complete", 0)),
                       "stop_reason": run.attrs.get("stop_reason", "")}
    index = pd.Index(list(units), name="total")
    df = pd.DataFrame({"units": pd.Series(units, dtype=object)}, index=index)
    for label in labels:
        df[label] = pd.Series(columns[label], dtype=float).reindex(index)
    df.attrs["runs"] = meta
    return df


def _load(paths, labels):
    paths = [Path(p) for p in paths]
    if not paths:
        raise ValueError("compare needs at least one run file")
    labels = list(labels) if labels is not None else _labels(paths)
    if len(labels) != len(paths) or len(set(labels)) != len(labels):
        raise ValueError("labels must be unique, one per path")
    return [load_run(p) for p in paths], labels


def compare_runs(paths, labels: list[str] | None = None) -> pd.DataFrame:
    """Summary totals of the runs side by side.

    Index `total` (summary names in order of first appearance), column `units`, then one float
    column per run (NaN where a run lacks a total). The runs' scenario name, seed, overrides and
    complete flag are in `df.attrs["runs"]` as {label: {...}}.
    """
    runs, labels = _load(paths, labels)
    return _summary_frame(runs, labels)


def _delta_cells(values: list[float], unit: str) -> list[str]:
    """[A, B, B-A, (B-A)/A, C, C-A, ...] in one unit chosen from the first run's magnitude."""
    base = values[0]
    ref = base if base is not None and math.isfinite(base) and base != 0 else \
        next((v for v in values if v is not None and math.isfinite(v) and v != 0), 0.0)
    scale = scale_for(unit, ref)
    cells = [human(base, unit, scale)]
    for v in values[1:]:
        cells.append(human(v, unit, scale))
        if base is None or v is None or not (math.isfinite(base) and math.isfinite(v)):
            cells += ["n/a", "n/a"]
            continue
        d = v - base
        if unit == "%":
            cells.append(f"{d * 100:+.2f} pp")
        else:
            text = human(abs(d), unit, scale)
            cells.append(("+" if d > 0 else "-" if d < 0 else "±") + text)
        cells.append(f"{d / abs(base) * 100:+.1f} %" if base != 0 else ("n/a" if d else "0 %"))
    return cells


def _metric_table(runs: list[Run], labels: list[str], group: str, metrics_of) -> doc.Table | None:
    per_run = [metrics_of(r, group, Window(r)) if group in r.groups else [] for r in runs]
    keys: list[str] = []
    info: dict[str, tuple[str, str]] = {}
    for ms in per_run:
        for m in ms:
            if m.key not in info:
                keys.append(m.key)
                info[m.key] = (m.label, m.unit)
    if not keys:
        return None
    rows = []
    for k in keys:
        values = [next((m.value for m in ms if m.key == k), math.nan) for ms in per_run]
        if all(v is None or not math.isfinite(v) for v in values):
            continue
        rows.append([info[k][0]] + _delta_cells(values, info[k][1]))
    header = ["", labels[0]]
    for label in labels[1:]:
        header += [label, f"Δ vs {labels[0]}", "Δ %"]
    return doc.Table(header, rows, [False] + [True] * (len(header) - 1))


def _union(runs: list[Run], fn) -> list[str]:
    out: list[str] = []
    for r in runs:
        out += [g for g in fn(r) if g not in out]
    return out


def _runs_table(runs: list[Run], labels: list[str]) -> doc.Table:
    rows = []
    for label, r in zip(labels, runs):
        state = "yes" if r.complete else f"no ({r.attrs.get('stop_reason', 'unknown')})"
        rows.append([label, str(r.path), r.scenario_name, fmt(r.attrs.get("seed")),
                     r.attrs.get("overrides") or "none recorded", f"{r.clock.text(0.0)} {r.clock.label}",
                     f"{float(r.attrs.get('simulated_s') or 0) / 3600:.4g} h", state])
    return doc.Table(["run", "file", "scenario", "seed", "overrides (--set)", "start", "simulated", "complete"], rows)


def _scenario_blocks(runs: list[Run], labels: list[str]) -> list:
    out: list = [doc.Heading("Scenario differences")]
    base = runs[0]
    for label, r in zip(labels[1:], runs[1:]):
        diffs = differences(base.scenario, r.scenario)
        if not diffs:
            out.append(doc.Para(f"**{label}** has the same resolved scenario as **{labels[0]}**."))
            continue
        rows = [[f"`{p}`", "(absent)" if a is None else str(a), "(absent)" if b is None else str(b)]
                for p, a, b in diffs[:MAX_DIFF_ROWS]]
        out += [doc.Para(f"**{label}** against **{labels[0]}**: {len(diffs)} key(s) differ"
                         + (f" (first {MAX_DIFF_ROWS} shown)" if len(diffs) > MAX_DIFF_ROWS else "") + "."),
                doc.Table(["key path", labels[0], label], rows),
                doc.Code(text_diff(str(base.attrs.get("scenario", "")), str(r.attrs.get("scenario", "")),
                                   labels[0], label), f"Text diff of the resolved scenarios, {labels[0]} → {label}",
                         fold=True)]
    return out


def build(runs: list[Run], labels: list[str], figures) -> list:
    blocks: list = [doc.Heading("dcsim comparison: " + " vs ".join(labels), 1)]
    incomplete = [label for label, r in zip(labels, runs) if not r.complete]
    if incomplete:
        blocks.append(doc.Note("**Incomplete run(s)**: " + ", ".join(incomplete) +
                               ": their totals cover the simulated time reached only."))
    blocks.append(doc.Para(f"Differences are against the first run, **{labels[0]}**. Statistics exclude each "
                           "run's warm-up when its scenario has one (`record.warmup`)."))
    blocks += [doc.Heading("Runs"), _runs_table(runs, labels)]
    blocks += _scenario_blocks(runs, labels)
    for title, groups, metrics_of in (("Workloads", _union(runs, Run.workloads), workload_metrics),
                                      ("Pools", _union(runs, Run.pools), pool_metrics),
                                      ("Sites", _union(runs, Run.sites), site_metrics)):
        tables = [(g, _metric_table(runs, labels, g, metrics_of)) for g in groups]
        tables = [(g, t) for g, t in tables if t is not None and t.rows]
        if tables:
            blocks.append(doc.Heading(title))
            for g, t in tables:
                blocks += [doc.Heading(short_name(g), 3), t]
    df = _summary_frame(runs, labels)
    rows = [[name, df.loc[name, "units"]] + _delta_cells([float(df.loc[name, l]) for l in labels], "1"
                                                          if df.loc[name, "units"] == "1" else df.loc[name, "units"])
            for name in df.index]
    header = ["total", "units", labels[0]]
    for label in labels[1:]:
        header += [label, f"Δ vs {labels[0]}", "Δ %"]
    blocks += [doc.Heading("Summary totals"), doc.Table(header, rows, [False, False] + [True] * (len(header) - 2))]
    if figures:
        blocks.append(doc.Heading("Plots"))
        blocks += [doc.Figure(f.name, f.title, f.caption + " Colours are runs, line styles series.",
                              f.png, f"{f.name}.png") for f in figures]
    return blocks


def write_comparison(paths, out_dir, labels: list[str] | None = None, figures=None) -> Path:
    """Write out_dir/index.html, out_dir/report.md and the overlaid figures; returns report.md.
    `figures`: names of the figures to draw (default: all that apply)."""
    from .figures import render

    runs, labels = _load(paths, labels)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    figures = render(runs, labels, only=None if figures is None else set(figures))
    write_pngs(figures, out_dir)
    blocks = build(runs, labels, figures)
    md = out_dir / "report.md"
    md.write_text(doc.markdown(blocks), encoding="utf-8")
    (out_dir / "index.html").write_text(doc.page("dcsim: " + " vs ".join(labels), blocks), encoding="utf-8")
    return md


def main(argv: list[str] | None = None, prog: str = "dcsim_analysis compare") -> int:
    parser = argparse.ArgumentParser(prog=prog, description="dcsim runs side by side.")
    parser.add_argument("runs", nargs="+", help="dcsim run files")
    parser.add_argument("-o", "--out", help="write index.html, report.md and figures to this directory")
    parser.add_argument("--csv", help="also write the summary totals to this CSV file")
    parser.add_argument("--labels", help="comma-separated run labels (default: file names)")
    add_figures_option(parser)
    args = parser.parse_args(argv)
    labels = args.labels.split(",") if args.labels else None
    try:
        if args.out:
            md = write_comparison(args.runs, args.out, labels, figures=figure_names(parser, args.figures))
            print(md)
            print(md.parent / "index.html")
            df = compare_runs(args.runs, labels) if args.csv else None
        else:
            df = compare_runs(args.runs, labels)
    except (FileNotFoundError, NotARunError, IsADirectoryError, PermissionError, ValueError) as e:
        print(f"{prog}: error: {' '.join(str(e).split())}", file=sys.stderr)
        return 2
    if not args.out:
        for label, m in df.attrs["runs"].items():
            state = "complete" if m["complete"] else f"INCOMPLETE ({m['stop_reason']})"
            extra = f"  overrides={m['overrides']}" if m["overrides"] else ""
            print(f"{label}: {m['path']}  scenario={m['scenario_name']}  seed={m['seed']}{extra}  {state}")
        print()
        with pd.option_context("display.max_rows", None, "display.max_columns", None,
                               "display.width", 200, "display.float_format", "{:.6g}".format):
            print(df.to_string())
    if args.csv and df is not None:
        df.to_csv(args.csv)
    return 0
