"""Tests of analysis/dcsim_analysis on synthetic run files built with h5py after
docs/output-format.md. Run: cd /work/main && PYTHONPATH=analysis /usr/bin/python3 -m pytest -q tests/python/test_analysis.py
"""
import math
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

ANALYSIS = Path(__file__).resolve().parents[2] / "analysis"
sys.path.insert(0, str(ANALYSIS))

from dcsim_analysis import compare_runs, load_run, open_group_xarray, write_report  # noqa: E402
from dcsim_analysis import plots  # noqa: E402

STEP = 60.0
HORIZON = 7170.0                    # last step is 30 s long
TIME = np.append(np.arange(1, 120) * STEP, HORIZON)
N = len(TIME)
DT = np.diff(np.concatenate([[0.0], TIME]))

POOL_UNITS = {"arrivals": "1", "admitted": "1", "rejected": "1", "completed": "1",
              "queue_length": "1", "running": "1", "replicas_active": "1", "gpu_utilization": "1",
              "latency_p50_s": "s", "latency_p99_s": "s", "power_w": "W", "energy_j": "J",
              "gpu_power_w": "W", "gpu_energy_j": "J"}
AGGREGATION = {"arrivals": "sum", "admitted": "sum", "rejected": "sum", "completed": "sum",
               "queue_length": "last", "running": "last", "replicas_active": "last",
               "gpu_utilization": "mean", "latency_p50_s": "quantile", "latency_p99_s": "quantile",
               "power_w": "mean", "energy_j": "sum", "power_it_w": "mean", "energy_it_j": "sum",
               "gpu_power_w": "mean", "gpu_energy_j": "sum", "power_gpu_w": "mean", "energy_gpu_j": "sum",
               "slo_attainment": "mean"}

SUMMARY = {"requests_arrived": (1800, "1"), "requests_admitted": (1680, "1"),
           "requests_completed": (1560, "1"), "requests_rejected": (120, "1"),
           "requests_dropped": (20, "1"), "requests_in_flight": (100, "1"),
           "energy_it_j": (8.64e8, "J"), "energy_gpu_j": (6.48e8, "J"), "latency_mean_s": (0.35, "s"),
           "latency_p50_s": (0.2, "s"), "latency_p99_s": (2.5, "s"),
           "slo_attainment": (0.97, "1"), "simulated_s": (HORIZON, "s")}


def _const(v):
    return np.full(N, float(v))


def pool_series(arrivals, completed, rejected, power_w, util, p99):
    power = _const(power_w)
    return {"arrivals": _const(arrivals), "admitted": _const(arrivals - rejected),
            "rejected": _const(rejected), "completed": _const(completed),
            "queue_length": np.linspace(0, 8, N), "running": _const(4),
            "replicas_active": _const(2), "gpu_utilization": _const(util),
            "latency_p50_s": _const(0.2), "latency_p99_s": p99, "power_w": power,
            "energy_j": power * DT, "gpu_power_w": 0.75 * power, "gpu_energy_j": 0.75 * power * DT}


