"""docs/studies/<name>.md for each shipped study, regenerated from a fresh run so that the page
stays true when the models change: the question, the scenario as it resolves, what the run shows
(key facts), simulated against published figures where the sources give them (calibration.yaml
ids), the report's figures (PNG files in docs/studies/<name>/) and what is not modelled yet.

    python3 -m dcsim_analysis studies [NAME ...] [--dcsim build/dcsim] [--docs docs/studies]
                                      [--runs out/studies] [--reuse]

runs `dcsim run scenarios/<name>.yaml` (or reuses out/studies/<name>.h5 with --reuse), writes the
report into out/studies/<name>/ and the page with its figures into docs/studies/. A published
figure that needs a model not landed yet is listed with "after issue N".
"""
from __future__ import annotations

import argparse
import math
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from . import document as doc
from .facts import key_facts
from .load import NotARunError, Run, load_run, short_name
from .report import write_report

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Row:
    quantity: str
    published: str
    source: str                 # calibration.yaml id
    simulated: str
    note: str = ""


@dataclass
class Study:
    name: str
    title: str
    question: str
    compare: Callable[[Run], list[Row]]
    pending: list[str] = field(default_factory=list)   # what is not modelled yet, "after issue N"


def _pct(sim: float, pub: float) -> str:
    return f"{(sim - pub) / pub * 100:+.1f} %" if pub and math.isfinite(sim) else ""


def _series(run: Run, group: str, name: str) -> np.ndarray | None:
    s = run.series(group, name)
    return None if s is None else s.to_numpy(dtype=float)


def _day(run: Run) -> np.ndarray:
    return run.time / 86400.0


# --- ghibli-wave -------------------------------------------------------------------------------
GHIBLI_SCALE = 1000     # the scenario serves 1/1000 of ChatGPT (its header says so)


def _ghibli(run: Run) -> list[Row]:
    rows: list[Row] = []
    wl = "/workloads/images"
    onset = 7.0                                   # days: 25 Mar 2025 00:00 UTC (the scenario's onset)
    first = _series(run, wl, "first_attempts")
    done = _series(run, wl, "completed")
    users = _series(run, wl, "active_users")
    day = _day(run)
    week = (day > onset) & (day <= onset + 7)
    if first is not None:
        asked = first[week].sum() * GHIBLI_SCALE
        served = done[week].sum() * GHIBLI_SCALE if done is not None else math.nan
        rows.append(Row("images in the first week (25-31 Mar 2025)", "700 M", "surge.openai_images_week1",
                        f"{asked / 1e6:,.0f} M requested ({_pct(asked, 700e6)}), {served / 1e6:,.0f} M served",
                        f"x{GHIBLI_SCALE} (the run is at 1/{GHIBLI_SCALE}); served: the placeholder image pool "
                        "sized for the week before, see below"))
    if users is not None:
        end = users[week][-1] * GHIBLI_SCALE if week.any() else math.nan
        rows.append(Row("image users at the end of the first week", "130 M", "surge.openai_images_week1",
                        f"{end / 1e6:,.1f} M ({_pct(end, 130e6)})", "logistic growth fitted to this point"))
        hours = np.arange(0.0, run.time[-1] + 1, 3600.0)
        gain = np.diff(np.interp(hours, run.time, users)) * GHIBLI_SCALE
        if len(gain):
            i = int(np.argmax(gain))
            on_31 = np.array([str(d)[:10] == "2025-03-31" for d in run.clock.local(hours[:-1])])
            day = float(gain[on_31].max()) if on_31.any() else math.nan
            rows.append(Row("new users in one hour (31 Mar 2025)", "1 M", "surge.openai_1M_per_hour",
                            f"{day / 1e6:.2f} M at most in one hour of 31 Mar ({_pct(day, 1e6)}); the most in "
                            f"any hour: {gain[i] / 1e6:.2f} M, {run.clock.text(3600.0 * i)}",
                            "not fitted: follows from the logistic curve; hours in UTC"))
    pool = "/sites/us-east/pools/image"
    energy, images = _series(run, pool, "energy_j"), _series(run, pool, "completed")
    if energy is not None and images is not None and images[week].sum() > 0:
        n = images[week].sum()
        wh = energy[week].sum() / n / 3600.0
        gpu = _series(run, pool, "gpu_energy_j")
        gpu_wh = gpu[week].sum() / n / 3600.0 if gpu is not None else math.nan
        rows.append(Row("energy per image (IT)", "2.907 Wh", "luccioni2024.image_generation.mean",
                        f"{wh:.3f} Wh IT, {gpu_wh:.3f} Wh GPU ({_pct(wh, 2.907)})",
                        f"{run.view.pools[pool].serving if pool in run.view.pools else '?'} pool, pool energy "
                        "over the first week / images served; "
                        "published: SD-family on one A100 with 7 idle GPUs; the calibrated GPT-4o-class "
                        "image pool comes after issue 9"))
    rows.append(Row("free-tier limit imposed 27 Mar 2025", "3 images/day", "surge.openai_rate_limit",
                    "carried on each request (tier free, daily_limit 3), not enforced",
                    "admission by tier after issue 8; imposed mid-surge after issue 9"))
    for site in run.sites():
        if run.series(site, "carbon_intensity_g_per_kwh") is not None:
            break
    else:
        rows.append(Row("US generation mix (fossil / nuclear / renewables)", "60 / 20 / 20 %", "grid.us_mix_2024",
                        "not simulated", "after issue 13 (grid supply)"))
    return rows


