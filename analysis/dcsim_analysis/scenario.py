"""What a run's resolved scenario (root attribute `scenario`, YAML) says about the questions a
report draws lines for: the calendar start and the site's time zone, the warm-up, SLO targets,
queue caps, tiers, and the capacity of a pool where it can be derived.

Quantities in the resolved text are strings with units ("24 h", "100 ms", "17.4 /s");
`quantity(text)` turns one into SI (seconds, per second). Everything here is read-only and
tolerant: a key a later issue adds (`record.warmup`, a site's `timezone`) is used when present,
and its absence is not an error.

Capacity of a pool (requests/s it can serve), `pool_capacity()`:
  fifo:  replicas / E[service time]; replicas = servers x gpus_per_server / gpus_per_replica;
         E[S] = median x exp(sigma^2 / 2) (lognormal), time (fixed), mean (exponential).
  other serving kinds: not derivable from the scenario alone (it depends on the batch the load
  builds): None. A `capacity_rps` series in the pool's group, when a later writer records one, is
  drawn instead (the hook; figures/demand.py capacity_series), for every serving kind.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import timedelta, timezone, tzinfo
from typing import Any

import yaml

# Time units to seconds (the scenario's own set, plus weeks).
_TIME = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9, "min": 60.0, "h": 3600.0, "d": 86400.0,
         "w": 604800.0, "wk": 604800.0}
_NUMBER = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


def quantity(value: Any) -> float | None:
    """'20 s' -> 20.0, '100 ms' -> 0.1, '2 /d' -> 2/86400, '0.9' -> 0.9, 3 -> 3.0; None when the
    text is not a number with a time or rate unit (or no unit)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    m = _NUMBER.match(str(value))
    if not m:
        return None
    number, unit = float(m.group(1)), m.group(2).replace(" ", "")
    if unit == "":
        return number
    if unit in _TIME:
        return number * _TIME[unit]
    if unit.startswith("/") and unit[1:] in _TIME:
        return number / _TIME[unit[1:]]
    return None


def parse_scenario(text: str | None) -> dict:
    """The resolved scenario as a dict ({} when absent or not YAML)."""
    if not text:
        return {}
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _as_list(value) -> list:
    return value if isinstance(value, list) else []


def _as_dict(value) -> dict:
    return value if isinstance(value, dict) else {}


@dataclass
class PoolInfo:
    path: str                          # /sites/<site>/pools/<pool>
    serving: str = "fifo"
    servers: float | None = None
    replicas: int | None = None
    queue_capacity: float | None = None
    capacity_rps: float | None = None  # requests/s it can serve (None: not derivable)
    capacity_note: str = ""            # how capacity_rps was derived, or why it is missing


@dataclass
class WorkloadInfo:
    name: str
    pool: str | None = None            # /sites/<site>/pools/<pool>: the one it names, or its service routes it to
    slo_latency_s: float | None = None
    slo_ttft_s: float | None = None
    slo_tpot_s: float | None = None
    arrivals_model: str = ""
    kind: str = ""                     # llm, image, video
    tiers: list[dict] = field(default_factory=list)   # [{name, share, daily_limit}]
    retry_probability: float = 0.0


def _mean_service_s(service: dict) -> float | None:
    model = str(service.get("model", ""))
    if model == "lognormal":
        median, sigma = quantity(service.get("median")), quantity(service.get("sigma", 0.5))
        if median is None or sigma is None:
            return None
        return median * math.exp(sigma * sigma / 2.0)
    if model == "fixed":
        return quantity(service.get("time"))
    if model == "exponential":
        return quantity(service.get("mean"))
    return None


