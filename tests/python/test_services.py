"""Services across sites (docs/models/scheduling.md): a workload names a service, its front end
routes to one of the service's pools and may reject at admission."""

import h5py
import pytest

from conftest import REPO, run_dcsim

TWO_SITES = """
name: two-sites
seed: 3
horizon: 10 min
record: {step: 60 s}
sites:
  - name: us
    wan: {latency: 10 ms}
    pools: [{name: chat, servers: 1, serving: llm}]
  - name: eu
    wan: {latency: 30 ms}
    pools: [{name: chat, servers: 1, serving: llm}]
services:
  - name: chat
    pools: [{pool: us/chat}, {pool: eu/chat}]
    routing: nearest
workloads:
  - {name: us-users, service: chat, origin: us, arrivals: {model: poisson, rate: 20 /s}}
  - {name: eu-users, service: chat, origin: eu, arrivals: {model: poisson, rate: 5 /s}}
"""


def test_nearest_sends_each_workload_to_the_pool_at_its_site(tmp_path):
    scenario = tmp_path / "two.yaml"
    scenario.write_text(TWO_SITES)
    out = tmp_path / "two.h5"
    run_dcsim("run", scenario, "-o", out, "-q", check=True)
    with h5py.File(out) as f:
        us = f["/workloads/us-users/arrivals"][:].sum()
        eu = f["/workloads/eu-users/arrivals"][:].sum()
        assert us > 10_000 and eu > 2_000
        assert f["/sites/us/pools/chat/arrivals"][:].sum() == us
        assert f["/sites/eu/pools/chat/arrivals"][:].sum() == eu


def test_a_queue_cap_rejects_at_the_front_door(tmp_path):
    # One 8-GPU pool offered ~3x its capacity: with a cap of 100 waiting requests the pool's
    # queue stays near 100 and the excess is rejected by admission, never by the pool.
    scenario = tmp_path / "cap.yaml"
    scenario.write_text("""
name: cap
seed: 4
horizon: 5 min
record: {step: 30 s}
sites:
  - name: dc1
    pools:
      - {name: p, servers: 1, gpus_per_server: 8, queue_capacity: 100000,
         service: {model: fixed, time: 1 s}}
services:
  - name: s
    pools: [{pool: dc1/p}]
    admission: {model: queue_cap, max_queue: 100}
workloads:
  - {name: w, service: s, arrivals: {model: poisson, rate: 24 /s}}
""")
    out = tmp_path / "cap.h5"
    run_dcsim("run", scenario, "-o", out, "-q", check=True)
    with h5py.File(out) as f:
        rejected = f["/workloads/w/rejected"][:].sum()
        assert rejected == f["/services/s/admission_rejected"][:].sum()
        assert f["/sites/dc1/pools/p/rejected"][:].sum() == 0
        assert f["/sites/dc1/pools/p/queue_length"][:].max() <= 100
        # Served at capacity (8 replicas x 1 request/s) once loaded; the rest is rejected.
        assert rejected == pytest.approx(f["/workloads/w/arrivals"][:].sum() - 8 * 300, rel=0.05)
        s = f["/summary"].attrs
        assert s["requests_arrived"] == (s["requests_completed"] + s["requests_rejected"]
                                         + s["requests_dropped"] + s["requests_in_flight"])


def test_two_sites_a_service_wide_cap_turns_away_the_other_region_too(tmp_path):
    # scenarios/two-sites.yaml: the European peak overloads eu-west; nearest keeps sending Europe
    # there, its queue sits at the service's cap, and American requests are rejected with it
    # although us-east has room.
    out = tmp_path / "two.h5"
    run_dcsim("run", REPO / "scenarios" / "two-sites.yaml", "-o", out, "-q", check=True)
    with h5py.File(out) as f:
        eu, us = f["/sites/eu-west/pools/chat"], f["/sites/us-east/pools/chat"]
        assert eu["queue_length"][10:].min() > 1900 and eu["queue_length"][:].max() <= 2000
        assert us["queue_length"][10:].max() < 10
        assert f["/workloads/americas/rejected"][:].sum() > 0
        assert us["rejected"][:].sum() == 0 and eu["rejected"][:].sum() == 0
        assert (f["/services/chat/admission_rejected"][:].sum()
                == f["/workloads/americas/rejected"][:].sum() + f["/workloads/europe/rejected"][:].sum())
