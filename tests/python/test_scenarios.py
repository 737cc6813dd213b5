"""The shipped scenarios: each validates and runs; the demand they produce matches the published
facts they were built from; build-time input errors (trace files, curves, model parameters
checked when the model is built) exit 2 with a located message."""

import pathlib

import h5py
import numpy as np
import pytest

from conftest import REPO, SHARED, run_dcsim
from h5_layout import check_layout

SCENARIOS = sorted((REPO / "scenarios").glob("*.yaml"))
BAD_BUILD = REPO / "tests" / "data" / "bad_build"
AZURE_CONV = SHARED / "reference" / "traces" / "azure_llm_conv_2023.csv"
AZURE_CONV_OUTPUT_TOKENS = 4_088_665   # the sum of the file's GeneratedTokens column (19,366 rows)


def needs_trace(path):
    return "model: trace" in path.read_text()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
def test_shipped_scenario_validates(scenario):
    if needs_trace(scenario) and not AZURE_CONV.exists():
        pytest.skip(f"trace not available: {AZURE_CONV} (../shared beside the checkout)")
    p = run_dcsim("validate", scenario)
    assert p.returncode == 0, p.stderr


def test_every_build_time_error_exits_2_with_its_location(tmp_path):
    files = sorted(BAD_BUILD.glob("*.yaml"))
    assert len(files) >= 6
    for f in files:
        expects = [line[len("# expect:"):].strip().replace("FILE", str(f))
                   for line in f.read_text().splitlines() if line.startswith("# expect:")]
        assert expects, f"{f.name} has no '# expect:' line"
        for cmd in (["validate", f], ["run", f, "-o", tmp_path / (f.stem + ".h5")]):
            p = run_dcsim(*cmd)
            assert p.returncode == 2, f"{f.name} {cmd[0]}: exit {p.returncode}\n{p.stderr}"
            for e in expects:
                assert e in p.stderr, f"{f.name} {cmd[0]}: expected {e!r} in\n{p.stderr}"
        assert not list(tmp_path.glob(f.stem + ".h5*")), f"{f.name}: an output file was left"


IMAGE_SITES = ("us-east", "eu-west", "asia-east")
IMAGE_WORKLOADS = ("images-americas", "images-europe", "images-asia")


