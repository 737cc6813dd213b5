"""Side-by-side /summary totals of several dcsim runs (sweeps, what-ifs).

`compare_runs(paths)` returns a DataFrame: one row per summary total, a `units` column, then one
column per run. `main(argv)` is the command line (analysis/compare.py A.h5 B.h5 ...).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from .load import NotARunError, load_run


def _labels(paths: list[Path]) -> list[str]:
    """Column names: file stems, or fuller paths when stems collide."""
    stems = [p.name.removesuffix(".partial").removesuffix(".h5") for p in paths]
    if len(set(stems)) == len(stems):
        return stems
    labels = [str(p) for p in paths]
    if len(set(labels)) == len(labels):
        return labels
    return [f"{i}:{p}" for i, p in enumerate(labels)]


def compare_runs(paths, labels: list[str] | None = None) -> pd.DataFrame:
    """Summary totals of the runs side by side.

    Index `total` (summary names in order of first appearance), column `units`, then one float
    column per run (NaN where a run lacks a total). The runs' scenario name, seed and complete flag
    are in `df.attrs["runs"]` as {label: {...}}.
    """
    paths = [Path(p) for p in paths]
    if not paths:
        raise ValueError("compare_runs needs at least one run file")
    labels = list(labels) if labels is not None else _labels(paths)
    if len(labels) != len(paths) or len(set(labels)) != len(labels):
        raise ValueError("labels must be unique, one per path")
    units: dict[str, str] = {}
    columns: dict[str, dict[str, float]] = {}
    meta: dict[str, dict] = {}
    for label, path in zip(labels, paths):
        run = load_run(path)
        columns[label] = {}
        for name, (value, unit) in run.summary.items():
            units.setdefault(name, unit)
            columns[label][name] = value
        meta[label] = {"path": str(path), "scenario_name": run.scenario_name,
                       "seed": run.attrs.get("seed"), "complete": bool(run.attrs.get("complete", 0)),
                       "stop_reason": run.attrs.get("stop_reason", "")}
    index = pd.Index(list(units), name="total")
    df = pd.DataFrame({"units": pd.Series(units, dtype=object)}, index=index)
    for label in labels:
        df[label] = pd.Series(columns[label], dtype=float).reindex(index)
    df.attrs["runs"] = meta
    return df


def main(argv: list[str] | None = None) -> int:
    """compare.py A.h5 B.h5 ... [--csv FILE]: print the summary totals side by side."""
    parser = argparse.ArgumentParser(prog="compare.py",
                                     description="Summary totals of dcsim runs side by side.")
    parser.add_argument("runs", nargs="+", help="dcsim run files")
    parser.add_argument("--csv", help="also write the table to this CSV file")
    args = parser.parse_args(argv)
    try:
        df = compare_runs(args.runs)
    except (FileNotFoundError, NotARunError) as e:
        print(f"compare.py: error: {' '.join(str(e).split())}", file=sys.stderr)
        return 2
    for label, m in df.attrs["runs"].items():
        state = "complete" if m["complete"] else f"INCOMPLETE ({m['stop_reason']})"
        print(f"{label}: {m['path']}  scenario={m['scenario_name']}  seed={m['seed']}  {state}")
    print()
    with pd.option_context("display.max_rows", None, "display.max_columns", None,
                           "display.width", 200, "display.float_format", "{:.6g}".format):
        print(df.to_string())
    if args.csv:
        df.to_csv(args.csv)
    return 0
