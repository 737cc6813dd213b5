"""Report of one dcsim run: index.html (self-contained, figures embedded) and report.md (figures
as PNG files beside it), from the same blocks (document.py).

Content: key facts (facts.py), run metadata (calendar start and the time zone used, warm-up,
seed, overrides), /summary totals, the request invariant, per-pool and per-workload tables over
the statistics window (stats.py), LLM and image serving tables, site facility and grid totals
when present, the events, the figures that apply (figures/), and the resolved scenario.

`write_report(run_path, out_dir) -> Path` of report.md; `main(argv)` is the command line
(`python3 -m dcsim_analysis report RUN.h5 -o DIR`, or analysis/report.py RUN.h5 --out DIR):
exit 2 with one line on stderr for a missing, partial-beyond-reading or corrupted file.
"""
from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

import numpy as np

from . import document as doc
from .facts import key_facts
from .figures.base import TICK_KINDS
from .fmt import fmt, friendly, human
from .load import NotARunError, Run, load_run, short_name
from .stats import Window, pool_metrics, site_metrics, workload_metrics

__all__ = ["write_report", "main", "fmt", "friendly", "check_invariant", "time_mean"]

INVARIANT_TERMS = ("requests_completed", "requests_rejected", "requests_dropped",
                   "requests_in_flight")
MAX_EVENT_ROWS = 60


def time_mean(run: Run, values) -> float:
    """Time-weighted mean of a step-averaged series over the whole run, NaN samples ignored."""
    y = np.asarray(values, dtype=float)
    w = run.step_durations
    ok = np.isfinite(y) & (w > 0)
    if not ok.any():
        return float("nan")
    return float(np.sum(y[ok] * w[ok]) / np.sum(w[ok]))


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


def _kw(w: float) -> str:
    return fmt(round(w / 1e3, 3)) if not math.isnan(w) else "n/a"


def _or_na(x: float, text: str) -> str:
    return "n/a" if math.isnan(x) else text


def _m(metrics, key: str) -> float:
    return next((m.value for m in metrics if m.key == key), math.nan)


def _run_table(run: Run, w: Window) -> doc.Table:
    a = run.attrs
    horizon = a.get("horizon_s")
    clock = run.clock
    overrides = a.get("overrides")
    rows = [
        ["file", run.path.name],
        ["scenario", run.scenario_name],
        ["description", run.description or "n/a"],
        ["scenario path", a.get("scenario_path", "n/a")],
        ["seed", fmt(a.get("seed"))],
        ["overrides (--set)", overrides if overrides else "none recorded"],
        ["dcsim version", a.get("dcsim_version", "n/a")],
        ["format version", fmt(a.get("format_version"))],
        ["fidelity", a.get("fidelity", "n/a")],
        ["start (t = 0)", f"{clock.text(0.0)} {clock.label} (scenario start {run.view.start_text})"],
        ["time axes", f"{clock.label}: {clock.why}"],
        ["started (UTC)", a.get("started_utc", "n/a")],
        ["horizon", f"{fmt(horizon)} s" + (f" ({float(horizon) / 3600:.3f} h)" if horizon is not None else "")],
        ["record step", f"{fmt(a.get('record_step_s'))} s"],
        ["warm-up", f"{w.warmup_s:g} s (excluded from the tables below)" if w.warmup_s > 0 else "none"],
        ["simulated", f"{fmt(a.get('simulated_s'))} s"],
        ["wall time", f"{fmt(a.get('wall_seconds'))} s"],
        ["complete", "yes" if run.complete else "no"],
        ["stop reason", a.get("stop_reason", "n/a")],
        ["samples", str(len(run.time))],
    ]
    return doc.Table(["", ""], rows)