def test_ghibli_wave_reproduces_the_first_week_overloads_the_image_pools_and_the_operator_acts(ghibli_run):
    check_layout(ghibli_run)
    with h5py.File(ghibli_run) as f:
        day = f["/time"][:] / 86400.0           # t = 0: 22 Mar 2025 00:00 UTC; launch at day 3
        step = f.attrs["record_step_s"]
        assert step == 600
        first = sum(f[f"/workloads/{w}/first_attempts"][:] for w in IMAGE_WORKLOADS)
        # surge.openai_images_week1: 700 M images in the first week (25-31 Mar), at 1/1000:
        # 700,000; the logistic curve integrates to 688 k (-1.7 %); allow 3 % for the draws.
        week1 = first[(day > 3) & (day <= 10)].sum()
        assert week1 == pytest.approx(700_000, rel=0.03)
        users = sum(f[f"/workloads/{w}/active_users"][:] for w in IMAGE_WORKLOADS)
        assert users[day <= 3].max() == pytest.approx(1000, rel=1e-6)
        assert np.interp(10.0, day, users) == pytest.approx(130_000, rel=0.01)
        # The gpt-4o-image stand-in has FLUX.1-dev's compute: an image takes 11.75 s alone and
        # 44.5 s in a batch of 4 (mlenergy_v3.h100.flux1_dev: 11.6 s at batch 1, 44.8 s at 4)
        # and 7.56-7.98 kJ of GPU energy (measured: 7,728-7,949 J at batch 4-1).
        r = f["/requests"][:]
        img = r[(r["kind"] == 1) & (r["outcome"] == 0)]
        service = img["completion_s"] - img["start_s"]
        assert service.min() == pytest.approx(11.75, rel=0.01)
        assert service.max() == pytest.approx(44.5, rel=0.01)
        assert 7_500 < img["energy_j"].min() and img["energy_j"].max() < 8_000
        # The fleet: 8 + 4 + 4 H100s, ~1.44 images/s in batches of 4, drawn as capacity_rps; the
        # GPUs borrowed from research (asked for on 27 Mar 18:00, 4 days' delay) triple it from
        # 31 Mar 18:00 (t = 9.75 d).
        caps = {s: f[f"/sites/{s}/pools/image/capacity_rps"][:] for s in IMAGE_SITES}
        assert caps["us-east"][0] == pytest.approx(8 * 4 / 44.51, rel=0.01)
        assert caps["eu-west"][0] == caps["asia-east"][0] == pytest.approx(caps["us-east"][0] / 2)
        for s in IMAGE_SITES:
            assert caps[s][day <= 9.75].max() == caps[s][0]
            assert caps[s][-1] == pytest.approx(3 * caps[s][0], rel=1e-9)
        events = f["/events"][:]
        kinds = [k.decode() if isinstance(k, bytes) else str(k) for k in events["kind"]]
        times = {k: sorted(float(t) for t, kk in zip(events["time_s"], kinds) if kk == k)
                 for k in ("admission_change", "reservoir_requested", "reservoir_arrived")}
        assert times["admission_change"] == [5.5 * 86400]            # the limit, 27 Mar 12:00 UTC
        assert times["reservoir_requested"] == [5.75 * 86400] * 3     # 27 Mar 18:00 UTC, each image pool
        assert times["reservoir_arrived"] == [9.75 * 86400] * 3       # 4 days later
        for s in IMAGE_SITES:
            g = f[f"/sites/{s}/pools/image"]
            done = g["completed"][:] / step
            assert (done <= 1.1 * caps[s]).all()             # no pool serves beyond its capacity
            assert g["rejected"][day <= 6].sum() == 0        # all cope until 28 Mar
            assert g["rejected"][(day > 8) & (day <= 9.75)].sum() > 30_000  # overwhelmed from 30 Mar
            assert g["rejected"][day > 10].sum() == 0        # until the borrowed GPUs are up
            assert g["queue_length"][:].max() == (500 if s == "us-east" else 250)  # full at its cap
        # The free-tier limit turns attempts away at the front door from 27 Mar 12:00 on; what it
        # admits reaches the nearest site only.
        limited = f["/services/images/admission_rejected"][:]
        assert limited[day <= 5.5].sum() == 0 and limited[day > 5.5].sum() > 100_000
        wl_arrivals = sum(f[f"/workloads/{w}/arrivals"][:].sum() for w in IMAGE_WORKLOADS)
        pool_arrivals = sum(f[f"/sites/{s}/pools/image/arrivals"][:].sum() for s in IMAGE_SITES)
        assert wl_arrivals == pool_arrivals + limited.sum()
        for w in IMAGE_WORKLOADS:
            assert f[f"/workloads/{w}/retries"][:].sum() > 0
        chat = f["/workloads/chat/arrivals"][:]
        assert chat.sum() / (12 * 86400) == pytest.approx(17.4, rel=0.01)  # usage.chatgpt_daily_prompts / 1000
        per_hour = chat.reshape(-1, 6).sum(axis=1)  # 10-min steps
        assert per_hour.max() / per_hour.min() > 1.8  # three regions' local days, weekends
        assert f["/workloads/chat/rejected"][:].sum() == 0
        assert np.nanmax(f["/workloads/chat/latency_p99_s"][:]) < 60  # its SLO at the daily peaks
        s = f["/summary"].attrs
        assert s["requests_arrived"] == s["requests_first_attempts"] + s["requests_retries"]
        assert s["requests_arrived"] == (s["requests_completed"] + s["requests_rejected"]
                                         + s["requests_dropped"] + s["requests_in_flight"])


