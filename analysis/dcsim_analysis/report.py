"""Markdown report of one dcsim run: run metadata, /summary totals, per-pool and per-workload
tables, event counts, the request invariant check, and the figures of plots.py.

`write_report(run_path, out_dir)` writes out_dir/report.md plus the PNGs and returns the path of
report.md. `main(argv)` is the command line (analysis/report.py RUN.h5 --out DIR).
"""
from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

import numpy as np

from .load import NotARunError, Run, load_run, short_name

INVARIANT_TERMS = ("requests_completed", "requests_rejected", "requests_dropped",
                   "requests_in_flight")


def fmt(value) -> str:
    """A number for a table: integers without decimals, others with 6 significant digits."""
    if value is None:
        return "n/a"
    try:
        v = float(value)
    except (TypeError, ValueError):
        return _cell(value)
    if math.isnan(v):
        return "n/a"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return f"{v:.6g}"


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def friendly(name: str, value: float, units: str) -> str:
    """The same quantity in a unit people read faster (kWh for J, h for long times, ...)."""
    v = float(value)
    if math.isnan(v):
        return ""
    if units == "J":
        kwh = v / 3.6e6
        return f"{kwh:,.3f} kWh" + (f" ({kwh / 1e3:,.3f} MWh)" if kwh >= 1e3 else "")
    if units == "s":
        if name == "simulated_s" or abs(v) >= 3600:
            return f"{v / 3600:,.3f} h"
        if abs(v) < 1:
            return f"{v * 1e3:,.1f} ms"
        if abs(v) >= 60:
            return f"{v / 60:,.2f} min"
        return ""
    if units == "W":
        return f"{v / 1e3:,.3f} kW"
    if units == "g":
        return f"{v / 1e3:,.3f} kg"
    if units == "L":
        return f"{v / 1e3:,.3f} m³"
    if units == "1":
        if name.startswith("requests_"):
            return f"{v:,.0f}"
        if "attainment" in name or "utilization" in name or "fraction" in name:
            return f"{v * 100:.2f} %"
    return ""


def time_mean(run: Run, values) -> float:
    """Time-weighted mean of a step-averaged series, ignoring NaN samples."""
    y = np.asarray(values, dtype=float)
    w = run.step_durations
    ok = np.isfinite(y) & (w > 0)
    if not ok.any():
        return float("nan")
    return float(np.sum(y[ok] * w[ok]) / np.sum(w[ok]))


def _total(run: Run, group: str, name: str) -> float:
    s = run.series(group, name)
    return float(np.nansum(s.to_numpy(dtype=float))) if s is not None else float("nan")


def _peak(run: Run, group: str, name: str) -> float:
    s = run.series(group, name)
    if s is None:
        return float("nan")
    y = s.to_numpy(dtype=float)
    return float(np.nanmax(y)) if np.isfinite(y).any() else float("nan")


def check_invariant(summary: dict) -> tuple[str, str]:
    """('OK' | 'VIOLATED' | 'NOT CHECKED', explanation) for arrived = completed + rejected +
    dropped + in_flight, from the /summary totals."""
    missing = [n for n in ("requests_arrived",) + INVARIANT_TERMS if n not in summary]
    if missing:
        return "NOT CHECKED", "missing from /summary: " + ", ".join(missing)
    arrived = summary["requests_arrived"][0]
    parts = [summary[n][0] for n in INVARIANT_TERMS]
    total = sum(parts)
    expr = (f"arrived {fmt(arrived)} = completed {fmt(parts[0])} + rejected {fmt(parts[1])} + "
            f"dropped {fmt(parts[2])} + in_flight {fmt(parts[3])} = {fmt(total)}")
    if abs(arrived - total) <= 1e-9 * max(1.0, abs(arrived)):
        return "OK", expr
    return "VIOLATED", expr.replace(f" = {fmt(total)}", f" = {fmt(total)} (off by {fmt(arrived - total)})")


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _kw(w: float) -> str:
    return fmt(round(w / 1e3, 3)) if not math.isnan(w) else "n/a"


def _mean_of(run: Run, group: str, name: str) -> float:
    s = run.series(group, name)
    return time_mean(run, s) if s is not None else float("nan")