# --- chatbot-beta ------------------------------------------------------------------------------
def _users_at_local(run: Run, users: np.ndarray, local: str) -> tuple[float, float]:
    """Active users at a local wall-clock time ('2023-03-20 08:30'), and its t in s."""
    import pandas as pd
    t = (pd.Timestamp(local).tz_localize(run.clock.tz) - run.clock.start).total_seconds()
    return float(np.interp(t, run.time, users)), t


def _beta(run: Run) -> list[Row]:
    rows: list[Row] = []
    wl = "/workloads/chat"
    users = _series(run, wl, "active_users")
    if users is not None:
        rows.append(Row("users at launch (19 Mar 2023, 18:00 KST)", "300", "surge.kakao_ddmm",
                        f"{users[0]:,.0f}", "first sample, after one step of growth"))
        for local, pub, note in (("2023-03-20 08:30", 5000, "not fitted: the curve's shape"),
                                 ("2023-03-20 15:50", 13000, "fitted at 22 h")):
            u, _ = _users_at_local(run, users, local)
            rows.append(Row(f"users at {local[-5:]} KST next day", f"{pub:,}", "surge.kakao_ddmm",
                            f"{u:,.0f} ({_pct(u, pub)})", note))
    facts = {f.key: f for f in key_facts(run)}
    collapse = facts.get("slo_collapse:chat")
    rows.append(Row("service suspended", "16:00 KST, 22 h after launch, at ~13,000 users", "surge.kakao_ddmm",
                    f"SLO attainment below 50 % from {run.clock.text(collapse.time_s)} at "
                    f"{collapse.value:,.0f} users" if collapse else "SLO held all run",
                    "the cluster is a choice of the scenario (one 4-GPU server)"))
    pool = "/sites/kr/pools/beta"
    info = run.view.pools.get(pool)
    first = _series(run, wl, "first_attempts")
    if info is not None and info.capacity_rps and first is not None:
        servers = info.servers or 1.0
        peak = float(np.nanmax(first / np.maximum(run.step_durations, 1e-12)))
        need = math.ceil(peak / (0.8 * info.capacity_rps / servers))
        rows.append(Row("capacity that would have held", "n/a", "",
                        f"{need} servers like this one (peak {peak:.2f} first attempts/s at 80 % of "
                        f"{info.capacity_rps / servers:.3g} req/s per server)",
                        "estimate: replicas / mean service time, no retries; the llm pool's answer after issue 9"))
    return rows


STUDIES = {
    "ghibli-wave": Study(
        "ghibli-wave", "The March 2025 image-generation wave (\"Ghibli\" week)",
        "When GPT-4o image generation launched on 25 March 2025, 130 M users made 700 M images in a week "
        "and OpenAI said its GPUs were melting. How much capacity does such a wave need, how soon does a "
        "pool sized for the week before fall behind, and what do users see when it does?",
        _ghibli,
        ["The image pool is the placeholder FIFO pool (a fixed 3.5 s per image per GPU); the calibrated "
         "GPT-4o-class image model, several sites, the free-tier limit imposed mid-surge and borrowed GPUs "
         "come after issue 9 (Operations II).",
         "Admission by tier (the free tier's 3 images/day) after issue 8 (Operations I).",
         "Facility power, PUE and water after issue 12; grid mix, carbon and price after issue 13."]),
    "chatbot-beta": Study(
        "chatbot-beta", "A chatbot beta overwhelmed in a day (Kakao Brain's ddmm, March 2023)",
        "Kakao Brain's open beta grew from 300 users at launch to 13,000 22 hours later and was suspended. "
        "At how many users does a small cluster's latency SLO collapse, and what capacity would have held?",
        _beta,
        ["The pool is the placeholder FIFO pool (lognormal 3 s replies); the run on an `llm` pool of the "
         "beta's real size comes after issue 9 (Operations II).",
         "Facility and grid after issues 12 and 13."]),
}


def _scenario_table(run: Run) -> doc.Table:
    rows = [["start", f"{run.clock.text(0.0)} ({run.clock.label})"],
            ["horizon", f"{float(run.attrs.get('horizon_s', 0)) / 3600:.4g} h, samples every "
                        f"{float(run.attrs.get('record_step_s', 0)) / 60:.3g} min"],
            ["seed", str(run.attrs.get("seed"))]]
    for path, p in run.view.pools.items():
        cap = f", capacity {p.capacity_rps:.3g} req/s" if p.capacity_rps else ""
        rows.append([f"pool {short_name(path)}", f"serving: {p.serving}, {p.replicas} replicas, "
                                                 f"queue cap {p.queue_capacity:g}{cap}"])
    for w in run.view.workloads.values():
        tiers = ", tiers " + "/".join(t["name"] for t in w.tiers) if w.tiers else ""
        slo = f", SLO {w.slo_latency_s:g} s" if w.slo_latency_s else ""
        rows.append([f"workload {w.name}", f"{w.kind or '?'} requests, arrivals: {w.arrivals_model}{slo}{tiers}"
                                           f", retry probability {w.retry_probability:g}"])
    return doc.Table(["", ""], rows)