def _pool_tables(run: Run, w: Window) -> list:
    pools = run.pools()
    if not pools:
        return []
    rows, rows2 = [], []
    for g in pools:
        m = pool_metrics(run, g, w)
        util = _m(m, "gpu_utilization")
        rows.append([short_name(g), fmt(_m(m, "arrivals")), fmt(_m(m, "completed")), fmt(_m(m, "rejected")),
                     _kw(_m(m, "power")), _kw(_m(m, "peak_power")), _kw(w.mean(g, "gpu_power_w")),
                     f"{util * 100:.1f} %" if not math.isnan(util) else "n/a",
                     fmt(_m(m, "worst_p99"))])
        info = run.view.pools.get(g)
        rows2.append([short_name(g), info.serving if info else "n/a",
                      fmt(info.replicas) if info and info.replicas else "n/a",
                      human(_m(m, "arrival_rate"), "/s"), human(_m(m, "capacity"), "/s"),
                      human(_m(m, "rejected_share"), "%"), fmt(_m(m, "peak_queue")),
                      fmt(_m(m, "queue_cap")), human(_m(m, "energy"), "J"),
                      human(_m(m, "energy_per_request"), "J", (3600.0, "Wh"))])
    by_note: dict[str, list[str]] = {}
    for g in pools:
        if g in run.view.pools:
            by_note.setdefault(run.view.pools[g].capacity_note, []).append(short_name(g))
    notes = [f"{', '.join(names)}: {note}" for note, names in by_note.items()]
    if any(run.series(g, "capacity_rps") is not None for g in pools):
        notes.append("pools with a `capacity_rps` series: that series")
    return [doc.Heading("Pools"),
             doc.Table(["pool", "arrivals", "completed", "rejected", "mean IT power (kW)", "peak IT power (kW)",
                        "mean GPU power (kW)", "mean GPU utilization", "worst p99 (s)"], rows,
                       [False] + [True] * 8),
             doc.Heading("Pools: load, capacity and energy", 3),
             doc.Table(["pool", "serving", "replicas", "mean arrival rate", "capacity", "rejected",
                        "peak queue", "queue cap", "IT energy", "IT energy per completed request"], rows2,
                       [False, False] + [True] * 8)] + \
        ([doc.Para("Capacity: " + "; ".join(notes) + ".")] if notes else [])


def _serving_tables(run: Run, w: Window) -> list:
    out: list = []
    llm = [g for g in run.pools() if run.series(g, "tokens_out") is not None]
    if llm:
        rows = []
        for g in llm:
            tokens = w.total(g, "tokens_out")
            rate = w.rate(tokens)
            kv = w.mean(g, "kv_utilization")
            hits = w.total(g, "prefix_hit_tokens") if run.series(g, "prefix_hit_tokens") is not None else math.nan
            xfer = w.peak(g, "kv_transfer_p99_s")
            rows.append([short_name(g), fmt(tokens), _or_na(rate, fmt(round(rate, 1))),
                         fmt(w.peak(g, "ttft_p99_s")), fmt(w.peak(g, "tpot_p99_s")),
                         fmt(w.total(g, "preemptions")), _or_na(kv, f"{kv * 100:.1f} %"),
                         _or_na(hits, fmt(hits)), _or_na(xfer, fmt(xfer))])
        out += [doc.Heading("LLM serving"), doc.Table(
            ["pool", "output tokens", "tokens/s", "worst TTFT p99 (s)", "worst TPOT p99 (s)", "preemptions",
             "mean KV utilization", "prefix-cache hit tokens", "worst KV transfer p99 (s)"], rows,
            [False] + [True] * 8)]
    image = [g for g in run.pools() if run.series(g, "images_out") is not None]
    if image:
        rows = []
        for g in image:
            images = w.total(g, "images_out")
            rate = w.rate(images)
            rows.append([short_name(g), fmt(images), _or_na(rate, fmt(round(rate, 3))),
                         fmt(w.peak(g, "latency_p99_s"))])
        out += [doc.Heading("Image and video serving"),
                doc.Table(["pool", "images", "images/s", "worst p99 (s)"], rows, [False, True, True, True])]
    return out


def _workload_table(run: Run, w: Window) -> list:
    groups = run.workloads()
    if not groups:
        return []
    rows = []
    for g in groups:
        m = workload_metrics(run, g, w)
        att = _m(m, "slo_attainment")
        rows.append([short_name(g), fmt(_m(m, "arrivals")), fmt(_m(m, "completed")), fmt(_m(m, "rejected")),
                     fmt(_m(m, "worst_p99")), f"{att * 100:.2f} %" if not math.isnan(att) else "n/a",
                     fmt(_m(m, "first_attempts")), fmt(_m(m, "retries")), human(_m(m, "slo_target"), "s"),
                     fmt(_m(m, "peak_users"))])
    return [doc.Heading("Workloads"),
            doc.Table(["workload", "arrivals", "completed", "rejected", "worst p99 (s)", "SLO attainment",
                       "first attempts", "retries", "SLO", "peak active users"], rows, [False] + [True] * 9)]