def _or_na(x: float, text: str) -> str:
    return "n/a" if math.isnan(x) else text


def _serving_section(run: Run, pools: list[str]) -> list[str]:
    """Per LLM pool (tokens_out): output tokens/s, worst TTFT and TPOT p99, preemptions, mean KV
    utilization, prefix-cache hits, KV transfers (disaggregated); per image pool (images_out):
    images/s. Empty when no pool has these series."""
    out: list[str] = []
    span = float(run.attrs.get("simulated_s", float("nan")))
    llm = [g for g in pools if run.series(g, "tokens_out") is not None]
    if llm:
        rows = []
        for g in llm:
            tokens = _total(run, g, "tokens_out")
            rate = tokens / span if span > 0 else float("nan")
            kv = _mean_of(run, g, "kv_utilization")
            hits = _total(run, g, "prefix_hit_tokens") if run.series(g, "prefix_hit_tokens") is not None else float("nan")
            xfer = _peak(run, g, "kv_transfer_p99_s")
            rows.append([short_name(g), fmt(tokens), _or_na(rate, fmt(round(rate, 1))),
                         fmt(_peak(run, g, "ttft_p99_s")), fmt(_peak(run, g, "tpot_p99_s")),
                         fmt(_total(run, g, "preemptions")), _or_na(kv, f"{kv * 100:.1f} %"),
                         _or_na(hits, fmt(hits)), _or_na(xfer, fmt(xfer))])
        out += ["## LLM serving", ""] + _table(
            ["pool", "output tokens", "tokens/s", "worst TTFT p99 (s)", "worst TPOT p99 (s)", "preemptions",
             "mean KV utilization", "prefix-cache hit tokens", "worst KV transfer p99 (s)"], rows) + [""]
    image = [g for g in pools if run.series(g, "images_out") is not None]
    if image:
        rows = []
        for g in image:
            images = _total(run, g, "images_out")
            rate = images / span if span > 0 else float("nan")
            rows.append([short_name(g), fmt(images), _or_na(rate, fmt(round(rate, 3))),
                         fmt(_peak(run, g, "latency_p99_s"))])
        out += ["## Image and video serving", ""] + _table(
            ["pool", "images", "images/s", "worst p99 (s)"], rows) + [""]
    return out