def test_chatbot_beta_grows_to_13000_users_and_its_slo_collapses_before_the_suspension(beta_run, tmp_path):
    out = beta_run
    check_layout(out)
    with h5py.File(out) as f:
        hours = f["/time"][:] / 3600.0
        users = f["/workloads/chat/active_users"][:]
        # surge.kakao_ddmm: 300 users at launch, 13,000 at suspension 22 h later.
        assert users[0] == pytest.approx(300, rel=0.05)
        assert np.interp(22.0, hours, users) == pytest.approx(13_000, rel=0.02)
        assert "tokens_out" in f["/sites/kr/pools/beta"]   # an llm pool, not the placeholder
        # KoGPT-6B on 4 A100s, batches of at most 4: the share of replies within 30 s falls
        # below one half in the afternoon (21.25 h after launch, ~11,700 users; seed 7), shortly
        # before the 16:00 suspension; nothing is rejected in the first 18 h.
        slo = f["/workloads/chat/slo_attainment"][:]
        collapse = np.flatnonzero(slo < 0.5)[0]
        assert 19.0 <= hours[collapse] <= 22.5
        assert 9_000 <= users[collapse] <= 13_000
        rejected = f["/workloads/chat/rejected"][:]
        assert rejected[hours < 18].sum() == 0
        assert rejected[hours > 21].sum() > 0.1 * f["/workloads/chat/arrivals"][hours > 21].sum()
        s = f["/summary"].attrs
        assert s["requests_arrived"] == (s["requests_completed"] + s["requests_rejected"]
                                         + s["requests_dropped"] + s["requests_in_flight"])
    # What would have held: continuous batching (max_batch 256) on the same server.
    held = tmp_path / "held.h5"
    run_dcsim("run", REPO / "scenarios" / "chatbot-beta.yaml", "-o", held, "-q",
              "--set", "sites.kr.pools.beta.llm.max_batch=256", check=True)
    with h5py.File(held) as f:
        assert f["/summary"].attrs["requests_rejected"] == 0
        assert np.nanmin(f["/workloads/chat/slo_attainment"][:]) > 0.95


def test_azure_replay_replays_every_row(tmp_path):
    if not AZURE_CONV.exists():
        pytest.skip(f"trace not available: {AZURE_CONV} (../shared beside the checkout)")
    out = tmp_path / "azure.h5"
    run_dcsim("run", REPO / "scenarios" / "azure-replay.yaml", "-o", out, check=True)
    with h5py.File(out) as f:
        s = f["/summary"].attrs
        # calibration.yaml trace.azure2023.stats conv: n = 19366 (VC5: counts exact).
        assert s["requests_arrived"] == 19366
        assert s["conv_trace_rows_skipped"] == 0
        assert f["/workloads/conv/arrivals"][:].sum() == 19366
        # Served by the llm pool: every request's trace tokens are decoded (the conv trace's
        # output tokens sum to the pool's tokens_out when all complete), with TTFT and TPOT.
        assert s["requests_completed"] == 19366
        assert f["/sites/azure/pools/llm/tokens_out"][:].sum() == AZURE_CONV_OUTPUT_TOKENS
        assert 0 < s["ttft_p50_s"] < s["ttft_p99_s"] and 0 < s["tpot_p50_s"]


