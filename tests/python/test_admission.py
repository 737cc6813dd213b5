"""Admission (docs/models/scheduling.md): a degraded request costs what the degraded class costs
(two runs, so two processes: SimGrid allows one engine per process), and the shipped admission
scenario records its changes as /events rows."""

import h5py
import numpy as np

from conftest import REPO, run_dcsim

IMAGES = """
name: t
seed: 3
horizon: 10 min
record: {{step: 60 s, requests: 1}}
sites:
  - name: dc1
    pools:
      - name: image
        servers: 1
        serving: diffusion
        queue_capacity: 5000
        diffusion: {{gpu: h100-sxm, ai_model: sdxl, max_batch: 8, batch_window: 200 ms}}
services:
  - name: img
    pools: [{{pool: dc1/image}}]
    admission: {admission}
workloads:
  - name: images
    service: img
    class: {{model: image, ai_model: sdxl, {cls}}}
    arrivals: {{model: poisson, rate: 10 /s}}
"""


def _run(tmp_path, name, text):
    scenario = tmp_path / f"{name}.yaml"
    scenario.write_text(text)
    out = tmp_path / f"{name}.h5"
    run_dcsim("run", scenario, "-o", out, "-q", check=True)
    return out


def _same_runs(fa, fb, summary_keys):
    """The two runs' summaries agree on `summary_keys` and their /requests rows agree request for
    request on the times and energy; returns the two summaries."""
    sa, sb = fa["/summary"].attrs, fb["/summary"].attrs
    for key in summary_keys:
        assert sa[key] == sb[key], key
    ra, rb = fa["/requests"][:], fb["/requests"][:]
    assert len(ra) == len(rb)
    for field in ("arrival_s", "start_s", "completion_s", "energy_j"):
        assert np.array_equal(ra[field], rb[field], equal_nan=True), field
    return sa, sb, len(ra)


def test_a_degraded_image_request_costs_what_the_degraded_class_costs(tmp_path):
    # (a) 20 steps at 1024 px, degraded to 8 steps at 512 px from t = 0 (queue_above 0);
    # (b) declared at 8 steps and 512 px, no admission. Same arrivals, same batches: the same
    # energy and latency, request for request; every request of (a) counted degraded.
    a = _run(tmp_path, "a", IMAGES.format(cls="resolution: 1024, steps: 20",
                                          admission="{model: degrade, queue_above: 0, steps: 8, resolution: 512}"))
    b = _run(tmp_path, "b", IMAGES.format(cls="resolution: 512, steps: 8", admission="none"))
    with h5py.File(a) as fa, h5py.File(b) as fb:
        sa, sb, _ = _same_runs(fa, fb, ("requests_completed", "energy_gpu_j", "energy_it_j", "latency_mean_s",
                                        "latency_p99_s"))
        assert sa["requests_degraded"] == sa["requests_arrived"] > 5000
        assert sb["requests_degraded"] == 0
        assert fa["/services/img/degraded"][:].sum() == sa["requests_degraded"]
        # Against the undegraded class: degrading saves energy (fewer steps, fewer pixels).
    c = _run(tmp_path, "c", IMAGES.format(cls="resolution: 1024, steps: 20", admission="none"))
    with h5py.File(a) as fa, h5py.File(c) as fc:
        assert fa["/summary"].attrs["energy_gpu_j"] < 0.5 * fc["/summary"].attrs["energy_gpu_j"]


def test_ghibli_admission_records_the_quota_imposed_mid_surge(tmp_path):
    out = tmp_path / "g.h5"
    run_dcsim("run", REPO / "scenarios" / "ghibli-admission.yaml", "-o", out, "-q", check=True)
    with h5py.File(out) as f:
        ev = f["/events"][:]
        rows = [(r["time_s"], r["subject"].decode(), r["detail"].decode()) for r in ev
                if r["kind"] == b"admission_change"]
        s = f["/summary"].attrs
        assert rows[0] == (2.5 * 86400, "/services/image-gen/admission/free-quota",
                           "free-quota enabled (at 2025-03-27T12:00:00Z)")
        assert any(r[1].endswith("/shed-free") for r in rows)
        assert s["requests_degraded"] > 0
        assert (s["requests_arrived"] == s["requests_completed"] + s["requests_rejected"] + s["requests_dropped"]
                + s["requests_timed_out"] + s["requests_in_flight"])