def _site_table(run: Run, w: Window) -> list:
    per_site = {g: site_metrics(run, g, w) for g in run.sites()}
    keys = [m.key for ms in per_site.values() for m in ms]
    keys = list(dict.fromkeys(k for k in keys if k not in ("energy_it", "energy_gpu", "power_it", "peak_power_it")))
    if not keys:
        return []                  # IT power alone is in the pools table and the power figure
    labels = {m.key: (m.label, m.unit) for ms in per_site.values() for m in ms}
    rows = [[labels[k][0]] + [human(_m(ms, k), labels[k][1]) for ms in per_site.values()] for k in keys]
    return [doc.Heading("Sites: facility and grid"),
            doc.Table(["total"] + [short_name(g) for g in per_site], rows, [False] + [True] * len(per_site))]


def _events(run: Run) -> list:
    out: list = [doc.Heading("Events")]
    ev = run.events
    if not len(ev):
        return out + [doc.Para("No events.")]
    counts = ev["kind"].value_counts().sort_index()
    out.append(doc.Table(["kind", "count"], [[k, str(int(c))] for k, c in counts.items()], [False, True]))
    out.append(doc.Para(f"{len(ev)} events in all."))
    notable = ev[~ev["kind"].isin(TICK_KINDS)]
    if len(notable):
        rows = [[run.clock.text(float(r.time_s)), fmt(r.time_s), r.kind, r.subject, fmt(r.value), r.detail]
                for r in notable.head(MAX_EVENT_ROWS).itertuples(index=False)]
        out.append(doc.Table([f"time ({run.clock.label})", "t (s)", "kind", "subject", "value", "detail"], rows))
        if len(notable) > MAX_EVENT_ROWS:
            out.append(doc.Para(f"First {MAX_EVENT_ROWS} of {len(notable)} events other than replica start-up."))
    return out


def _headline(run: Run, w: Window) -> str:
    a, clock = run.attrs, run.clock
    horizon = float(a.get("horizon_s") or 0.0)
    parts = [f"Starts {clock.text(0.0)} ({clock.label}), runs {horizon / 3600:.4g} h "
             f"in steps of {fmt(a.get('record_step_s'))} s", f"seed {fmt(a.get('seed'))}"]
    if a.get("overrides"):
        parts.append(f"overrides `{a['overrides']}`")
    parts.append("complete" if run.complete else "**incomplete**")
    return "; ".join(parts) + "."


def _nothing_happened(run: Run) -> str:
    from .figures.demand import capacity_series
    unknown = [short_name(g) for g in run.pools() if capacity_series(run, g) is None]
    text = "Nothing overloaded: nothing was rejected, no SLO attainment fell below one half, no queue " \
           "reached its cap, and no event other than replica start-up happened"
    if unknown:
        return text + (f"; the capacity of {', '.join(unknown)} is not known (serving models whose "
                       "capacity depends on the load), so demand is not compared with it there.")
    return text + "; no workload's demand passed its pool's capacity."


def build(run: Run, figures, scenario_file: str | None) -> list:
    """The report's blocks: what a planner reads first (facts, workloads, pools, figures), then
    the detail (serving and site tables, events, totals, metadata, scenario)."""
    w = Window(run)
    a = run.attrs
    blocks: list = [doc.Heading(f"dcsim run report: {run.scenario_name}", 1)]
    if not run.complete:
        blocks.append(doc.Note(f"**Incomplete run**: complete = {fmt(a.get('complete'))}, stop reason: "
                               f"{a.get('stop_reason', 'unknown')}. Totals cover the simulated time reached only "
                               f"({fmt(a.get('simulated_s'))} s of {fmt(a.get('horizon_s'))} s)."))
    if run.damaged:
        worst = min(run.damaged.values())
        blocks.append(doc.Note(f"**Damaged file**: {len(run.damaged)} dataset(s) could be read only in part "
                               f"(from sample {worst} on at worst; the file was not closed cleanly): "
                               + ", ".join(f"`{k}`" for k in list(run.damaged)[:8])
                               + (" ..." if len(run.damaged) > 8 else "") + ". Their unread samples are gaps."))
    if run.description:
        blocks.append(doc.Para(run.description))
    blocks.append(doc.Para(_headline(run, w)))
    facts = key_facts(run)
    blocks += [doc.Heading("Key facts"), doc.Para(w.note)]
    blocks.append(doc.Bullets([f.text for f in facts]) if facts else doc.Para(_nothing_happened(run)))
    blocks += _workload_table(run, w) + _pool_tables(run, w)
    if figures:
        blocks.append(doc.Heading("Plots"))
        blocks += [doc.Figure(f.name, f.title, f.caption, f.png, f"{f.name}.png") for f in figures]
    blocks += _serving_tables(run, w) + _site_table(run, w) + _events(run)
    blocks.append(doc.Heading("Summary"))
    if run.summary:
        blocks.append(doc.Table(["total", "value", "units", "also"],
                                [[k, fmt(v), u, friendly(k, v, u)] for k, (v, u) in run.summary.items()],
                                [False, True, False, True]))
    else:
        blocks.append(doc.Para("No /summary in this file."))
    status, expr = check_invariant(run.summary)
    blocks += [doc.Heading("Request invariant"), doc.Para(f"**{status}**: {expr}")]
    blocks += [doc.Heading("Run"), _run_table(run, w)]
    if scenario_file:
        blocks.append(doc.Para(f"Resolved scenario (re-run it to reproduce this file): "
                               f"[{scenario_file}]({scenario_file})"))
    if a.get("scenario"):
        blocks += [doc.Heading("Scenario"), doc.Code(str(a["scenario"]), "Resolved scenario text", fold=True)]
    return blocks