def test_llm_serving_power_cap_trades_latency_for_power(tmp_path):
    out = tmp_path / "llm.h5"
    # The first hour is the night trough (small batches, ~480 W a GPU): cap at 350 W so it bites.
    run_dcsim("run", REPO / "scenarios" / "llm-serving.yaml", "-o", out, "--until", "1 h",
              "--set", "sites.dc1.pools.chat-capped.llm.power_cap=350 W", "--set", "record.requests=0.05",
              check=True)
    check_layout(out)
    with h5py.File(out) as f:
        free, capped = f["/sites/dc1/pools/chat"], f["/sites/dc1/pools/chat-capped"]
        # Same demand (same rate, own streams): the cap lowers power and stretches token times.
        assert capped["gpu_power_w"][2:].mean() < 0.97 * free["gpu_power_w"][2:].mean()
        assert np.nanmean(capped["tpot_p99_s"][2:]) > 1.05 * np.nanmean(free["tpot_p99_s"][2:])
        # GPU power per GPU stays between idle (113 W loaded) and TDP (700 W); 16 GPUs a pool.
        assert 16 * 113 <= free["gpu_power_w"][2:].min() and free["gpu_power_w"][:].max() <= 16 * 700
        assert capped["gpu_power_w"][:].max() <= 16 * 350 + 1e-6
        # Output tokens per completed request follow the Azure conversation fit (mean 211.1).
        per_request = free["tokens_out"][:].sum() / free["completed"][:].sum()
        assert per_request == pytest.approx(211.1, rel=0.05)
        s = f["/summary"].attrs
        assert s["requests_arrived"] == (s["requests_completed"] + s["requests_rejected"]
                                         + s["requests_dropped"] + s["requests_in_flight"])
        # Per-request energy: the replicas' energy split among running sequences. The sampled
        # completed requests carry ~5 % of the energy of the busy pools, and every one has some.
        r = f["/requests"][:]
        done = r[r["outcome"] == 0]
        assert np.all(done["energy_j"] > 0) and np.all(done["first_token_s"] >= done["arrival_s"])
        assert np.all(done["completion_s"] >= done["first_token_s"])
        share = done["energy_j"].sum() / s["energy_gpu_j"]  # request energy is GPU energy
        assert 0.04 < share < 0.06


def test_image_serving_saturates_at_the_mlperf_sdxl_throughput(tmp_path):
    out = tmp_path / "img.h5"
    # Offered 20 images/s to one 8-GPU server: it serves at its capacity, MLPerf v4.0 SDXL
    # offline 13.1263 images/s on 8 H100s (calibration mlperf_v40.sdxl.h100x8), within 5 %.
    run_dcsim("run", REPO / "scenarios" / "image-serving.yaml", "-o", out,
              "--set", "workloads[0].arrivals.rate=20 /s", check=True)
    check_layout(out)
    with h5py.File(out) as f:
        g = f["/sites/dc1/pools/image"]
        step = f.attrs["record_step_s"]
        steady = g["images_out"][5:] / step
        assert steady.mean() == pytest.approx(13.1263, rel=0.05)
        assert g["gpu_utilization"][5:].min() > 0.99
        assert f["/summary"].attrs["pools_overloaded"] == 1
        r = f["/requests"][:]
        done = r[r["outcome"] == 0]
        assert np.all(done["energy_j"] > 0) and np.all(done["kind"] == 1)


def test_a_scenario_adds_and_overrides_catalog_entries(tmp_path):
    scenario = tmp_path / "cat.yaml"
    scenario.write_text("""
name: cat
horizon: 5 min
catalog:
  gpus:
    h100-sxm: {tdp: 600 W}
    my-gpu: {memory: 96 GB, memory_bandwidth: 4 TB/s, bf16: 1000 TFLOP/s, tdp: 700 W,
             idle_power: 80 W, idle_loaded_power: 120 W, nvlink: 900 GB/s}
  servers:
    my-node: {gpu: my-gpu, gpus: 8, max_power: 10.2 kW, other_idle_power: 1.2 kW, other_max_power: 2.9 kW}
sites:
  - name: dc1
    pools:
      - {name: mine, servers: 1, serving: llm, llm: {gpu: my-gpu}}
      - {name: stock, servers: 1, serving: llm, llm: {gpu: h100-sxm}}
workloads:
  - {name: a, pool: dc1/mine, arrivals: {model: poisson, rate: 20 /s}}
  - {name: b, pool: dc1/stock, arrivals: {model: poisson, rate: 20 /s}}
""")
    out = tmp_path / "cat.h5"
    run_dcsim("run", scenario, "-o", out, check=True)
    with h5py.File(out) as f:
        assert "my-gpu" in f.attrs["scenario"]  # the catalog block travels in the resolved scenario
        mine = f["/sites/dc1/pools/mine/gpu_power_w"][:]
        stock = f["/sites/dc1/pools/stock/gpu_power_w"][:]
        # 8 GPUs each; idle-with-model 120 W on my-gpu against the stock H100's 113 W, and the
        # stock H100's TDP lowered to 600 W bounds its power.
        assert mine.min() >= 8 * 120 - 1e-6
        assert stock.max() <= 8 * 600 + 1e-6
        # IT power adds the named server's non-GPU part, affine in GPU power (my-node: u between
        # 80 W and 700 W per GPU): b = 1700 / (8 x 620), a = 1200 - 1700 x 80 / 620.
        b, a = 1700 / (8 * 620), 1200 - 1700 * 80 / 620
        mine_it = f["/sites/dc1/pools/mine/power_w"][:]
        np.testing.assert_allclose(mine_it - mine, a + b * mine, rtol=1e-9)
        site = f["/sites/dc1/power_it_w"][:]
        np.testing.assert_allclose(site, mine_it + f["/sites/dc1/pools/stock/power_w"][:], rtol=1e-12)
        np.testing.assert_allclose(f["/sites/dc1/power_gpu_w"][:], mine + stock, rtol=1e-12)


