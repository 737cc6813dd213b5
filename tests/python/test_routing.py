"""Cross-site routing (docs/models/scheduling.md): requests and responses cross the WAN in
latency + size / bandwidth (derived by hand per request), requests are conserved across sites,
and the shipped scenario of spill-over and carbon-aware routing does what its header says."""

import h5py
import numpy as np
import pytest

from conftest import REPO, run_dcsim

# One request per second from us to a fixed-time pool in eu: all cross (weights 0 1), 40 ms one
# way, the uplinks at 1 MB/s so that payloads show.
CROSS = """
name: cross
seed: 5
horizon: 5 min
record: {step: 60 s, requests: 1}
sites:
  - name: us
    wan: {latency: 35 ms, bandwidth: 1 MB/s}
    pools: [{name: p, servers: 1, gpus_per_server: 8, service: {model: fixed, time: 1 s}}]
  - name: eu
    wan: {latency: 5 ms, bandwidth: 2 MB/s}
    pools: [{name: p, servers: 1, gpus_per_server: 8, service: {model: fixed, time: 1 s}}]
services:
  - name: s
    pools: [{pool: us/p}, {pool: eu/p}]
    routing: {model: weighted, weights: "0 1"}
    wan: {model: WAN}
workloads:
  - {name: w, service: s, origin: us, arrivals: {model: poisson, rate: 1 /s},
     class: {model: llm, ai_model: llama-3.1-8b}}
"""


def run(tmp_path, text, name):
    scenario = tmp_path / f"{name}.yaml"
    scenario.write_text(text)
    out = tmp_path / f"{name}.h5"
    run_dcsim("run", scenario, "-o", out, "-q", check=True)
    return out


def conserved(f):
    s = f["/summary"].attrs
    assert s["requests_arrived"] == (s["requests_completed"] + s["requests_rejected"]
                                     + s["requests_dropped"] + s["requests_in_flight"])


def test_payloads_cross_the_wan_in_latency_plus_size_over_bandwidth(tmp_path):
    out = run(tmp_path, CROSS.replace("WAN", "latency"), "cross")
    with h5py.File(out) as f:
        conserved(f)
        assert f["/sites/us/pools/p/arrivals"][:].sum() == 0
        r = f["/requests"][:]
        done = r[r["outcome"] == 0]
        assert len(done) > 200
        # Pool start-up (weights) is over after the first seconds; later requests never wait.
        done = done[done["arrival_s"] > 30]
        p, o = done["prompt_tokens"].astype(float), done["output_tokens"].astype(float)
        # L = 35 + 5 ms; B = 1 MB/s (the narrower uplink); 2 kB overhead, 4 B per token.
        there = 0.040 + (2000 + 4 * p) / 1e6
        back = 0.040 + (2000 + 4 * o) / 1e6
        np.testing.assert_allclose(done["start_s"] - done["arrival_s"], there, rtol=0, atol=1e-9)
        np.testing.assert_allclose(done["completion_s"] - done["arrival_s"], there + 1.0 + back, rtol=0, atol=1e-9)


def test_a_comm_transport_carries_the_same_requests_through_simgrid(tmp_path):
    out = run(tmp_path, CROSS.replace("WAN", "comm"), "comm")
    with h5py.File(out) as f:
        conserved(f)
        r = f["/requests"][:]
        done = r[(r["outcome"] == 0) & (r["arrival_s"] > 30)]
        assert len(done) > 200
        p, o = done["prompt_tokens"].astype(float), done["output_tokens"].astype(float)
        # SimGrid's route adds the storage links and its TCP model's factors: never faster than
        # the contention-free time, and within a few latencies of it at this load.
        lower = 0.080 + (4000 + 4 * (p + o)) / 1e6 + 1.0
        took = done["completion_s"] - done["arrival_s"]
        assert (took >= lower - 1e-9).all()
        assert (took < lower + 2.0).all()


def test_requests_are_conserved_across_sites_with_weighted_routing(tmp_path):
    text = CROSS.replace("WAN", "latency").replace('"0 1"', '"1 1"').replace("rate: 1 /s", "rate: 6 /s")
    text = text.replace("horizon: 5 min", "horizon: 3 min")
    out = run(tmp_path, text, "split")
    with h5py.File(out) as f:
        conserved(f)
        arrived = f["/workloads/w/arrivals"][:].sum()
        us, eu = (f[f"/sites/{s}/pools/p/arrivals"][:].sum() for s in ("us", "eu"))
        in_transit = f["/summary"].attrs["requests_in_flight"] - sum(
            f[f"/sites/{s}/pools/p/queue_length"][-1] for s in ("us", "eu"))
        # Every request reaches a pool, or is still on the WAN (or running) at the end.
        assert us + eu <= arrived and arrived - (us + eu) <= in_transit
        assert us / arrived == pytest.approx(0.5, abs=0.05)


@pytest.fixture(scope="module")
def spill(tmp_path_factory):
    out = tmp_path_factory.mktemp("spill") / "spill.h5"
    run_dcsim("run", REPO / "scenarios" / "two-sites-spill.yaml", "-o", out, "-q", check=True)
    return out


def test_spill_over_sends_the_european_evening_to_us_east(spill):
    with h5py.File(spill) as f:
        conserved(f)
        eu, us = f["/sites/eu-west/pools/chat"], f["/sites/us-east/pools/chat"]
        # eu-west's queue stays near its 8 replicas (threshold 1) instead of at a cap of 2,000.
        assert eu["queue_length"][10:].max() < 100
        assert f["/workloads/europe/rejected"][:].sum() == 0
        assert f["/workloads/americas/rejected"][:].sum() == 0
        # us-east served more than the Americas sent: the European overflow.
        assert us["arrivals"][:].sum() > 1.2 * f["/workloads/americas/arrivals"][:].sum()


def test_lowest_signal_follows_the_declared_carbon_intensity(spill):
    with h5py.File(spill) as f:
        t = f["/time"][:]
        eu = f["/sites/eu-west/pools/image/arrivals"][:]
        us = f["/sites/us-east/pools/image/arrivals"][:]
        # After the first minute (while eu-west's replicas load, a request or two already fills it:
        # room needs queued < threshold x max(active, 1), so the others go to the least queued).
        first, second = (t > 60) & (t <= 30 * 60), t > 31 * 60
        assert us[0] < 50
        # eu-west is greener (180 < 380 g/kWh) until 30 min, then dirtier (450).
        assert us[first].sum() == 0 and eu[first].sum() > 5000
        assert eu[second].sum() == 0 and us[second].sum() > 5000
