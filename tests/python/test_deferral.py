"""scenarios/deferral.yaml: deferrable renders held while CAMX's intensity is above 200 g/kWh move
into the midday (solar) hours; the site emits less than the same run without deferral, by the hand
estimate, and the renders pay for it in latency, within their 24 h deadline.

Hand estimate (the scenario's header). The batch pool is FLUX.1-dev on H100s, one image per batch:
t = 50 x (16.68 ms + 1e14 / (989.4e12 x eff(3072))) / 0.9994 = 11.76 s per image at 679 W, 113 W
idle with the model loaded; IT = a + 1.34 P_gpu (dgx-h100), so a render's dynamic IT energy is
E = 1.34 x 566 W x 11.76 s = 8.92 kJ. Replicas never scale, so only that energy moves: with c(h)
the renders completed in hour h, PUE(h) and I(h) the run's series,
  saving = E x sum_h (c_none(h) PUE_none(h) - c_defer(h) PUE_defer(h)) I(h).
Tolerance 10 %: the facility's overhead is not proportional to IT (fans and pumps at their minimum
flow, the chiller's COP at the midday temperature), which the PUE-weighted estimate leaves out.
"""

import h5py
import numpy as np
import pytest

from conftest import REPO, run_dcsim

T_IMAGE = 50 * (0.01668 + 1e14 / (989.4e12 * 1.9659 * 3072 / (3072 + 9977.8))) / 0.9994   # 11.76 s
E_RENDER = (1 + 1700 / (8 * (700 - 75))) * (679 - 113) * T_IMAGE                          # 8.92 kJ


def _run(tmp_path, name, *sets):
    out = tmp_path / f"{name}.h5"
    args = ["run", REPO / "scenarios" / "deferral.yaml", "-o", out, "-q"]
    for s in sets:
        args += ["--set", s]
    run_dcsim(*args, check=True)
    return h5py.File(out, "r")


def _summary(f, key):
    return float(np.asarray(f["summary"].attrs[key]).ravel()[0])


def _latencies(f, workload):
    names = [n.decode() if isinstance(n, bytes) else n for n in np.ravel(f["requests"].attrs["workloads"])]
    names = names[0].split(",") if len(names) == 1 else names
    r = f["requests"][:]
    r = r[(r["workload"] == names.index(workload)) & (r["outcome"] == 0)]
    return r["completion_s"] - r["arrival_s"]


def test_deferral_moves_renders_into_clean_hours_and_cuts_emissions_by_the_hand_estimate(tmp_path):
    defer = _run(tmp_path, "defer")
    none = _run(tmp_path, "none", "services.batch.admission.enabled=false")
    assert E_RENDER == pytest.approx(8920, abs=5)

    intensity = defer["sites/ca/carbon_intensity_g_per_kwh"][:]
    assert np.array_equal(intensity, none["sites/ca/carbon_intensity_g_per_kwh"][:])   # same grid
    c_defer = defer["sites/ca/pools/batch/completed"][:]
    c_none = none["sites/ca/pools/batch/completed"][:]
    clean = intensity <= 200
    assert 0.2 < clean.mean() < 0.6          # the midday hours of a week of April
    # Every render is released on the signal (none at its deadline) and served in a clean hour,
    # but for those still in service when the hour turns.
    assert defer["services/batch/defer_released_deadline"][:].sum() == 0
    assert _summary(defer, "requests_held") == 0
    assert c_defer[clean].sum() > 0.999 * c_defer.sum()
    assert c_none[clean].sum() < 0.6 * c_none.sum()
    assert abs(c_defer.sum() - c_none.sum()) < 0.001 * c_none.sum()     # the same work
    served_at = lambda c: float((c * intensity).sum() / c.sum())
    assert served_at(c_defer) < 0.5 * served_at(c_none)

    saved = _summary(none, "ca_emissions_g") - _summary(defer, "ca_emissions_g")
    pue_d = defer["sites/ca/pue"][:]
    pue_n = none["sites/ca/pue"][:]
    estimate = E_RENDER * np.nansum((c_none * pue_n - c_defer * pue_d) * intensity / 3.6e6)
    assert saved > 0.1 * _summary(none, "ca_emissions_g")
    assert saved == pytest.approx(estimate, rel=0.10)

    # The cost: the renders wait (all within the deadline); the interactive users do not notice.
    renders_d, renders_n = _latencies(defer, "renders"), _latencies(none, "renders")
    assert np.mean(renders_n) == pytest.approx(T_IMAGE, rel=0.01)
    assert np.mean(renders_d) > 3600
    assert np.max(renders_d) < 24 * 3600
    assert np.array_equal(_latencies(defer, "users"), _latencies(none, "users"))


def test_deferral_bad_input_exits_2_with_the_location(tmp_path):
    r = run_dcsim("run", REPO / "scenarios" / "deferral.yaml", "-o", tmp_path / "x.h5", "-q",
                  "--set", "services.batch.admission.lead=24 h")
    assert r.returncode == 2
    assert "--set: services[1].admission.lead: got '24 h'" in r.stderr
    assert "expected less than the deadline of workload 'renders' (24 h, " in r.stderr and "deferral.yaml:" in r.stderr
    r = run_dcsim("run", REPO / "scenarios" / "deferral.yaml", "-o", tmp_path / "x.h5", "-q",
                  "--set", "services.batch.admission.signal=marginal_intensity",
                  "--set", "services.batch.admission.site=nowhere")
    assert r.returncode == 2
    assert "services[1].admission.site" in r.stderr and "got 'nowhere'" in r.stderr
