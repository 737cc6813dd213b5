"""Checks that a dcsim run file has the layout of docs/output-format.md.

Not a test module: tests call ``check_layout(path)``, which reads the file with h5py and opens
every series group with xarray (h5netcdf engine), failing with an AssertionError that names what
is wrong. It returns the number of samples and the series groups found.
"""

import re

import h5py
import numpy as np
import xarray as xr

STRING_ATTRS = ("dcsim_version", "scenario_name", "scenario_path", "scenario", "started_utc",
                "fidelity", "stop_reason")
FLOAT_ATTRS = ("horizon_s", "record_step_s", "simulated_s", "wall_seconds")
INT_ATTRS = ("format_version", "seed", "complete")
SERIES_ROOTS = ("sites", "workloads", "fleet")
SERIES_GROUP = re.compile(r"^/(sites/[^/]+(/pools/[^/]+(/(prefill|decode))?)?|workloads/[^/]+|fleet)$")
AGGREGATIONS = {"sum", "mean", "last", "max", "quantile"}
EVENT_FIELDS = ("time_s", "kind", "subject", "value", "detail")
SUMMARY_NAMES = ("requests_arrived", "requests_admitted", "requests_completed",
                 "requests_rejected", "requests_dropped", "requests_in_flight", "energy_it_j", "energy_gpu_j",
                 "latency_mean_s", "latency_p50_s", "latency_p99_s", "slo_attainment",
                 "simulated_s")


def check_layout(path, require_summary=True):
    """Asserts the documented layout of the run file at `path`.

    With require_summary, a non-empty /summary must hold every documented total and satisfy the
    request invariant (a .partial left by a killed run has an empty /summary).
    Returns (number of samples, sorted list of series groups).
    """
    with h5py.File(path, "r") as f:
        _check_root_attrs(f)
        n = _check_time(f)
        groups = _check_series(f, n)
        _check_events(f)
        _check_summary(f, require_summary)
    _check_xarray(path, groups, n)
    return n, groups


def _is_str(v):
    return isinstance(v, str)


def _check_root_attrs(f):
    a = f.attrs
    for name in STRING_ATTRS:
        assert name in a, f"root attribute {name!r} missing"
        assert _is_str(a[name]), f"root attribute {name!r} is {type(a[name]).__name__}, not str"
    for name in FLOAT_ATTRS:
        assert name in a, f"root attribute {name!r} missing"
        assert isinstance(a[name], (float, np.floating)), f"root attribute {name!r} not a float"
    for name in INT_ATTRS:
        assert name in a, f"root attribute {name!r} missing"
        assert isinstance(a[name], (int, np.integer)), f"root attribute {name!r} not an int"
    assert a["format_version"] == 1, f"format_version {a['format_version']}"
    assert a["complete"] in (0, 1), f"complete = {a['complete']}"
    assert a["seed"] >= 0
    assert a.get_id("seed").dtype == np.uint64, "seed is not uint64"
    assert a["fidelity"] == "request"


def _check_time(f):
    assert "time" in f, "no /time"
    t = f["time"]
    assert t.ndim == 1 and t.dtype == np.float64, f"/time is {t.dtype} with shape {t.shape}"
    assert t.maxshape == (None,), "/time is not unlimited"
    assert h5py.h5ds.is_scale(t.id), "/time is not a dimension scale"
    assert h5py.h5ds.get_scale_name(t.id) == b"time", "/time's scale name is not 'time'"
    assert t.attrs.get("units") == "s", "/time has no units 's'"
    values = t[:]
    assert not np.isnan(values).any(), "/time holds NaN"
    assert (np.diff(values) > 0).all(), "/time is not strictly increasing"
    return len(values)