def _markdown(run: Run, plots: dict[str, Path], scenario_file: str | None) -> str:
    a = run.attrs
    complete = bool(a.get("complete", 0))
    out = [f"# dcsim run report: {run.scenario_name}", ""]
    if not complete or run.path.name.endswith(".partial"):
        out += [f"> **Incomplete run**: complete = {fmt(a.get('complete'))}, "
                f"stop reason: {_cell(a.get('stop_reason', 'unknown'))}. Totals cover the "
                "simulated time reached only.", ""]
    horizon = a.get("horizon_s")
    rows = [
        ["file", run.path.name],
        ["scenario", run.scenario_name],
        ["scenario path", a.get("scenario_path", "n/a")],
        ["seed", fmt(a.get("seed"))],
        ["dcsim version", a.get("dcsim_version", "n/a")],
        ["format version", fmt(a.get("format_version"))],
        ["fidelity", a.get("fidelity", "n/a")],
        ["started (UTC)", a.get("started_utc", "n/a")],
        ["horizon", f"{fmt(horizon)} s" + (f" ({float(horizon) / 3600:.3f} h)" if horizon is not None else "")],
        ["record step", f"{fmt(a.get('record_step_s'))} s"],
        ["simulated", f"{fmt(a.get('simulated_s'))} s"],
        ["wall time", f"{fmt(a.get('wall_seconds'))} s"],
        ["complete", "yes" if complete else "no"],
        ["stop reason", a.get("stop_reason", "n/a")],
        ["samples", str(len(run.time))],
    ]
    out += ["## Run", ""] + _table(["", ""], rows) + [""]
    if scenario_file:
        out += [f"Resolved scenario (re-run it to reproduce this file): [{scenario_file}]({scenario_file})", ""]

    out += ["## Summary", ""]
    if run.summary:
        out += _table(["total", "value", "units", "also"],
                      [[k, fmt(v), u, friendly(k, v, u)] for k, (v, u) in run.summary.items()])
    else:
        out += ["No /summary in this file."]
    out += [""]

    status, expr = check_invariant(run.summary)
    out += ["## Request invariant", "", f"**{status}**: {expr}", ""]

    pools = run.pools()
    if pools:
        rows = []
        for g in pools:
            power = run.series(g, "power_w")          # IT: GPUs and the servers' non-GPU part
            gpu_power = run.series(g, "gpu_power_w")  # GPUs alone
            util = run.series(g, "gpu_utilization")
            rows.append([short_name(g), fmt(_total(run, g, "arrivals")),
                         fmt(_total(run, g, "completed")), fmt(_total(run, g, "rejected")),
                         _kw(time_mean(run, power) if power is not None else float("nan")),
                         _kw(_peak(run, g, "power_w")),
                         _kw(time_mean(run, gpu_power) if gpu_power is not None else float("nan")),
                         f"{time_mean(run, util) * 100:.1f} %" if util is not None else "n/a",
                         fmt(_peak(run, g, "latency_p99_s"))])
        out += ["## Pools", ""] + _table(
            ["pool", "arrivals", "completed", "rejected", "mean IT power (kW)", "peak IT power (kW)",
             "mean GPU power (kW)", "mean GPU utilization", "worst p99 (s)"], rows) + [""]

    out += _serving_section(run, pools)

    workloads = run.workloads()
    if workloads:
        rows = []
        for g in workloads:
            slo, done = run.series(g, "slo_attainment"), run.series(g, "completed")
            attainment = float("nan")
            if slo is not None and done is not None:
                y, w = slo.to_numpy(dtype=float), done.to_numpy(dtype=float)
                ok = np.isfinite(y) & np.isfinite(w)
                if w[ok].sum() > 0:
                    attainment = float(np.sum(y[ok] * w[ok]) / w[ok].sum())
            rows.append([short_name(g), fmt(_total(run, g, "arrivals")),
                         fmt(_total(run, g, "completed")), fmt(_total(run, g, "rejected")),
                         fmt(_peak(run, g, "latency_p99_s")),
                         f"{attainment * 100:.2f} %" if not math.isnan(attainment) else "n/a"])
        out += ["## Workloads", ""] + _table(
            ["workload", "arrivals", "completed", "rejected", "worst p99 (s)", "SLO attainment"],
            rows) + [""]

    out += ["## Events", ""]
    if len(run.events):
        counts = run.events["kind"].value_counts().sort_index()
        out += _table(["kind", "count"], [[k, str(int(c))] for k, c in counts.items()])
        out += ["", f"{len(run.events)} events in all."]
    else:
        out += ["No events."]
    out += [""]

    if plots:
        out += ["## Plots", ""]
        for name, path in plots.items():
            out += [f"### {name}", "", f"![{name}]({path.name})", ""]
    return "\n".join(out)


def write_report(run_path: str | os.PathLike, out_dir: str | os.PathLike) -> Path:
    """Write out_dir/report.md and its PNGs for one run file; returns the path of report.md."""
    from .plots import plot_all  # matplotlib only when plotting

    run = load_run(run_path)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    plots = plot_all(run, out_dir)
    scenario_file = None
    if run.attrs.get("scenario"):
        scenario_file = "scenario.yaml"
        (out_dir / scenario_file).write_text(str(run.attrs["scenario"]), encoding="utf-8")
    report = out_dir / "report.md"
    report.write_text(_markdown(run, plots, scenario_file), encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> int:
    """report.py RUN.h5 [--out DIR]: write DIR/report.md, print its path. Exit 2 if RUN.h5 is
    missing or not a dcsim run file."""
    parser = argparse.ArgumentParser(prog="report.py",
                                     description="Markdown report and plots of a dcsim run file.")
    parser.add_argument("run", help="dcsim run file (OUT.h5, or a readable OUT.h5.partial)")
    parser.add_argument("--out", default="report", help="output directory (default: ./report)")
    args = parser.parse_args(argv)
    try:
        path = write_report(args.run, args.out)
    except (FileNotFoundError, NotARunError) as e:
        print(f"report.py: error: {' '.join(str(e).split())}", file=sys.stderr)
        return 2
    print(path)
    return 0