def make_run(path, *, completed=1560, complete=True, seed=42, only_fleet=False, events=True):
    """A dcsim run file as docs/output-format.md describes it."""
    with h5py.File(path, "w") as f:
        a = f.attrs
        a["dcsim_version"] = "0.1.0-test"
        a["format_version"] = np.int32(1)
        a["scenario_name"] = "two-pools"
        a["scenario_path"] = "scenarios/two-pools.yaml"
        a["scenario"] = "name: two-pools\nseed: %d\n" % seed
        a["seed"] = np.uint64(seed)
        a["started_utc"] = np.bytes_("2025-01-01T00:00:00Z")   # fixed-length string, as C++ may write
        a["horizon_s"] = HORIZON
        a["record_step_s"] = STEP
        a["fidelity"] = "request"
        a["complete"] = np.int32(1 if complete else 0)
        a["stop_reason"] = "horizon" if complete else "interrupted"
        a["simulated_s"] = HORIZON
        a["wall_seconds"] = 1.25

        t = f.create_dataset("time", data=TIME)
        t.attrs["units"] = "s"
        t.make_scale("time")

        def series(group, name, values, units):
            d = f.require_group(group).create_dataset(
                name, data=np.asarray(values, dtype="f8"), chunks=(64,), shuffle=True,
                compression="gzip", compression_opts=1)
            d.attrs["units"] = units
            d.attrs["long_name"] = f"{name} of {group}"
            d.attrs["aggregation"] = AGGREGATION.get(name, "sum")
            d.dims[0].attach_scale(t)

        chat_p99 = _const(2.0)
        chat_p99[10] = 3.5
        chat_p99[20] = np.nan                                   # no request finished in that step
        batch_p99 = np.linspace(5.0, 50.0, N)                   # 0.2 .. 50 s: > 100x spread
        chat_power = _const(100e3)
        chat_power[50] = 160e3
        pools = {"chat": pool_series(10, 9, 1, 100e3, 0.5, chat_p99),
                 "batch": pool_series(5, 4, 0, 40e3, 0.8, batch_p99)}
        pools["chat"]["power_w"] = chat_power
        pools["chat"]["energy_j"] = chat_power * DT
        pools["chat"]["gpu_power_w"] = 0.75 * chat_power
        pools["chat"]["gpu_energy_j"] = 0.75 * chat_power * DT
        if not only_fleet:
            for pool, cols in pools.items():
                for name, values in cols.items():
                    series(f"/sites/dc1/pools/{pool}", name, values, POOL_UNITS[name])
            site_power = chat_power + 40e3 + 20e3
            series("/sites/dc1", "power_it_w", site_power, "W")
            series("/sites/dc1", "energy_it_j", site_power * DT, "J")
            for wl, cols in pools.items():
                for name in ("arrivals", "admitted", "rejected", "completed", "latency_p99_s"):
                    series(f"/workloads/{wl}", name, cols[name], POOL_UNITS[name])
                series(f"/workloads/{wl}", "slo_attainment", _const(0.95), "1")
        fleet_power = chat_power + 60e3
        series("/fleet", "power_it_w", fleet_power, "W")
        series("/fleet", "energy_it_j", fleet_power * DT, "J")
        series("/fleet", "arrivals", _const(15), "1")
        series("/fleet", "completed", _const(13), "1")
        series("/fleet", "rejected", _const(1), "1")

        sdt = np.dtype([("time_s", "f8"), ("kind", h5py.string_dtype()),
                        ("subject", h5py.string_dtype()), ("value", "f8"),
                        ("detail", h5py.string_dtype())])
        rows = [(0.0, "replica_loading", "/sites/dc1/pools/chat/replicas/0", 120.0, "cold start"),
                (0.0, "replica_loading", "/sites/dc1/pools/batch/replicas/0", 90.0, ""),
                (120.0, "replica_ready", "/sites/dc1/pools/chat/replicas/0", np.nan, ""),
                (90.0, "replica_ready", "/sites/dc1/pools/batch/replicas/0", np.nan, ""),
                (3000.0, "overload", "/sites/dc1/pools/chat", 12.0, "queue over limit")]
        f.create_dataset("events", data=np.array(rows if events else [], dtype=sdt),
                         maxshape=(None,), chunks=(16,))

        s = f.create_group("summary")
        for name, (value, units) in SUMMARY.items():
            s.attrs[name] = float(completed if name == "requests_completed" else value)
            s.attrs[name + "_units"] = units
    return Path(path)


@pytest.fixture
def run_file(tmp_path):
    return make_run(tmp_path / "run.h5")


@pytest.fixture
def not_a_run(tmp_path):
    p = tmp_path / "other.h5"
    with h5py.File(p, "w") as f:
        f["x"] = np.arange(3)
    return p


