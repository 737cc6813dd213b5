"""scenarios/heatwave.yaml closes the loop from weather to latency (docs/models/facility.md "Heat
wave"): a quarter-scale copy over the afternoon of the heat wave, built with --set and --until,
run with the heat wave and with delta 0 degC. The quarter scale (1 of 4 servers, a quarter of the
rate and of the queue) keeps the physics per kW: the chillers, fans and thermal mass are sized
from the site's design IT power. The window (18:00-22:00 UTC, the surge moved to 19:00 UTC as in
the full run) holds the full run's throttled hours (from 19:50 UTC). ~15 s of CPU per run."""

import h5py
import numpy as np
import pytest

from conftest import REPO, run_dcsim

LIMIT_C = 30.0  # GPU inlet limit (facility.md: T_lim, DGX H100 operating range 5-30 degC)

SCALED = [
    "--until", "4 h",
    "--set", "start=2025-07-15T18:00:00Z",
    "--set", "workloads.chat.arrivals.surges[0].start=1 h",  # 19:00 UTC, as in the full run
    "--set", "sites.phx.pools.chat.servers=1",
    "--set", "sites.phx.pools.chat.queue_capacity=12500",
    "--set", "workloads.chat.arrivals.rate=62.5/s",
]


def _run(tmp_path, name, *extra):
    out = tmp_path / f"{name}.h5"
    run_dcsim("run", REPO / "scenarios" / "heatwave.yaml", "-o", out, "-q", *SCALED, *extra, check=True)
    with h5py.File(out, "r") as f:
        s = {k: float(v) for k, v in f["/summary"].attrs.items() if not k.endswith("_units")}
        site = f["/sites/phx"]
        series = {k: np.asarray(site[k][:]) for k in ("inlet_temperature_c", "throttle_factor")}
    return s, series


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    d = tmp_path_factory.mktemp("heatwave")
    hot = _run(d, "hot")
    mild = _run(d, "mild", "--set", "sites.phx.facility.weather.heat_waves[0].delta=0 degC")
    return hot, mild


def test_heat_wave_throttles_and_costs_latency(runs):
    (hot, hot_series), (mild, mild_series) = runs
    # The inlet crosses the GPUs' limit and the throttle factor falls below 1 for some steps
    # (the first sample is skipped: it holds the first facility step's lag, facility.md).
    assert hot["phx_inlet_max_c"] > LIMIT_C
    assert hot_series["inlet_temperature_c"].max() > LIMIT_C
    assert (hot_series["throttle_factor"][1:] < 0.999).sum() >= 3
    assert hot["phx_throttled_s"] > 1800
    # Without the heat wave the plant keeps the inlet at its setpoint: no throttling.
    assert mild["phx_inlet_max_c"] < LIMIT_C
    assert mild["phx_throttled_s"] == 0
    assert (mild_series["throttle_factor"][1:] == 1).all()
    # The slower GPUs show in latency (the same arrivals: same seed) and in PUE.
    assert hot["latency_p99_s"] > mild["latency_p99_s"]
    assert hot["latency_mean_s"] > mild["latency_mean_s"]
    assert hot["phx_pue"] > mild["phx_pue"]
