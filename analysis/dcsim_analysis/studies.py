"""docs/studies/<name>.md for each shipped study, regenerated from a fresh run so that the page
stays true when the models change: the question, the scenario as it resolves, what the run shows
(key facts), simulated against published figures where the sources give them (calibration.yaml
ids), the report's figures (PNG files in docs/studies/<name>/) and what is not modelled yet.

    python3 -m dcsim_analysis studies [NAME ...] [--dcsim build/dcsim] [--docs docs/studies]
                                      [--runs out/studies] [--reuse]

runs `dcsim run scenarios/<name>.yaml` (or reuses out/studies/<name>.h5 with --reuse) and the
study's what-if sweep file, if it has one (`dcsim sweep` into out/studies/<sweep name>/, which
skips runs already complete), writes the report into out/studies/<name>/ and the page with its
figures into docs/studies/. A published
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
    compare: Callable[[Run, dict], list[Row]]          # (the run, {variant: its run}) -> rows
    pending: list[str] = field(default_factory=list)   # what is not modelled yet, "after issue N"
    assumptions: list[str] = field(default_factory=list)  # each with its source or "assumption"
    # What-if runs beside the study's own: {label: (file slug, [--set KEY=VALUE, ...])}.
    variants: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    # A sweep file shipped beside the scenario (path from the repository root), run with `dcsim
    # sweep` and tabulated: one row per case, its columns from `sweep_row(run)` ({column: text}).
    sweep: str = ""
    sweep_row: Callable[[Run], dict] | None = None
    sweep_note: Callable[[list], str] | None = None   # (the cases) -> a paragraph of what they say


def _pct(sim: float, pub: float) -> str:
    return f"{(sim - pub) / pub * 100:+.1f} %" if pub and math.isfinite(sim) else ""


def _series(run: Run, group: str, name: str) -> np.ndarray | None:
    s = run.series(group, name)
    return None if s is None else s.to_numpy(dtype=float)


def _day(run: Run) -> np.ndarray:
    return run.time / 86400.0


# --- ghibli-wave -------------------------------------------------------------------------------
GHIBLI_SCALE = 1000     # the scenario serves 1/1000 of ChatGPT (its header says so)
GHIBLI_ONSET_D = 3.0    # days from the start (22 Mar 2025) to the launch on 25 Mar 2025 00:00 UTC
GHIBLI_LAST_DAYS_S = 10 * 86400.0   # 1 Apr 2025 00:00 UTC: the borrowed GPUs (31 Mar 18:00) are up


def _sum_series(run: Run, groups: list[str], name: str) -> np.ndarray | None:
    parts = [p for g in groups if (p := _series(run, g, name)) is not None]
    return np.sum(parts, axis=0) if parts else None


def _image_groups(run: Run) -> tuple[list[str], list[str]]:
    """(image workloads, image pools) of the run: the workloads of image requests, the
    diffusion pools."""
    wls = [f"/workloads/{w.name}" for w in run.view.workloads.values() if w.kind == "image"]
    pools = [p for p, info in run.view.pools.items() if info.serving == "diffusion"]
    return wls, pools


def _events_of(run: Run, kind: str):
    ev = run.events
    return ev[ev["kind"] == kind] if len(ev) else ev


def _ghibli_actions(run: Run, wls: list[str], pools: list[str]) -> list[Row]:
    """The operator actions as the run took them: the free-tier limit (an admission change of the
    images service) and the borrowed GPUs (the image pools' reservoirs)."""
    rows = []
    changes = _events_of(run, "admission_change")
    limited = _sum_series(run, [g for g in run.groups if g.startswith("/services/")], "admission_rejected")
    if len(changes):
        t0 = float(changes["time_s"].min())
        cut = float(limited[run.time > t0].sum()) if limited is not None else math.nan
        first = _sum_series(run, wls, "first_attempts")
        asked = float(first[run.time > t0].sum()) if first is not None else math.nan
        rows.append(Row("free-tier limit imposed 27 Mar 2025", "3 images/day", "surge.openai_rate_limit",
                        f"enabled {run.clock.text(t0)}: {cut:,.0f} attempts turned away by it to the end "
                        f"({cut / asked * 100:.1f} % of the {asked:,.0f} first attempts since; retries of "
                        "refused requests included)",
                        "daily_quota on tier free (per user, reset at the region's local midnight), declared "
                        "disabled and enabled by an admission change"))
    else:
        rows.append(Row("free-tier limit imposed 27 Mar 2025", "3 images/day", "surge.openai_rate_limit",
                        "not in this run", "services[].admission daily_quota + admission_changes"))
    arrived, asked = _events_of(run, "reservoir_arrived"), _events_of(run, "reservoir_requested")
    published = ("compute moved from research to serving; Altman asked for \"GPU capacity in 100k chunks\" "
                 "(27 Mar 2025)")
    if len(arrived):
        caps = _sum_series(run, pools, "capacity_rps")
        t0 = float(arrived["time_s"].min())
        before = float(caps[np.searchsorted(run.time, t0) - 1]) if caps is not None else math.nan
        after = float(caps[-1]) if caps is not None else math.nan
        rows.append(Row("GPUs borrowed from research", published, "surge.openai_rate_limit",
                        f"asked for {run.clock.text(float(asked['time_s'].min()))}, arrived "
                        f"{run.clock.text(t0)}: image capacity {before:.2f} -> {after:.2f} images/s",
                        "capacity.reservoir of each image pool (amount and delay are assumptions)"))
    else:
        rows.append(Row("GPUs borrowed from research", published, "surge.openai_rate_limit",
                        "none in this run", "capacity.reservoir"))
    return rows


def _ghibli(run: Run, variants: dict) -> list[Row]:
    rows: list[Row] = []
    wls, pools = _image_groups(run)
    first = _sum_series(run, wls, "first_attempts")
    done = _sum_series(run, wls, "completed")
    users = _sum_series(run, wls, "active_users")
    day = _day(run)
    week = (day > GHIBLI_ONSET_D) & (day <= GHIBLI_ONSET_D + 7)
    if first is not None:
        asked = first[week].sum() * GHIBLI_SCALE
        served = done[week].sum() * GHIBLI_SCALE if done is not None else math.nan
        rows.append(Row("images in the first week (25-31 Mar 2025)", "700 M", "surge.openai_images_week1",
                        f"{asked / 1e6:,.0f} M requested ({_pct(asked, 700e6)}), {served / 1e6:,.0f} M served",
                        f"x{GHIBLI_SCALE} (the run is at 1/{GHIBLI_SCALE}); served: what the image fleet "
                        "delivered, see \"What the run shows\""))
    if users is not None:
        end = users[week][-1] * GHIBLI_SCALE if week.any() else math.nan
        rows.append(Row("image users at the end of the first week", "130 M", "surge.openai_images_week1",
                        f"{end / 1e6:,.1f} M ({_pct(end, 130e6)})", "logistic growth fitted to this point"))
        hours = np.arange(0.0, run.time[-1] + 1, 3600.0)
        gain = np.diff(np.interp(hours, run.time, users)) * GHIBLI_SCALE
        if len(gain):
            i = int(np.argmax(gain))
            on_31 = np.array([str(d)[:10] == "2025-03-31" for d in run.clock.local(hours[:-1])])
            best = float(gain[on_31].max()) if on_31.any() else math.nan
            rows.append(Row("new users in one hour (31 Mar 2025)", "1 M", "surge.openai_1M_per_hour",
                            f"{best / 1e6:.2f} M at most in one hour of 31 Mar ({_pct(best, 1e6)}); the most in "
                            f"any hour: {gain[i] / 1e6:.2f} M, {run.clock.text(3600.0 * i)}",
                            "not fitted: follows from the logistic curve; hours in UTC"))
    req = run.requests()
    if len(req):
        img = req[(req["kind"] == "image") & (req["outcome"] == "completed")]
        if len(img):
            t = (img["completion_s"] - img["start_s"]).to_numpy(dtype=float)
            e = img["energy_j"].to_numpy(dtype=float)
            rows.append(Row("GPU time per image (stand-in: FLUX.1-dev compute, 1024x1024, 50 steps)",
                            "11.6 s alone, 11.0 s each in a batch of 16 (H100)", "mlenergy_v3.h100.flux1_dev",
                            f"{t.min():.2f} s alone, {t.max() / 4:.2f} s each in a batch of 4 (H100); "
                            f"{np.median(t):.1f} s median batch time",
                            "sampled /requests; GPT-4o's own figure is not published. Cross-check: 4,160 image "
                            "tokens (OpenAI, gpt-image-1 high quality 1024x1024) at 1.01 GPU-s per 500 tokens "
                            "(epoch2025.assumptions) = 8.4 GPU-s"))
            rows.append(Row("GPU energy per image", "7,551-7,949 J (2.10-2.21 Wh)", "mlenergy_v3.h100.flux1_dev",
                            f"{e.min():,.0f}-{e.max():,.0f} J ({e.min() / 3600:.2f}-{e.max() / 3600:.2f} Wh), "
                            f"mean {e.mean() / 3600:.2f} Wh",
                            "the batch's GPU energy shared among its images (sampled /requests)"))
    energy, images = _sum_series(run, pools, "energy_j"), _sum_series(run, pools, "completed")
    if energy is not None and images is not None and images[week].sum() > 0:
        n = images[week].sum()
        wh = energy[week].sum() / n / 3600.0
        gpu = _sum_series(run, pools, "gpu_energy_j")
        gpu_wh = gpu[week].sum() / n / 3600.0 if gpu is not None else math.nan
        rows.append(Row("IT energy per image served", "2.907 Wh", "luccioni2024.image_generation.mean",
                        f"{wh:.3f} Wh IT, {gpu_wh:.3f} Wh GPU ({_pct(wh, 2.907)})",
                        "image pools' energy over the first week (idle GPUs and the servers' non-GPU part "
                        "included, the borrowed servers' from the start) / images served; published: SD-family models on one A100 with 7 idle GPUs"))
    for label, v in variants.items():
        vw, _ = _image_groups(v)
        vdone, vrej = _sum_series(v, vw, "completed"), _sum_series(v, vw, "rejected")
        if done is not None and vdone is not None:
            rows.append(Row(f"what-if: {label}", "", "",
                            f"{vdone.sum():,.0f} images served ({_pct(vdone.sum(), done.sum())} against the run), "
                            f"{vrej.sum():,.0f} rejected", "a run of the same scenario with " + label))
    rows += _ghibli_actions(run, wls, pools)
    for site in run.sites():
        if run.series(site, "carbon_intensity_g_per_kwh") is not None:
            break
    else:
        rows.append(Row("US generation mix (fossil / nuclear / renewables)", "60 / 20 / 20 %", "grid.us_mix_2024",
                        "not simulated", "after issue 13 (grid supply)"))
    return rows


def _ghibli_case(run: Run) -> dict:
    """One what-if case of the surge, from the launch (25 Mar) to the end: images asked for,
    served, turned away by the limit and by full queues, and the latency of the images served
    (sampled /requests: the end-to-end latency of each attempt that completed)."""
    wls, _ = _image_groups(run)
    after = run.time > GHIBLI_ONSET_D * 86400.0

    def total(name: str, groups=wls) -> float:
        v = _sum_series(run, groups, name)
        return float(v[after].sum()) if v is not None else 0.0
    limit = total("admission_rejected", [g for g in run.groups if g.startswith("/services/")])
    rejected, asked, served = total("rejected"), total("first_attempts"), total("completed")
    req = run.requests()
    img = req[(req["kind"] == "image") & (req["outcome"] == "completed")
              & (req["arrival_s"] > GHIBLI_ONSET_D * 86400.0)] if len(req) else req
    lat = (img["completion_s"] - img["arrival_s"]).to_numpy(dtype=float) if len(img) else np.zeros(0)
    p99 = float(np.percentile(lat, 99)) if len(lat) else math.nan
    late = lat[(img["arrival_s"] > GHIBLI_LAST_DAYS_S).to_numpy()] if len(img) else lat
    p99_late = float(np.percentile(late, 99)) if len(late) else math.nan
    return {"images asked (first attempts)": f"{asked:,.0f}",
            "images served": f"{served:,.0f} ({served / asked * 100:.0f} %)" if asked else f"{served:,.0f}",
            "attempts refused by the limit": f"{limit:,.0f}",
            "attempts turned away by full queues": f"{rejected - limit:,.0f}",
            "p99 latency of images served": f"{p99:,.0f} s ({p99 / 60:.1f} min)" if math.isfinite(p99) else "-",
            "p99 latency, 1-3 Apr": f"{p99_late:,.0f} s" if math.isfinite(p99_late) else "-",
            "served within the 60 s SLO": f"{(lat <= 60).mean() * 100:.0f} %" if len(lat) else "-"}


def _ghibli_cases_note(cases: list[tuple[dict, Run]]) -> str:
    """What the 2 x 2 cases say, in numbers: each action against the run without either."""
    def key(run):
        wls, _ = _image_groups(run)
        after = run.time > GHIBLI_ONSET_D * 86400.0
        done = _sum_series(run, wls, "completed")
        rej = _sum_series(run, wls, "rejected")
        lim = _sum_series(run, [g for g in run.groups if g.startswith("/services/")], "admission_rejected")
        lim_n = float(lim[after].sum()) if lim is not None else 0.0
        return float(done[after].sum()), float(rej[after].sum()) - lim_n, lim_n
    by = {(c.get("limit"), c.get("borrow")): key(r) for c, r in cases}
    need = [("with_limit", "with_borrowing"), ("with_limit", "no_borrowing"), ("no_limit", "with_borrowing"),
            ("no_limit", "no_borrowing")]
    if not all(k in by for k in need):
        return ""
    both, limit_only, borrow_only, neither = (by[k] for k in need)
    return ("Counted from the launch (25 Mar) to the end of the run; the first row is the scenario as shipped. "
            f"Against the surge with neither action ({neither[0]:,.0f} images served, {neither[1]:,.0f} attempts "
            f"turned away by full queues): the limit alone serves {limit_only[0] - neither[0]:+,.0f} images and "
            f"turns {limit_only[2]:,.0f} attempts away at the door instead, {neither[1] - limit_only[1]:,.0f} fewer "
            f"reaching full queues — while the fleet is the bottleneck it changes who is refused, not how many "
            f"are served; the borrowed GPUs alone serve {borrow_only[0] - neither[0]:+,.0f} images; both together "
            f"{both[0] - neither[0]:+,.0f} (the limit then refuses requests the borrowed GPUs could have served: "
            f"{both[0] - borrow_only[0]:+,.0f} against borrowing alone).")


# --- chatbot-beta ------------------------------------------------------------------------------
def _users_at_local(run: Run, users: np.ndarray, local: str) -> tuple[float, float]:
    """Active users at a local wall-clock time ('2023-03-20 08:30'), and its t in s."""
    import pandas as pd
    t = (pd.Timestamp(local).tz_localize(run.clock.tz) - run.clock.start).total_seconds()
    return float(np.interp(t, run.time, users)), t


def _beta(run: Run, variants: dict) -> list[Row]:
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
    for label, v in variants.items():
        vfacts = {f.key: f for f in key_facts(v)}
        c = vfacts.get("slo_collapse:chat")
        s = {k: val for k, (val, _) in v.summary.items()}
        rows.append(Row(f"what-if: {label}", "", "",
                        (f"SLO attainment below 50 % from {v.clock.text(c.time_s)} at {c.value:,.0f} users"
                         if c else "held all run") +
                        f"; {s.get('slo_attainment', math.nan) * 100:.1f} % of replies within the SLO, "
                        f"{int(s.get('requests_rejected', 0)):,} rejected",
                        "a run of the same scenario with " + label))
    return rows


# --- carbon-aware -----------------------------------------------------------------------------
def _s(run: Run, key: str) -> float:
    return run.summary.get(key, (math.nan, ""))[0]


def _co2(run: Run) -> float:
    """The sites' emissions (g): Σ <site>_emissions_g (grid and gensets; not the marginal ones)."""
    return sum(v for k, (v, _) in run.summary.items() if k.endswith("_emissions_g") and "marginal" not in k)


def _cost(run: Run) -> float:
    """The sites' energy, demand and fuel cost (USD): Σ <site>_cost_usd."""
    return sum(v for k, (v, _) in run.summary.items() if k.endswith("_cost_usd"))


def _carbon(run: Run, variants: dict) -> list[Row]:
    """Emissions, cost, latency and where the images went, against the nearest-site baseline; the
    margin against the scenario header's hand estimate (presets' annual means, equal PUE)."""
    rows: list[Row] = []
    sites = ["va", "ca", "fi"]
    mean_i = {s: float(np.nanmean(x)) if (x := _series(run, f"/sites/{s}", "carbon_intensity_g_per_kwh")) is not None
              else math.nan for s in sites}
    rows.append(Row("grid intensity over the week, va (SRVC)", "282.6 g/kWh (annual)", "grid.egrid2022_subregions",
                    f"{mean_i['va']:.1f} g/kWh", "synthetic hourly shape around the preset"))
    rows.append(Row("grid intensity over the week, ca (CAMX)", "226 g/kWh (annual)", "grid.egrid2022_subregions",
                    f"{mean_i['ca']:.1f} g/kWh", "synthetic hourly shape (duck curve) around the preset"))
    rows.append(Row("grid intensity over the week, fi (Finland)", "79 g/kWh (annual, lifecycle)", "grid.countries_2023",
                    f"{mean_i['fi']:.1f} g/kWh",
                    f"{_pct(mean_i['fi'], 79.0)} over this April week: the preset's synthetic hourly shape "
                    "(not investigated further: the preset's annual mean is checked by the grid tests)"))
    near = next(iter(variants.values()), None)
    for label, v in [("carbon-aware (lowest_signal)", run)] + [(k, x) for k, x in variants.items()]:
        served = {s: np.nansum(x) if (x := _series(v, f"/sites/{s}/pools/image", "completed")) is not None else math.nan
                  for s in sites}
        tot = sum(served.values())
        where = ", ".join(f"{s} {served[s] / tot * 100:.1f} %" for s in sites)
        per_site = ", ".join(f"{s} {_s(v, f'{s}_emissions_g') / 1e3:,.1f} kg" for s in sites)
        pue = ", ".join(f"{s} {_s(v, f'{s}_pue'):.3f}" for s in sites)
        rows.append(Row(f"{label}: CO2 and cost over the week", "", "",
                        f"{_co2(v) / 1e3:,.1f} kg ({per_site}); energy cost {_cost(v):,.0f} USD; images {where}; "
                        f"mean latency {_s(v, 'latency_mean_s'):.3f} s; PUE {pue}",
                        "this run" if v is run else "a run of the same scenario"))
    if near is not None:
        margin = 1 - _co2(run) / _co2(near)
        rows.append(Row("CO2 saved by carbon-aware routing", "22.5 % (hand estimate: all to fi, annual means, equal PUE)",
                        "grid.egrid2022_subregions", f"{margin * 100:.1f} %",
                        "the week's synthetic Finnish mean is below the annual lifecycle figure; the router also "
                        "uses ca in the hours its midday solar brings it below fi; the emptied sites' PUE rises "
                        "(fixed fan and pump floor)"))
        rows.append(Row("energy cost saved by carbon-aware routing", "8.5 % (hand estimate: all to fi, equal PUE)",
                        "EIA Electric Power Annual 2023; Eurostat nrg_pc_205",
                        f"{(1 - _cost(run) / _cost(near)) * 100:.1f} %",
                        "the hours at ca pay California's price; the emptied sites' higher PUE costs too"))
    return rows


STUDIES = {
    "ghibli-wave": Study(
        "ghibli-wave", "The March 2025 image-generation wave (\"Ghibli\" week)",
        "When GPT-4o image generation launched on 25 March 2025, 130 M users made 700 M images in a week "
        "and OpenAI said its GPUs were melting. How soon does an image fleet sized for the launch as planned "
        "fall behind, at which sites first, what do users see when it does, and what do the operator's "
        "actions (the free-tier limit, borrowed GPUs) change?",
        _ghibli,
        assumptions=[
            "Scale 1/1000 of ChatGPT: chat 17.4 prompts/s on average (1.5e9 a day in March 2025, between the "
            "1e9 of Dec 2024 and 2.5e9 of Jul 2025 in `usage.chatgpt_daily_prompts`), on three regions' local days.",
            "Image users grow logistically from 1,000 to 130,000 in the 7 days from 25 Mar (130 M users, 700 M "
            "images in the first week: `surge.openai_images_week1`), 2 images a user a day, split Americas / "
            "Europe / Asia 45 / 30 / 25 % (an assumption, as the chat regions); novelty fades from 1 Apr "
            "(assumption).",
            "The image model: GPT-4o's per-image GPU time and energy are not published. The stand-in "
            "`gpt-4o-image` has the compute of FLUX.1-dev (12 B parameters, 50 steps at 1024x1024), the "
            "heaviest image model measured on an H100: 11.6 s and 7.9 kJ per image alone, 11.0 s and 7.6 kJ "
            "in a batch of 16 (`mlenergy_v3.h100.flux1_dev`); 13x the GPU time of an SDXL image "
            "(`mlperf_v40.sdxl.h100x1`). Cross-check: a 1024x1024 high-quality gpt-image-1 image is 4,160 "
            "output tokens (OpenAI image-generation guide), 8.4 H100-s at Epoch AI's 1.01 GPU-s per 500 "
            "tokens (`epoch2025.assumptions`).",
            "The fleet (OpenAI published no GPU count): sized for the launch as planned, ~1,400 images/s at "
            "full scale, 60x the pre-launch image demand of 23 images/s (1 M users x 2 a day); at 1/1000: 16 "
            "H100s in 4-GPU servers, us-east 8, eu-west 4, asia-east 4, users served at the nearest site, "
            "batches of up to 4 images; queues of ~12 min of work, beyond which users are turned away and "
            "retry (60 %, after ~2 min, up to 4 attempts: assumptions).",
            "Chat: Llama-3.1-70B at TP 4 stands in for the chat model, 6 replicas on 24 H100s in us-east "
            "(enough for its p99 to stay under 60 s at the daily peaks).",
            "Operator action 1, the free-tier limit: 3 images a user a day (`surge.openai_rate_limit`, Altman, "
            "27 Mar 2025), imposed at 27 Mar 12:00 UTC (the hour is an assumption): a `daily_quota` admission "
            "policy of the images service on tier free, declared disabled and enabled by an admission change; "
            "each region's free users counted at their end-of-week number (52,650 / 35,100 / 29,250), reset at "
            "the region's local midnight.",
            "Operator action 2, GPUs borrowed from research (OpenAI moved compute from research to serving and "
            "asked for \"GPU capacity in 100k chunks\", `surge.openai_rate_limit`; it published neither amount "
            "nor dates): asked for on 27 Mar 18:00 UTC, arriving 4 days later on 31 Mar 18:00, twice the "
            "fleet (16 + 8 + 8 H100s): each image pool's `capacity.reservoir` (assumptions).",
        ],
        pending=["The free-tier limit counts a fixed number of users per region (those of the end of the first "
         "week), while the viral users grow: before 1 Apr the simulated limit binds less than the real one. "
         "Users whose limit is reached retry as if the queue had been full (retries do not tell the two "
         "rejections apart).",
         "The amount of borrowed GPUs and their delay are assumptions (OpenAI published neither).",
         "GPT-4o's image generation is autoregressive; its stand-in is a diffusion model with FLUX.1-dev's "
         "compute (see the scenario header for the per-image GPU time and energy and their sources).",
         "Facility power, PUE and water after issue 12; grid mix, carbon and price after issue 13."],
        sweep="scenarios/sweeps/ghibli-wave-limit-borrow.yaml", sweep_row=_ghibli_case,
        sweep_note=_ghibli_cases_note),
    "chatbot-beta": Study(
        "chatbot-beta", "A chatbot beta overwhelmed in a day (Kakao Brain's ddmm, March 2023)",
        "Kakao Brain's open beta grew from 300 users at launch to 13,000 22 hours later and was suspended. "
        "On an LLM pool serving KoGPT, at how many users does the latency SLO collapse, "
        "and what capacity would have held?",
        _beta,
        assumptions=[
            "Users: 300 at launch, 5,000 at 08:30 and 13,000 at 15:50 the next day, suspended at 16:00 KST "
            "(`surge.kakao_ddmm`); logistic growth from 300 to 13,000 in 22 h with a carrying capacity of "
            "50,000 (a choice). 40 prompts a user a day, replies of ~200 tokens (assumptions: no usage was "
            "published); prompts from the Azure 2023 conversation fit.",
            "Model: KoGPT, which ddmm used (press coverage of the beta, e.g. hankyung.com, 20 Mar 2023); its "
            "public 6.2 B checkpoint (kakaobrain/kogpt model card: GPT-J architecture, 28 layers, d_model 4096, "
            "no grouped-query attention, so 448 KiB of KV cache a token). A larger internal KoGPT (30 B, "
            "economist.co.kr, 21 Mar 2023) may have served the beta instead.",
            "Fleet: not published. One 4-GPU A100-80GB server (A100s: the GPUs of Kakao Brain's Google Cloud "
            "nodes), one replica a GPU, at most 4 sequences in a batch (a 2023 prototype before continuous "
            "batching with paged KV caches was common: an assumption); queue of 500; users retry half of "
            "the rejections after ~1 min.",
        ],
        pending=["The beta's GPUs and serving software were not published: one 4-GPU A100 server batching at most "
         "4 sequences a replica is the scenario's assumption (the what-if rows show 2 servers and "
         "continuous batching).",
         "Image requests (ddmm also drew pictures with Karlo) are not in the demand.",
         "Facility and grid after issues 12 and 13."],
        variants={"2 servers (8 A100s)": ("2-servers", ["sites.kr.pools.beta.servers=2"]),
         "continuous batching (max_batch 256) on the same server": ("batch-256", ["sites.kr.pools.beta.llm.max_batch=256"])}),
    "carbon-aware": Study(
        "carbon-aware", "Carbon-aware routing across a Virginia, a California and a Finnish site",
        "An image service runs on three identical sites, on the Virginia grid region (eGRID SRVC, ~283 g/kWh), "
        "the California one (eGRID CAMX, ~226 g/kWh) and in Finland (~79 g/kWh). How much CO2 does routing every "
        "request to the site whose grid is cleaner now save against serving users at their nearest site, and "
        "what does it change in energy cost and latency?",
        _carbon,
        assumptions=[
            "The pool: `serving: diffusion` serving FLUX.1-dev (catalog flux.1-dev, 50 steps, 1024x1024) one "
            "image per batch on H100s (the batch-1 point of `mlenergy_v3.h100.flux1_dev`): the calibrated "
            "batch-time model gives 11.76 s per image at 679 W, 113 W idle with the model loaded; two "
            "DGX-H100-class servers (16 GPUs, 1.36 images/s) per site, so any site can serve the three regions "
            "(0.9 images/s).",
            "Energy prices, flat: va 89.2 and ca 186.4 USD/MWh (EIA Electric Power Annual 2023, industrial "
            "average revenue per kWh), fi 96.1 USD/MWh (Eurostat nrg_pc_205, non-household, 2nd half 2023, "
            "EUR 0.089/kWh at an assumed 1.08 USD/EUR).",
            "Identical facilities and the same (northern Virginia) weather at the three sites, so only the grid and "
            "the routing differ.",
            "Grid intensities: presets srvc and camx (`grid.egrid2022_subregions`, 282.6 and 226 g/kWh) and "
            "finland (`grid.countries_2023`, 79 g/kWh), hourly shapes synthetic (models/grid/presets.yaml).",
            "Hand estimate (scenario header): idle IT (4.41 kW a site) stays where it is; the US regions' dynamic "
            "energy (449.6 kWh of IT each in the week) moves to fi: 22.5 % less CO2 and 8.5 % less energy cost at "
            "the annual means and equal PUE; the US images pay 2 x (35 + 5) ms (va) and 2 x (30 + 5) ms (ca) of "
            "WAN latency.",
        ],
        pending=["A global diurnal workload (the three regions' demand here is flat Poisson).",
                 "Idle capacity at the dirty site is not scaled in (an autoscaler would move its idle power too).",
                 "Marginal-intensity routing (the signal exists: marginal_intensity_g_per_kwh) is not a routing "
                 "signal kind yet.", "Prices are flat annual averages, not hourly market prices."],
        variants={"nearest (baseline)": ("nearest", ["services.images.routing.model=nearest"])}),
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


def _sweep_blocks(study: Study, cases: list[tuple[dict, Run]]) -> list:
    """The what-if section: the sweep file, how to run it, one row per case."""
    if not cases:
        return []
    axes = list(cases[0][0])
    cols = list(study.sweep_row(cases[0][1]))
    rows = [[*labels.values(), *study.sweep_row(r).values()] for labels, r in cases]
    return [doc.Heading("What-if"),
            doc.Para(f"The runs of `{study.sweep}` (every combination of its axes"
                     + (", for each seed" if "seed" in axes else ", the scenario's seed") + "), one row each."),
            doc.Table([a.replace("_", " ") for a in axes] + cols,
                      [[str(v).replace("_", " ") for v in row] for row in rows]),
            *([doc.Para(note)] if study.sweep_note and (note := study.sweep_note(cases)) else []),
            doc.Code(f"build/dcsim sweep {study.sweep} -o out/{Path(study.sweep).stem} -j 2\n"
                     f"PYTHONPATH=analysis /usr/bin/python3 -m dcsim_analysis sweep out/{Path(study.sweep).stem}")]


def run_sweep(study: Study, dcsim: Path, runs: Path) -> list[tuple[dict, Run]]:
    """Runs the study's sweep file into runs/<sweep name> (`dcsim sweep` skips the runs whose
    file is complete) and returns (axis labels, run) per case, in the sweep's order."""
    import pandas as pd
    if not study.sweep:
        return []
    out = runs / Path(study.sweep).stem
    proc = subprocess.run([str(dcsim), "sweep", str(REPO / study.sweep), "-o", str(out), "-j", "2", "-q"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"dcsim sweep {study.sweep} exited {proc.returncode}: {proc.stderr.strip()}")
    import yaml
    meta = yaml.safe_load((out / "experiment.yaml").read_text()) or {}
    index = pd.read_csv(out / "index.csv")
    axes = list(meta.get("axes", [])) + (["seed"] if index["seed"].nunique() > 1 else [])
    return [({a: row[a] for a in axes}, load_run(out / row["file"])) for _, row in index.iterrows()]


def page(study: Study, run: Run, figures: list[Path], fig_dir: str, variants: dict | None = None,
         cases: list[tuple[dict, Run]] | None = None) -> str:
    rows = study.compare(run, variants or {})
    blocks: list = [doc.Heading(f"Study: {study.title}", 1),
                    doc.Note(f"Generated by `python3 -m dcsim_analysis studies {study.name}` from "
                             f"`scenarios/{study.name}.yaml` with dcsim {run.attrs.get('dcsim_version', '?')}; "
                             "regenerate it rather than edit it."),
                    doc.Heading("The question"), doc.Para(study.question),
                    doc.Heading("The scenario"), doc.Para(run.description),
                    _scenario_table(run)]
    if study.assumptions:
        blocks += [doc.Heading("Assumptions and their sources"), doc.Bullets(study.assumptions)]
    blocks += [
                    doc.Heading("What the run shows"),
                    doc.Bullets([f.text for f in key_facts(run)] or ["Nothing overloaded."]),
                    doc.Heading("Simulated and published"),
                    doc.Table(["quantity", "published", "source (calibration.yaml)", "simulated", "note"],
                              [[r.quantity, r.published, f"`{r.source}`" if r.source else "", r.simulated, r.note]
                               for r in rows])]
    blocks += _sweep_blocks(study, cases or [])
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
    variants = {}
    for label, (slug, sets) in study.variants.items():
        vh5 = runs / f"{name}-{slug}.h5"
        if not (reuse and vh5.exists()):
            args = [str(dcsim), "run", str(REPO / "scenarios" / f"{name}.yaml"), "-o", str(vh5), "-q"]
            for kv in sets:
                args += ["--set", kv]
            proc = subprocess.run(args, capture_output=True, text=True)
            if proc.returncode != 0:
                raise RuntimeError(f"dcsim run {name}.yaml ({label}) exited {proc.returncode}: {proc.stderr.strip()}")
        variants[label] = load_run(vh5)
    cases = run_sweep(study, dcsim, runs)
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
    out.write_text(page(study, load_run(h5), figures, name, variants, cases), encoding="utf-8")
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