def test_load_run(run_file):
    run = load_run(run_file)
    assert run.attrs["dcsim_version"] == "0.1.0-test"
    assert run.attrs["seed"] == 42 and isinstance(run.attrs["seed"], int)
    assert run.attrs["complete"] == 1
    assert run.attrs["started_utc"] == "2025-01-01T00:00:00Z"      # bytes decoded
    assert run.summary["energy_it_j"] == (8.64e8, "J")
    assert run.summary["requests_arrived"] == (1800.0, "1")
    assert "requests_arrived_units" not in run.summary
    np.testing.assert_array_equal(run.time, TIME)
    assert set(run.groups) == {"/sites/dc1/pools/chat", "/sites/dc1/pools/batch", "/sites/dc1",
                               "/workloads/chat", "/workloads/batch", "/fleet"}
    chat = run.groups["/sites/dc1/pools/chat"]
    assert chat.index.name == "time_s"
    assert set(chat.columns) == set(POOL_UNITS)
    assert chat["arrivals"].sum() == 1200
    assert chat["power_w"].max() == 160e3
    assert math.isnan(chat["latency_p99_s"].iloc[20])
    assert run.units["/sites/dc1/pools/chat/power_w"] == "W"
    assert run.units["/workloads/chat/slo_attainment"] == "1"
    assert run.aggregation["/sites/dc1/pools/chat/latency_p99_s"] == "quantile"
    assert run.pools() == ["/sites/dc1/pools/batch", "/sites/dc1/pools/chat"]
    ev = run.events
    assert list(ev.columns) == ["time_s", "kind", "subject", "value", "detail"]
    assert len(ev) == 5
    assert ev["kind"].tolist().count("replica_ready") == 2
    assert ev["subject"].iloc[0] == "/sites/dc1/pools/chat/replicas/0"
    assert ev["detail"].iloc[4] == "queue over limit"
    assert math.isnan(ev["value"].iloc[2])


def test_load_run_rejects_other_files(tmp_path, not_a_run):
    with pytest.raises(ValueError, match="other.h5 is not a dcsim run file: no attribute dcsim_version"):
        load_run(not_a_run)
    text = tmp_path / "notes.h5"
    text.write_text("hello")
    with pytest.raises(ValueError, match="not a dcsim run file"):
        load_run(text)
    with pytest.raises(FileNotFoundError):
        load_run(tmp_path / "missing.h5")


def test_empty_events(tmp_path):
    run = load_run(make_run(tmp_path / "r.h5", events=False))
    assert len(run.events) == 0 and list(run.events.columns)[0] == "time_s"


def test_open_group_xarray(run_file):
    ds = open_group_xarray(run_file, "/sites/dc1/pools/chat")
    np.testing.assert_array_equal(ds["time"].values, TIME)
    assert ds["time"].attrs["units"] == "s"
    assert ds["power_w"].attrs["units"] == "W"
    assert ds["power_w"].sel(time=TIME[50]).item() == 160e3
    assert ds["latency_p99_s"].dtype == np.float64                  # not decoded as timedelta
    # The lazy Dataset keeps the file open with locking; load_run must still open it.
    assert load_run(run_file).summary["requests_arrived"][0] == 1800
    ds.close()


def _png(path):
    assert path is not None and path.exists() and path.stat().st_size > 1000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plots(run_file, tmp_path):
    run = load_run(run_file)
    for name, fn in plots.PLOTS.items():
        _png(fn(run, tmp_path / "png" / f"{name}.png"))


def test_plots_skip_absent_series(tmp_path):
    run = load_run(make_run(tmp_path / "fleet.h5", only_fleet=True))
    out = tmp_path / "png"
    assert plots.plot_demand(run, out / "demand.png") is None
    assert plots.plot_latency(run, out / "latency.png") is None
    assert plots.plot_utilization(run, out / "utilization.png") is None
    assert not (out / "demand.png").exists()
    _png(plots.plot_power(run, out / "power.png"))                  # falls back to /fleet


