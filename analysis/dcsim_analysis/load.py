"""Read a dcsim run file (HDF5, layout in docs/output-format.md) into plain Python objects.

`load_run(path)` returns a `Run`: root attributes, the /summary totals, the /time axis, one
pandas DataFrame per group of series (indexed by time in seconds), the units and aggregation of
every series and the /events table, all read at once (the file is closed when it returns); the
sampled /requests table is read on demand (`run.requests()`). `run.scenario` is the resolved
scenario as a dict, `run.view` the questions a report asks of it (scenario.py) and `run.clock`
its calendar time (clock.py). `open_group_xarray(path, group)` opens one group as an xarray
Dataset with the time coordinate attached (time lives in the root, so xarray does not find it by
itself).

Errors: FileNotFoundError for a missing file; NotARunError (a ValueError) with a one-line
message for anything that is not a readable dcsim run: not HDF5, no `dcsim_version`, truncated
or corrupted (HDF5 cannot open it or its attributes), no /time. A `.partial` or `complete = 0`
file that reads is a Run (`run.complete` is False); the report says it is incomplete. Series that
HDF5 can read only in part (chunks written after the last flush of a hard-killed run) keep their
readable rows, NaN after them, and are listed in `run.damaged` {path: rows read}.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
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
    damaged: dict[str, int] = field(default_factory=dict)      # series -> samples readable (the rest NaN)

    @property
    def complete(self) -> bool:
        return bool(self.attrs.get("complete", 0)) and not self.path.name.endswith(".partial")

    @cached_property
    def scenario(self) -> dict:
        """The resolved scenario (root attribute `scenario`) as a dict; {} when absent."""
        from .scenario import parse_scenario
        return parse_scenario(self.attrs.get("scenario"))

    @cached_property
    def view(self):
        """scenario.ScenarioView of the resolved scenario (start, time zone, SLOs, caps, ...)."""
        from .scenario import ScenarioView
        return ScenarioView(self.scenario, self.attrs)

    @cached_property
    def clock(self):
        """clock.Clock: calendar time of the samples."""
        from .clock import Clock
        return Clock.of(self.view)

    def requests(self) -> pd.DataFrame:
        """The sampled /requests table (empty DataFrame when absent), read from the file on each
        call: `workload`, `kind` and `outcome` as names (pandas categoricals), `tier` as the
        tier's name where the scenario names the workload's tiers, the rest as stored."""
        return read_requests(self.path, self.view)

    @property
    def description(self) -> str:
        """The scenario's `description:` ('' when it has none; dcsim writes '-' for none)."""
        text = str(self.scenario.get("description") or "").strip()
        return "" if text == "-" else text

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


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


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
        raise NotARunError(f"{p.name}: cannot open it as HDF5 (truncated or corrupted file?): "
                           f"{_one_line(error)}")
    try:
        has_version = "dcsim_version" in f.attrs
    except (OSError, RuntimeError, KeyError) as e:
        f.close()
        raise NotARunError(f"{p.name}: cannot read its attributes (corrupted file?): {_one_line(e)}")
    if not has_version:
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


def _read_events(f: h5py.File | None) -> pd.DataFrame:
    if f is None or "events" not in f or not isinstance(f["events"], h5py.Dataset):
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


def _read_tolerant(d: h5py.Dataset) -> tuple[np.ndarray, bool]:
    """All of a 1-D dataset, or, when HDF5 cannot read part of it (a chunk written after the
    last flush of a hard-killed run), the rows before the first unreadable chunk; (values, whole)."""
    try:
        return d[()], True
    except (OSError, RuntimeError):
        pass
    step = (d.chunks or (1024,))[0]
    parts = []
    for start in range(0, d.shape[0], step):
        try:
            parts.append(d[start: start + step])
        except (OSError, RuntimeError):
            break
    return (np.concatenate(parts) if parts else np.zeros(0, dtype=d.dtype)), False


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
        try:
            return _load(p, f)
        except NotARunError:
            raise
        except (OSError, RuntimeError, KeyError, ValueError, TypeError) as e:
            raise NotARunError(f"{p.name}: cannot read it (truncated or corrupted file?): "
                               f"{_one_line(e)}") from None