def write_report(run_path: str | os.PathLike, out_dir: str | os.PathLike, figures=None) -> Path:
    """Write out_dir/report.md, out_dir/index.html and the figures' PNGs for one run file;
    returns the path of report.md. `figures`: names of the figures to draw (default: all that
    apply; an empty collection draws none)."""
    from .figures import render     # matplotlib only when drawing

    run = load_run(run_path)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    figures = render([run], only=None if figures is None else set(figures))
    write_pngs(figures, out_dir)
    scenario_file = None
    if run.attrs.get("scenario"):
        scenario_file = "scenario.yaml"
        (out_dir / scenario_file).write_text(str(run.attrs["scenario"]), encoding="utf-8")
    blocks = build(run, figures, scenario_file)
    report = out_dir / "report.md"
    report.write_text(doc.markdown(blocks), encoding="utf-8")
    (out_dir / "index.html").write_text(doc.page(f"dcsim: {run.scenario_name}", blocks), encoding="utf-8")
    return report


def write_pngs(figures, out_dir: Path) -> None:
    """The figures' PNGs beside report.md; a figure of an earlier report in the same directory
    that this run does not have is removed, so no stale picture stays beside the new text."""
    from .figures import FIGURES
    drawn = {f.name for f in figures}
    for name in FIGURES:
        if name not in drawn:
            (out_dir / f"{name}.png").unlink(missing_ok=True)
    for f in figures:
        (out_dir / f"{f.name}.png").write_bytes(f.png)


def add_figures_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--figures", metavar="NAMES",
                        help="comma-separated figures to draw (default: all that apply; 'none': none)")


def figure_names(parser: argparse.ArgumentParser, text: str | None):
    """--figures NAMES -> a set of names (None: all); unknown names are a usage error."""
    if text is None:
        return None
    if text.strip() == "none":
        return set()
    from .figures import FIGURES
    names = {n.strip() for n in text.split(",") if n.strip()}
    unknown = sorted(names - set(FIGURES))
    if unknown:
        parser.error(f"--figures: unknown figure {', '.join(unknown)} (expected names from: "
                     f"{', '.join(FIGURES)}, or 'none')")
    return names


def error_line(prog: str, e: BaseException) -> str:
    return f"{prog}: error: {' '.join(str(e).split())}"


def main(argv: list[str] | None = None, prog: str = "dcsim_analysis report") -> int:
    """report RUN.h5 [-o DIR]: write DIR/index.html and DIR/report.md, print their paths.
    Exit 2 with one line on stderr if RUN.h5 is missing, not a dcsim run file, or unreadable."""
    parser = argparse.ArgumentParser(prog=prog, description="HTML and Markdown report of a dcsim run file.")
    parser.add_argument("run", help="dcsim run file (OUT.h5, or a readable OUT.h5.partial)")
    parser.add_argument("-o", "--out", default="report", help="output directory (default: ./report)")
    add_figures_option(parser)
    args = parser.parse_args(argv)
    try:
        path = write_report(args.run, args.out, figures=figure_names(parser, args.figures))
    except (FileNotFoundError, NotARunError, IsADirectoryError, PermissionError) as e:
        print(error_line(prog, e), file=sys.stderr)
        return 2
    print(path)
    print(path.parent / "index.html")
    return 0