def _check_series(f, n):
    time = f["time"]
    groups = set()

    def visit(name, obj):
        full = "/" + name
        if isinstance(obj, h5py.Group):
            return
        assert isinstance(obj, h5py.Dataset), f"{full}: neither group nor dataset"
        group = full.rsplit("/", 1)[0]
        assert SERIES_GROUP.match(group), f"{full}: series in undocumented group {group}"
        groups.add(group)
        assert obj.ndim == 1 and obj.dtype == np.float64, f"{full}: {obj.dtype} {obj.shape}"
        assert obj.shape == (n,), f"{full}: length {obj.shape[0]}, /time has {n}"
        assert obj.chunks is not None, f"{full}: not chunked"
        for attr in ("units", "long_name", "aggregation"):
            assert attr in obj.attrs, f"{full}: no attribute {attr!r}"
            assert _is_str(obj.attrs[attr]), f"{full}: attribute {attr!r} is not str"
        assert obj.attrs["aggregation"] in AGGREGATIONS, f"{full}: {obj.attrs['aggregation']!r}"
        assert h5py.h5ds.is_attached(obj.id, time.id, 0), f"{full}: not attached to /time"

    for root in SERIES_ROOTS:
        if root in f:
            assert isinstance(f[root], h5py.Group), f"/{root} is not a group"
            f[root].visititems(lambda name, obj, r=root: visit(f"{r}/{name}", obj))
    assert groups, "no series at all"
    return sorted(groups)


def _check_events(f):
    assert "events" in f, "no /events"
    ev = f["events"]
    assert ev.ndim == 1 and ev.maxshape == (None,), f"/events shape {ev.shape}"
    assert ev.dtype.names == EVENT_FIELDS, f"/events fields {ev.dtype.names}"
    for name in ("time_s", "value"):
        assert ev.dtype.fields[name][0] == np.float64, f"/events.{name} not float64"
    for name in ("kind", "subject", "detail"):
        info = h5py.check_string_dtype(ev.dtype.fields[name][0])
        assert info is not None and info.length is None, f"/events.{name} not a vlen string"
    rows = ev[:]
    # In time order, the `overload` rows (known only when the run ends) merged in at their times.
    assert (np.diff(rows["time_s"]) >= 0).all(), "/events not in time order"
    for kind in rows["kind"]:
        assert kind.decode("utf-8"), "event with empty kind"


def _check_summary(f, require_summary):
    assert "summary" in f and isinstance(f["summary"], h5py.Group), "no /summary group"
    s = f["summary"]
    assert len(s) == 0, "/summary is not empty (its content is attributes)"
    totals = {}
    for name, value in s.attrs.items():
        if name.endswith("_units") and name[:-len("_units")] in s.attrs:
            assert _is_str(value), f"/summary {name} is not str"
            continue
        assert isinstance(value, (float, np.floating)), f"/summary {name} is not a float"
        assert f"{name}_units" in s.attrs, f"/summary {name} has no {name}_units"
        totals[name] = float(value)
    if require_summary and totals:
        missing = [n for n in SUMMARY_NAMES if n not in totals]
        assert not missing, f"/summary lacks {missing}"
        lhs = totals["requests_arrived"]
        rhs = sum(totals[f"requests_{k}"] for k in ("completed", "rejected", "dropped",
                                                   "in_flight"))
        assert lhs == rhs, f"request invariant broken: arrived {lhs} != {rhs}"


def _check_xarray(path, groups, n):
    with xr.open_dataset(path, engine="h5netcdf") as root:
        assert "time" in root.coords and root.sizes["time"] == n, "xarray: root has no time"
    with h5py.File(path, "r") as f:
        time = f["time"][()]
        expected = {}
        for g in groups:  # every series group holds `time`, a soft link to /time (the coordinate)
            assert f[g].get("time", getlink=True) == h5py.SoftLink("/time") or \
                f[g].get("time", getlink=True).path == "/time", f"{g}: no time link to /time"
            expected[g] = sorted(k for k, v in f[g].items() if isinstance(v, h5py.Dataset) and k != "time")
    for g in groups:
        with xr.open_dataset(path, group=g.lstrip("/"), engine="h5netcdf") as ds:
            assert sorted(ds.data_vars) == expected[g], f"xarray {g}: {sorted(ds.data_vars)}"
            assert "time" in ds.coords and np.array_equal(ds["time"].values, time), f"xarray {g}: no time coordinate"
            for name, var in ds.data_vars.items():
                assert var.dims == ("time",), f"xarray {g}/{name}: dims {var.dims}"
                assert var.sizes["time"] == n, f"xarray {g}/{name}: {var.sizes['time']} != {n}"
                assert var.attrs.get("units") is not None, f"xarray {g}/{name}: no units"