def _replicas(pool: dict) -> int | None:
    servers = quantity(pool.get("servers"))
    per_server = quantity(pool.get("gpus_per_server", 8))
    if servers is None or per_server is None:
        return None
    serving = str(pool.get("serving", "fifo"))
    if serving == "llm":
        per_replica = quantity(_as_dict(pool.get("llm")).get("tp", 1))
    elif serving in ("diffusion", "disaggregated"):
        per_replica = 1.0 if serving == "diffusion" else None
    else:
        per_replica = quantity(pool.get("gpus_per_replica", 1))
    if not per_replica:
        return None
    return int(servers * per_server // per_replica)


def pool_info(site: str, pool: dict) -> PoolInfo:
    info = PoolInfo(path=f"/sites/{site}/pools/{pool.get('name')}",
                    serving=str(pool.get("serving", "fifo")), servers=quantity(pool.get("servers")),
                    replicas=_replicas(pool),
                    queue_capacity=quantity(pool.get("queue_capacity")))
    if info.serving == "fifo":
        mean = _mean_service_s(_as_dict(pool.get("service")))
        if mean and info.replicas:
            info.capacity_rps = info.replicas / mean
            info.capacity_note = (f"{info.replicas} replicas / mean service time "
                                  f"{mean:.3g} s = {info.capacity_rps:.4g} req/s")
        else:
            info.capacity_note = "service time model without a known mean"
    else:
        info.capacity_note = (f"not derivable from the scenario for serving: {info.serving} (it "
                              "depends on the batches the load builds)")
    return info


def workload_info(w: dict) -> WorkloadInfo:
    cls = _as_dict(w.get("class"))
    pool = w.get("pool")
    path = None
    if isinstance(pool, str) and "/" in pool:
        site, _, name = pool.partition("/")
        path = f"/sites/{site}/pools/{name}"
    tiers = []
    for t in _as_list(w.get("tiers")):
        t = _as_dict(t)
        tiers.append({"name": str(t.get("name", "")), "share": quantity(t.get("share")),
                      "daily_limit": quantity(t.get("daily_limit"))})
    return WorkloadInfo(name=str(w.get("name", "")), pool=path,
                        slo_latency_s=quantity(w.get("slo_latency")),
                        slo_ttft_s=quantity(cls.get("slo_ttft")),
                        slo_tpot_s=quantity(cls.get("slo_tpot")),
                        arrivals_model=str(_as_dict(w.get("arrivals")).get("model", "")),
                        kind=str(cls.get("model", "")), tiers=tiers,
                        retry_probability=quantity(_as_dict(w.get("retry")).get("probability")) or 0.0)


def _offset_tz(text: str) -> tzinfo | None:
    """'+09:00' / '-05:00' / '9 h' / '-5 h' -> a fixed-offset tzinfo."""
    text = str(text).strip()
    m = re.fullmatch(r"([+-])(\d{1,2}):?(\d{2})", text)
    if m:
        minutes = int(m.group(2)) * 60 + int(m.group(3))
        return timezone(timedelta(minutes=-minutes if m.group(1) == "-" else minutes))
    seconds = quantity(text)
    if seconds is None:
        return None
    return timezone(timedelta(seconds=seconds))


def _named_tz(name: str) -> tzinfo | None:
    try:
        from zoneinfo import ZoneInfo
        return ZoneInfo(str(name))
    except Exception:                  # unknown name or no tz database: fall back to UTC
        return None


def tz_label(tz: tzinfo) -> str:
    """'UTC', 'UTC+09:00' or an IANA name."""
    key = getattr(tz, "key", None)
    if key:
        return str(key)
    offset = tz.utcoffset(None)
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


class ScenarioView:
    """Read-only questions to a resolved scenario dict (see the module docstring)."""

    def __init__(self, data: dict, attrs: dict | None = None):
        self.data = data or {}
        self.attrs = attrs or {}
        self.pools = {}
        for site in _as_list(self.data.get("sites")):
            site = _as_dict(site)
            for pool in _as_list(site.get("pools")):
                info = pool_info(str(site.get("name")), _as_dict(pool))
                self.pools[info.path] = info
        self.workloads = {}
        for w in _as_list(self.data.get("workloads")):
            info = workload_info(_as_dict(w))
            if info.pool is None:
                info.pool = self._routed_pool(_as_dict(w))
            self.workloads[info.name] = info

    def _routed_pool(self, w: dict) -> str | None:
        """The one pool a workload's service sends it to, when the scenario decides it: a
        service of one pool, or `nearest` routing with a pool at the workload's origin site (the
        WAN latency within a site is 0; ties go to the pool listed first). Else None."""
        name = w.get("service")
        svc = next((_as_dict(s) for s in _as_list(self.data.get("services"))
                    if _as_dict(s).get("name") == name), None)
        if svc is None:
            return None
        pools = [str(_as_dict(p).get("pool", "")) for p in _as_list(svc.get("pools"))]
        routing = svc.get("routing")
        model = str(_as_dict(routing).get("model", routing) if routing else "single")
        if len(pools) != 1:
            origin = w.get("origin")
            pools = [p for p in pools if model == "nearest" and origin and p.partition("/")[0] == origin][:1]
        if len(pools) != 1 or "/" not in pools[0]:
            return None
        site, _, pool = pools[0].partition("/")
        return f"/sites/{site}/pools/{pool}"

    @property
    def start_text(self) -> str:
        """The calendar time of t = 0: root attribute `start` if the file has one, else the
        scenario's `start:`, else dcsim's default."""
        return str(self.attrs.get("start") or self.data.get("start") or "2025-01-01T00:00:00Z")

    def display_tz(self) -> tuple[tzinfo, str]:
        """(time zone, why) for calendar axes: the sites' own time zone when every site gives the
        same one (`timezone: Area/City` or `utc_offset:`), else the offset written in `start`,
        else UTC."""
        zones = []
        for site in _as_list(self.data.get("sites")):
            site = _as_dict(site)
            tz = None
            if site.get("timezone"):
                tz = _named_tz(site["timezone"])
            elif site.get("utc_offset") is not None:
                tz = _offset_tz(site["utc_offset"])
            zones.append(tz)
        if zones and all(z is not None for z in zones) and len({tz_label(z) for z in zones}) == 1:
            return zones[0], "the site's time zone"
        m = re.search(r"([+-]\d{2}:?\d{2})$", self.start_text.strip())
        if m:
            tz = _offset_tz(m.group(1))
            if tz is not None and tz.utcoffset(None):
                return tz, "the offset of the scenario's start"
        return timezone.utc, "UTC"

    def warmup_s(self) -> float:
        """`record.warmup` (or a root attribute `warmup_s`) in s; 0 when there is none."""
        if self.attrs.get("warmup_s") is not None:
            try:
                return max(0.0, float(self.attrs["warmup_s"]))
            except (TypeError, ValueError):
                pass
        value = quantity(_as_dict(self.data.get("record")).get("warmup"))
        return max(0.0, value) if value else 0.0

    def service_groups(self, name: str) -> list[str]:
        """The groups a service's events are about: its pools and the workloads it serves."""
        svc = next((_as_dict(s) for s in _as_list(self.data.get("services"))
                    if _as_dict(s).get("name") == name), None)
        if svc is None:
            return []
        out = []
        for p in _as_list(svc.get("pools")):
            site, _, pool = str(_as_dict(p).get("pool", "")).partition("/")
            if pool:
                out.append(f"/sites/{site}/pools/{pool}")
        out += [f"/workloads/{_as_dict(w).get('name')}" for w in _as_list(self.data.get("workloads"))
                if _as_dict(w).get("service") == name]
        return out

    def workloads_of_pool(self, pool: str) -> list[WorkloadInfo]:
        return [w for w in self.workloads.values() if w.pool == pool]