def test_report_ok(run_file, tmp_path):
    out = tmp_path / "rep"
    md = write_report(run_file, out)
    assert md == out / "report.md"
    text = md.read_text()
    assert text.startswith("# dcsim run report: two-pools")
    for s in ("| seed | 42 |", "| dcsim version | 0.1.0-test |", "| complete | yes |",
              "| stop reason | horizon |",
              "| requests_arrived | 1800 | 1 | 1,800 |", "| energy_it_j | 864000000 | J | 240.000 kWh |",
              "| simulated_s | 7170 | s | 1.992 h |", "| latency_mean_s | 0.35 | s | 350.0 ms |",
              "| slo_attainment | 0.97 | 1 | 97.00 % |",
              "**OK**", "| overload | 1 |", "| replica_ready | 2 |",
              "| workload | arrivals |", "| chat | 1200 | 1080 | 120 |"):
        assert s in text, s
    chat_row = next(line for line in text.splitlines() if line.startswith("| dc1/chat |"))
    cells = [c.strip() for c in chat_row.strip("|").split("|")]
    assert cells[1:4] == ["1200", "1080", "120"]
    mean_kw = float(np.sum(np.where(np.arange(N) == 50, 160e3, 100e3) * DT) / np.sum(DT)) / 1e3
    assert float(cells[4]) == pytest.approx(mean_kw, abs=1e-3)
    assert cells[5] == "160"
    assert float(cells[6]) == pytest.approx(0.75 * mean_kw, abs=1e-3)   # GPU power: 3/4 of IT here
    assert cells[7:] == ["50.0 %", "3.5"]
    assert "VIOLATED" not in text
    for name in ("demand", "latency", "power", "utilization"):
        assert f"![{name}]({name}.png)" in text
        _png(out / f"{name}.png")
    assert (out / "scenario.yaml").read_text().startswith("name: two-pools")


def test_report_violated_and_incomplete(tmp_path):
    path = make_run(tmp_path / "bad.h5", completed=1500, complete=False)
    text = write_report(path, tmp_path / "rep").read_text()
    assert "**VIOLATED**" in text and "off by 60" in text
    assert "**OK**" not in text
    assert "Incomplete run" in text and "| complete | no |" in text and "interrupted" in text


def _cli(script, *args):
    return subprocess.run([sys.executable, str(ANALYSIS / script), *map(str, args)],
                          capture_output=True, text=True, timeout=60)


def test_report_cli(run_file, tmp_path, not_a_run):
    r = _cli("report.py", run_file, "--out", tmp_path / "cli")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [str(tmp_path / "cli" / "report.md"), str(tmp_path / "cli" / "index.html")]
    assert (tmp_path / "cli" / "report.md").exists() and (tmp_path / "cli" / "index.html").exists()
    for bad in (tmp_path / "missing.h5", not_a_run):
        r = _cli("report.py", bad, "--out", tmp_path / "x")
        assert r.returncode == 2
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
        assert bad.name in r.stderr
    assert "no attribute dcsim_version" in r.stderr


def test_compare_runs(tmp_path):
    a = make_run(tmp_path / "a.h5")
    b = make_run(tmp_path / "b.h5", completed=1500, seed=7)
    df = compare_runs([a, b])
    assert list(df.columns) == ["units", "a", "b"]
    assert df.loc["requests_completed", "a"] == 1560
    assert df.loc["requests_completed", "b"] == 1500
    assert df.loc["energy_it_j", "units"] == "J"
    assert list(df.index) == list(SUMMARY)
    assert df.attrs["runs"]["b"]["seed"] == 7
    r = _cli("compare.py", a, b)
    assert r.returncode == 0, r.stderr
    assert "requests_completed" in r.stdout and "1500" in r.stdout
