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


def test_a_degraded_image_request_costs_what_the_degraded_class_costs(tmp_path):
    # (a) 20 steps at 1024 px, degraded to 8 steps at 512 px from t = 0 (queue_above 0);
    # (b) declared at 8 steps and 512 px, no admission. Same arrivals, same batches: the same
    # energy and latency, request for request; every request of (a) counted degraded.
    a = _run(tmp_path, "a", IMAGES.format(cls="resolution: 1024, steps: 20",
                                          admission="{model: degrade, queue_above: 0, steps: 8, resolution: 512}"))
    b = _run(tmp_path, "b", IMAGES.format(cls="resolution: 512, steps: 8", admission="none"))
    with h5py.File(a) as fa, h5py.File(b) as fb:
        sa, sb = fa["/summary"].attrs, fb["/summary"].attrs
        assert sa["requests_degraded"] == sa["requests_arrived"] > 5000
        assert sb["requests_degraded"] == 0
        for key in ("requests_completed", "energy_gpu_j", "energy_it_j", "latency_mean_s", "latency_p99_s"):
            assert sa[key] == sb[key], key
        ra, rb = fa["/requests"][:], fb["/requests"][:]
        for field in ("arrival_s", "start_s", "completion_s", "energy_j"):
            assert np.array_equal(ra[field], rb[field], equal_nan=True), field
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
