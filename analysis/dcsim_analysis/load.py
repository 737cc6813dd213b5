"""Read a dcsim run file (HDF5, layout in docs/output-format.md) into plain Python objects.

`load_run(path)` returns a `Run`: root attributes, the /summary totals, the /time axis, one
pandas DataFrame per group of series (indexed by time in seconds), the units of every series and
the /events table. `open_group_xarray(path, group)` opens one group as an xarray Dataset with the
time coordinate attached (time lives in the root, so xarray does not find it by itself).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import pandas as pd

EVENT_COLUMNS = ["time_s", "kind", "subject", "value", "detail"]
_NOT_SERIES = {"/time", "/events"}
# /summary totals in the order docs/output-format.md lists them (HDF5 iterates attributes by name).
SUMMARY_ORDER = ["requests_arrived", "requests_admitted", "requests_completed", "requests_rejected",
                 "requests_dropped", "requests_in_flight", "energy_it_j", "energy_gpu_j",
                 "latency_mean_s",
                 "latency_p50_s", "latency_p99_s", "slo_attainment", "simulated_s"]


class NotARunError(ValueError):
    """The file exists but is not a dcsim run file (not HDF5, or no dcsim_version attribute)."""


@dataclass
class Run:
    """One dcsim run file, loaded into memory."""

    path: Path
    attrs: dict[str, Any]                      # root attributes, strings decoded
    summary: dict[str, tuple[float, str]]      # name -> (value, units)
    time: np.ndarray                           # seconds, end of each sample step
    groups: dict[str, pd.DataFrame]            # "/sites/dc1/pools/chat" -> DataFrame (index time_s)
    units: dict[str, str]                      # "/sites/dc1/pools/chat/power_w" -> "W"
    events: pd.DataFrame                       # columns time_s, kind, subject, value, detail
    aggregation: dict[str, str] = field(default_factory=dict)  # same keys as units

    @property
    def scenario_name(self) -> str:
        stem = self.path.name.removesuffix(".partial").removesuffix(".h5")
        return str(self.attrs.get("scenario_name", "") or stem)

    @property
    def step_durations(self) -> np.ndarray:
        """Length of each sample step in s (the first step starts at 0)."""
        if len(self.time) == 0:
            return np.zeros(0)
        return np.diff(np.concatenate([[0.0], self.time]))

    def pools(self) -> list[str]:
        """Group paths of all pools, /sites/<site>/pools/<pool>, sorted."""
        return sorted(g for g in self.groups if _is_pool(g))

    def sites(self) -> list[str]:
        """Group paths of all sites, /sites/<site>, sorted."""
        return sorted(g for g in self.groups if g.count("/") == 2 and g.startswith("/sites/"))

    def workloads(self) -> list[str]:
        """Group paths of all workloads, /workloads/<workload>, sorted."""
        return sorted(g for g in self.groups if g.count("/") == 2 and g.startswith("/workloads/"))

    def series(self, group: str, name: str) -> pd.Series | None:
        """One series, or None when the group or the series is absent."""
        df = self.groups.get(group)
        if df is None or name not in df.columns:
            return None
        return df[name]


def _is_pool(group: str) -> bool:
    parts = group.strip("/").split("/")
    return len(parts) == 4 and parts[0] == "sites" and parts[2] == "pools"


def short_name(group: str) -> str:
    """A readable label for a group path: /sites/dc1/pools/chat -> dc1/chat, /workloads/x -> x."""
    parts = group.strip("/").split("/")
    if len(parts) == 4 and parts[0] == "sites" and parts[2] == "pools":
        return f"{parts[1]}/{parts[3]}"
    if len(parts) == 2 and parts[0] in ("sites", "workloads"):
        return parts[1]
    return group.strip("/") or "/"


def decode(value: Any) -> Any:
    """HDF5 attribute value -> plain Python (bytes -> str, numpy scalars -> int/float)."""
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, np.generic):
        return decode(value.item())
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return decode(value[()])
        return [decode(v) for v in value.tolist()]
    if isinstance(value, h5py.Empty):
        return None
    return value


def _open(path: str | os.PathLike) -> h5py.File:
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file")
    if p.is_dir():
        raise NotARunError(f"{p} is not a dcsim run file: it is a directory")
    if not h5py.is_hdf5(p):
        raise NotARunError(f"{p.name} is not a dcsim run file: not an HDF5 file")
    # Without file locking first: a run still being written holds its lock. That open fails when
    # this process already has the file open with locking (e.g. a lazy xarray Dataset); then the
    # default flags match.
    f, error = None, None
    for kwargs in ({"locking": False}, {}):
        try:
            f = h5py.File(p, "r", **kwargs)
            break
        except (OSError, TypeError) as e:           # TypeError: h5py without `locking`
            error = e
    if f is None:
        raise NotARunError(f"{p.name}: cannot open it as HDF5: {error}")
    if "dcsim_version" not in f.attrs:
        f.close()
        raise NotARunError(f"{p.name} is not a dcsim run file: no attribute dcsim_version")
    return f


def _read_summary(f: h5py.File) -> dict[str, tuple[float, str]]:
    out: dict[str, tuple[float, str]] = {}
    if "summary" not in f:
        return out
    attrs = {k: decode(v) for k, v in f["summary"].attrs.items()}
    for name, value in attrs.items():
        if name.endswith("_units") and name[: -len("_units")] in attrs:
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        out[name] = (number, str(attrs.get(name + "_units", "")))
    rank = {n: i for i, n in enumerate(SUMMARY_ORDER)}
    return dict(sorted(out.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0])))


def _read_events(f: h5py.File) -> pd.DataFrame:
    if "events" not in f or not isinstance(f["events"], h5py.Dataset):
        return pd.DataFrame({c: pd.Series(dtype=float if c in ("time_s", "value") else object)
                             for c in EVENT_COLUMNS})
    data = f["events"][()]
    names = data.dtype.names or ()
    cols: dict[str, Any] = {}
    for c in EVENT_COLUMNS:
        if c not in names:
            cols[c] = np.full(len(data), np.nan) if c in ("time_s", "value") else [""] * len(data)
        elif c in ("time_s", "value"):
            cols[c] = np.asarray(data[c], dtype=float)
        else:
            cols[c] = [decode(v) if v is not None else "" for v in data[c]]
    return pd.DataFrame(cols, columns=EVENT_COLUMNS)


def _fit(values: np.ndarray, n: int) -> np.ndarray:
    """Cut or NaN-pad a series to n samples (a .partial file may be flushed unevenly)."""
    values = np.asarray(values, dtype=float)
    if len(values) >= n:
        return values[:n]
    return np.concatenate([values, np.full(n - len(values), np.nan)])


def load_run(path: str | os.PathLike) -> Run:
    """Load a dcsim run file (also a readable OUT.h5.partial).

    Raises FileNotFoundError for a missing file and NotARunError (a ValueError) for a file that is
    not a dcsim run.
    """
    p = Path(path)
    with _open(p) as f:
        attrs = {k: decode(v) for k, v in f.attrs.items()}
        time = np.asarray(f["time"][()], dtype=float) if "time" in f else np.zeros(0)
        n = len(time)
        index = pd.Index(time, name="time_s")

        columns: dict[str, dict[str, np.ndarray]] = {}
        units: dict[str, str] = {}
        aggregation: dict[str, str] = {}

        def visit(name: str, obj: Any) -> None:
            full = "/" + name
            if not isinstance(obj, h5py.Dataset) or full in _NOT_SERIES:
                return
            if obj.ndim != 1 or obj.dtype.kind not in "fiu":
                return
            group, _, series = full.rpartition("/")
            columns.setdefault(group or "/", {})[series] = _fit(obj[()], n)
            units[full] = str(decode(obj.attrs.get("units", "")))
            if "aggregation" in obj.attrs:
                aggregation[full] = str(decode(obj.attrs["aggregation"]))

        f.visititems(visit)
        groups = {g: pd.DataFrame(cols, index=index.copy()) for g, cols in sorted(columns.items())}
        return Run(path=p, attrs=attrs, summary=_read_summary(f), time=time, groups=groups,
                   units=units, events=_read_events(f), aggregation=aggregation)


def open_group_xarray(path: str | os.PathLike, group: str):
    """Open one group of a run file as an xarray Dataset with the `time` coordinate assigned."""
    import xarray as xr

    with _open(path) as f:
        if group.strip("/") not in f and group not in ("", "/"):
            raise KeyError(f"{Path(path).name}: no group {group}")
        time = np.asarray(f["time"][()], dtype=float) if "time" in f else None
        time_attrs = {k: decode(v) for k, v in f["time"].attrs.items()
                      if k in ("units", "long_name")} if time is not None else {}
    group = group.strip("/")
    kwargs = dict(engine="h5netcdf", decode_timedelta=False)
    try:
        ds = xr.open_dataset(path, group=group or None, **kwargs)
    except ValueError as e:
        if "phony_dims" not in str(e):
            raise
        # Series written without the dimension scale attached: name the axis ourselves.
        ds = xr.open_dataset(path, group=group or None, phony_dims="sort", **kwargs)
        if time is not None:
            ds = ds.rename({d: "time" for d, size in ds.sizes.items()
                            if size == len(time) and d != "time"})
    if time is not None and "time" in ds.dims:
        ds = ds.assign_coords(time=("time", time, time_attrs))
    return ds