def _load(p: Path, f: h5py.File) -> Run:
    attrs = {k: decode(v) for k, v in f.attrs.items()}
    if "time" not in f or not isinstance(f["time"], h5py.Dataset):
        state = "complete" if attrs.get("complete") else "incomplete"
        raise NotARunError(f"{p.name}: no /time dataset ({state} run, stop reason "
                           f"'{attrs.get('stop_reason', 'unknown')}'): a partial or damaged run file")
    time, whole = _read_tolerant(f["time"])
    time = np.asarray(time, dtype=float)
    damaged: dict[str, int] = {} if whole else {"/time": len(time)}
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
        values, whole = _read_tolerant(obj)
        if not whole:
            damaged[full] = len(values)
        columns.setdefault(group or "/", {})[series] = _fit(values, n)
        units[full] = str(decode(obj.attrs.get("units", "")))
        if "aggregation" in obj.attrs:
            aggregation[full] = str(decode(obj.attrs["aggregation"]))

    f.visititems(visit)
    groups = {g: pd.DataFrame(cols, index=index.copy()) for g, cols in sorted(columns.items())}
    try:
        events = _read_events(f)
    except (OSError, RuntimeError):
        events, damaged["/events"] = _read_events(None), 0
    return Run(path=p, attrs=attrs, summary=_read_summary(f), time=time, groups=groups,
               units=units, events=events, aggregation=aggregation, damaged=damaged)


def _codes(text: str) -> dict[int, str]:
    """'0=llm,1=image' -> {0: 'llm', 1: 'image'}."""
    out = {}
    for part in str(text or "").split(","):
        code, _, name = part.partition("=")
        if code.strip().isdigit() and name.strip():
            out[int(code)] = name.strip()
    return out


def _names(codes: np.ndarray, names: dict[int, str]) -> pd.Categorical:
    labels = [names.get(int(c), str(int(c))) for c in codes]
    order = [names[k] for k in sorted(names)] + sorted(set(labels) - set(names.values()))
    return pd.Categorical(labels, categories=list(dict.fromkeys(order)))


def read_requests(path: str | os.PathLike, view=None) -> pd.DataFrame:
    """The /requests table of a run file as a DataFrame (see Run.requests); its attributes
    (`sample_fraction`, ...) are in `df.attrs`."""
    p = Path(path)
    with _open(p) as f:
        if "requests" not in f or not isinstance(f["requests"], h5py.Dataset):
            return pd.DataFrame()
        try:
            data = f["requests"][()]
            attrs = {k: decode(v) for k, v in f["requests"].attrs.items()
                     if k not in ("CLASS", "NAME", "REFERENCE_LIST")}
        except (OSError, RuntimeError) as e:
            raise NotARunError(f"{p.name}: cannot read /requests (truncated or corrupted "
                               f"file?): {_one_line(e)}") from None
    df = pd.DataFrame({name: data[name] for name in data.dtype.names or ()})
    if df.empty:
        df.attrs.update(attrs)
        return df
    workloads = [w for w in str(attrs.get("workloads", "")).split(",") if w]
    wl_names = dict(enumerate(workloads))
    if "tier" in df and view is not None:
        tiers = np.asarray(df["tier"], dtype=int)
        wl = np.asarray(df["workload"], dtype=int) if "workload" in df else np.zeros(len(df), int)
        labels = []
        for w, t in zip(wl, tiers):
            info = view.workloads.get(wl_names.get(int(w), ""))
            named = info.tiers if info is not None else []
            labels.append(named[t]["name"] if t < len(named) and named[t]["name"] else str(t))
        df["tier"] = pd.Categorical(labels)
    if "workload" in df:
        df["workload"] = _names(df["workload"].to_numpy(), wl_names)
    if "kind" in df:
        df["kind"] = _names(df["kind"].to_numpy(), _codes(attrs.get("kind_codes")))
    if "outcome" in df:
        df["outcome"] = _names(df["outcome"].to_numpy(), _codes(attrs.get("outcome_codes")))
    df.attrs.update(attrs)
    return df


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