def page(study: Study, run: Run, figures: list[Path], fig_dir: str) -> str:
    rows = study.compare(run)
    blocks: list = [doc.Heading(f"Study: {study.title}", 1),
                    doc.Note(f"Generated by `python3 -m dcsim_analysis studies {study.name}` from "
                             f"`scenarios/{study.name}.yaml` with dcsim {run.attrs.get('dcsim_version', '?')}; "
                             "regenerate it rather than edit it."),
                    doc.Heading("The question"), doc.Para(study.question),
                    doc.Heading("The scenario"), doc.Para(run.description),
                    _scenario_table(run),
                    doc.Heading("What the run shows"),
                    doc.Bullets([f.text for f in key_facts(run)] or ["Nothing overloaded."]),
                    doc.Heading("Simulated and published"),
                    doc.Table(["quantity", "published", "source (calibration.yaml)", "simulated", "note"],
                              [[r.quantity, r.published, f"`{r.source}`" if r.source else "", r.simulated, r.note]
                               for r in rows])]
    if study.pending:
        blocks += [doc.Heading("Not modelled yet"), doc.Bullets(study.pending)]
    blocks.append(doc.Heading("Figures"))
    from .figures import FIGURES
    for f in figures:
        title, _, caption = FIGURES[f.stem]
        blocks += [doc.Heading(title, 3), doc.Para(f"![{f.stem}]({fig_dir}/{f.name})"), doc.Para(caption)]
    blocks += [doc.Heading("Reproduce"),
               doc.Code(f"build/dcsim run scenarios/{study.name}.yaml -o out/{study.name}.h5\n"
                        f"PYTHONPATH=analysis /usr/bin/python3 -m dcsim_analysis report out/{study.name}.h5 "
                        f"-o out/{study.name}-report    # open out/{study.name}-report/index.html")]
    return doc.markdown(blocks)


def generate(name: str, dcsim: Path, docs: Path, runs: Path, reuse: bool = False) -> Path:
    study = STUDIES[name]
    runs.mkdir(parents=True, exist_ok=True)
    h5 = runs / f"{name}.h5"
    if not (reuse and h5.exists()):
        scenario = REPO / "scenarios" / f"{name}.yaml"
        proc = subprocess.run([str(dcsim), "run", str(scenario), "-o", str(h5)], capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"dcsim run {scenario.name} exited {proc.returncode}: {proc.stderr.strip()}")
    report_dir = runs / name
    write_report(h5, report_dir)
    fig_dir = docs / name
    if fig_dir.exists():
        shutil.rmtree(fig_dir)
    fig_dir.mkdir(parents=True)
    figures = []
    for png in sorted(report_dir.glob("*.png")):
        shutil.copy2(png, fig_dir / png.name)
        figures.append(fig_dir / png.name)
    from .figures import FIGURES
    order = {n: i for i, n in enumerate(FIGURES)}
    figures.sort(key=lambda p: order.get(p.stem, len(order)))
    out = docs / f"{name}.md"
    out.write_text(page(study, load_run(h5), figures, name), encoding="utf-8")
    return out


def main(argv: list[str] | None = None, prog: str = "dcsim_analysis studies") -> int:
    parser = argparse.ArgumentParser(prog=prog, description="Regenerate docs/studies/<name>.md from fresh runs.")
    parser.add_argument("names", nargs="*", help=f"studies (default: all: {', '.join(STUDIES)})")
    parser.add_argument("--dcsim", default=str(REPO / "build" / "dcsim"), help="dcsim binary")
    parser.add_argument("--docs", default=str(REPO / "docs" / "studies"), help="where the pages go")
    parser.add_argument("--runs", default=str(REPO / "out" / "studies"), help="where the runs and reports go")
    parser.add_argument("--reuse", action="store_true", help="reuse an existing run file")
    args = parser.parse_args(argv)
    names = args.names or list(STUDIES)
    unknown = [n for n in names if n not in STUDIES]
    if unknown:
        print(f"{prog}: error: unknown study {', '.join(unknown)} (studies: {', '.join(STUDIES)})", file=sys.stderr)
        return 2
    if not Path(args.dcsim).exists():
        print(f"{prog}: error: no dcsim binary at {args.dcsim} (build it, or pass --dcsim)", file=sys.stderr)
        return 2
    for name in names:
        try:
            print(generate(name, Path(args.dcsim), Path(args.docs), Path(args.runs), args.reuse))
        except (RuntimeError, NotARunError, FileNotFoundError) as e:
            print(f"{prog}: error: {name}: {' '.join(str(e).split())}", file=sys.stderr)
            return 2
    return 0