def test_llm_disaggregated_compares_two_pools_and_sends_kv_caches(tmp_path):
    out = tmp_path / "dis.h5"
    run_dcsim("run", REPO / "scenarios" / "llm-disaggregated.yaml", "-o", out, check=True)
    _, groups = check_layout(out)
    g = "/sites/dc1/pools/disaggregated"
    assert g + "/prefill" in groups and g + "/decode" in groups
    with h5py.File(out) as f:
        assert f[g + "/kv_bytes"][:].sum() > 0
        assert np.nanmax(f[g + "/kv_transfer_p99_s"][:]) > 0
        np.testing.assert_allclose(f[g + "/gpu_power_w"][:],
                                   f[g + "/prefill/gpu_power_w"][:] + f[g + "/decode/gpu_power_w"][:], rtol=1e-12)
        assert (f[g + "/power_w"][:] > f[g + "/gpu_power_w"][:]).all()  # IT power adds the servers' non-GPU part
        for pool in ("colocated", "disaggregated"):
            assert f[f"/sites/dc1/pools/{pool}/completed"][:].sum() > 10_000
        s = f["/summary"].attrs
        assert s["requests_arrived"] == (s["requests_completed"] + s["requests_rejected"]
                                         + s["requests_dropped"] + s["requests_in_flight"])
        tokens = {p: f[f"/sites/dc1/pools/{p}/tokens_out"][:].sum() for p in ("colocated", "disaggregated")}
        xfer = np.nanmax(f[g + "/kv_transfer_p99_s"][:])
    # The report's LLM serving table: output tokens per pool, the KV transfers of the
    # disaggregated one only.
    from dcsim_analysis import write_report
    text = write_report(out, tmp_path / "rep").read_text()
    assert "## LLM serving" in text
    section = text.split("## LLM serving", 1)[1]
    for pool in ("colocated", "disaggregated"):
        row = next(line for line in section.splitlines() if line.startswith(f"| dc1/{pool} |"))
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert float(cells[1]) == tokens[pool]
        assert float(cells[2]) == pytest.approx(tokens[pool] / 600, abs=0.1)
        assert cells[8] == ("n/a" if pool == "colocated" else f"{xfer:.6g}")


def test_ghibli_full_runs_at_fluid_fidelity_at_a_reduced_horizon(tmp_path):
    """scenarios/ghibli-full.yaml (the image wave at full scale, docs/models/fluid.md) over its
    first 6 h: every pool fluid, chat at ChatGPT's volume (~17,400 /s on average over the
    regions' days), the facility and grid of each site in the loop."""
    out = tmp_path / "ghibli-full.h5"
    run_dcsim("run", REPO / "scenarios" / "ghibli-full.yaml", "-o", out, "-q", "--set", "horizon=6 h", check=True)
    with h5py.File(out) as f:
        assert f.attrs["fidelity"] == "fluid"
        arrived = f["workloads/chat/arrivals"][:].sum()
        assert 0.3 * 17400 * 6 * 3600 < arrived < 1.7 * 17400 * 6 * 3600
        summary = f["summary"].attrs
        for site in IMAGE_SITES:
            assert summary[f"{site}_pue"] > 1.0
            assert summary[f"{site}_energy_facility_j"] > 0