CHAT = """
name: t
seed: 4
horizon: 10 min
record: {{step: 60 s, requests: 1}}
sites:
  - name: dc1
    pools:
      - name: big
        servers: 1
        serving: llm
        queue_capacity: 20000
        llm: {{gpu: h100-sxm, ai_model: llama-3.1-70b, tp: 4, max_batch: 256}}
      - name: small
        servers: 1
        serving: llm
        queue_capacity: 20000
        llm: {{gpu: h100-sxm, ai_model: llama-3.1-8b, tp: 1, max_batch: 256}}
{services}
workloads:
  - name: chat
    {target}
    class: {{model: llm, ai_model: {model}}}
    arrivals: {{model: poisson, rate: 20 /s}}
"""


def test_a_request_degraded_to_a_smaller_model_in_another_pool_costs_what_that_model_costs(tmp_path):
    # (a) a Llama-3.1-70B service that degrades every request (queue_above 0) to the Llama-3.1-8B
    # pool outside it; (b) the same workload sent to the 8B pool directly. Same arrivals and token
    # counts (the workload's own stream), so the same requests, times and energy, request for
    # request; the 70B pool serves nothing in (a) and every request of (a) counts as degraded.
    a = _run(tmp_path, "a", CHAT.format(
        services="services:\n  - name: chat\n    pools: [{pool: dc1/big}]\n"
                 "    admission: {model: degrade, queue_above: 0, pool: dc1/small}",
        target="service: chat", model="llama-3.1-70b"))
    b = _run(tmp_path, "b", CHAT.format(services="", target="pool: dc1/small", model="llama-3.1-8b"))
    with h5py.File(a) as fa, h5py.File(b) as fb:
        sa, sb, rows = _same_runs(fa, fb, ("requests_completed", "energy_gpu_j", "latency_mean_s", "latency_p99_s",
                                           "ttft_p99_s"))
        assert rows > 10000
        assert sa["requests_degraded"] == sa["requests_arrived"] > 10000
        assert sb["requests_degraded"] == 0
        assert fa["/sites/dc1/pools/big/completed"][:].sum() == 0
        assert fa["/sites/dc1/pools/small/completed"][:].sum() == sa["requests_completed"]
        assert fa["/services/chat/degraded"][:].sum() == sa["requests_degraded"]


def test_a_degrade_pool_must_be_a_scenario_pool_outside_the_service_serving_its_kind_of_request(tmp_path):
    def error(pool, extra_pool=""):
        text = CHAT.format(
            services="services:\n  - name: chat\n    pools: [{pool: dc1/big}]\n"
                     f"    admission: {{model: degrade, queue_above: 0, pool: {pool}}}",
            target="service: chat", model="llama-3.1-70b")
        if extra_pool:
            text = text.replace("services:\n  - name: chat", extra_pool + "services:\n  - name: chat", 1)
        scenario = tmp_path / "bad.yaml"
        scenario.write_text(text)
        r = run_dcsim("run", scenario, "-o", tmp_path / "bad.h5", "-q")
        assert r.returncode == 2, r.stderr
        assert not (tmp_path / "bad.h5").exists()
        return r.stderr
    e = error("dc1/smal")
    assert "bad.yaml:" in e and "services[0].admission.pool" in e
    assert "got 'dc1/smal', expected SITE/POOL of a scenario pool (did you mean 'dc1/small'?)" in e
    e = error("dc1/big")
    assert "expected a pool outside service 'chat' (a smaller model): 'dc1/big' is one of its own" in e
    images = ("      - name: image\n        servers: 1\n        serving: diffusion\n"
              "        diffusion: {gpu: h100-sxm, ai_model: sdxl, max_batch: 8}\n")
    e = error("dc1/image", images)
    assert "expected a pool serving LLM requests as service 'chat' does: 'dc1/image' serves image requests" in e
