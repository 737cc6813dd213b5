"""Run-wide statistics of one run from its series, per pool, per workload and per site, over the
statistics window: the whole run, or the samples after the warm-up when the scenario has one
(`record.warmup`; a sample counts when its step starts at or after the warm-up's end).

Each entity gives an ordered list of `Metric(key, label, value, unit)`; the report prints them
and compare differences them. Amounts (`sum` series) are summed over the window, power and
utilisation are time-weighted means, latency percentiles are the worst step's (the file holds
per-step percentiles, not the run's distribution: /summary has the run-wide ones), SLO
attainment is weighted by completions.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .load import Run


@dataclass
class Metric:
    key: str
    label: str
    value: float
    unit: str = ""          # "1" counts and ratios, "J", "W", "s", "/s", "L", "g", "USD", "%"


class Window:
    """The samples run-wide statistics use."""

    def __init__(self, run: Run):
        self.run = run
        self.warmup_s = run.view.warmup_s()
        dt = run.step_durations
        starts = run.time - dt
        self.mask = starts >= self.warmup_s - 1e-9 if self.warmup_s > 0 else np.ones(len(dt), bool)
        self.dt = np.where(self.mask, dt, 0.0)
        self.span_s = float(self.dt.sum())

    @property
    def note(self) -> str:
        if self.warmup_s <= 0:
            return "Statistics cover the whole run (the scenario has no `record.warmup`)."
        return (f"Statistics computed here exclude the warm-up: the first "
                f"{self.warmup_s / 3600:.3g} h (`record.warmup`), {int((~self.mask).sum())} "
                f"samples; they cover {self.span_s / 3600:.4g} h. The /summary totals are dcsim's own.")

    def values(self, group: str, name: str) -> np.ndarray | None:
        s = self.run.series(group, name)
        if s is None:
            return None
        return s.to_numpy(dtype=float)[self.mask]

    def total(self, group: str, name: str) -> float:
        y = self.values(group, name)
        return float(np.nansum(y)) if y is not None else math.nan

    def peak(self, group: str, name: str) -> float:
        y = self.values(group, name)
        if y is None or not np.isfinite(y).any():
            return math.nan
        return float(np.nanmax(y))

    def mean(self, group: str, name: str) -> float:
        """Time-weighted mean of a step-averaged series, NaN samples ignored."""
        s = self.run.series(group, name)
        if s is None:
            return math.nan
        y = s.to_numpy(dtype=float)
        ok = np.isfinite(y) & (self.dt > 0)
        if not ok.any():
            return math.nan
        return float(np.sum(y[ok] * self.dt[ok]) / np.sum(self.dt[ok]))

    def weighted(self, group: str, name: str, weight: str) -> float:
        y, w = self.values(group, name), self.values(group, weight)
        if y is None or w is None:
            return math.nan
        ok = np.isfinite(y) & np.isfinite(w)
        return float(np.sum(y[ok] * w[ok]) / w[ok].sum()) if w[ok].sum() > 0 else math.nan

    def rate(self, amount: float) -> float:
        return amount / self.span_s if self.span_s > 0 else math.nan


def _keep(metrics: list[Metric]) -> list[Metric]:
    return [m for m in metrics if m.value is not None]


def _has(run: Run, group: str, name: str) -> bool:
    return run.series(group, name) is not None


def _capacity(run: Run, group: str, info, w: Window) -> float:
    """Mean of the pool's `capacity_rps` series when it has one, else the derived capacity."""
    if _has(run, group, "capacity_rps"):
        return w.mean(group, "capacity_rps")
    return info.capacity_rps if info is not None and info.capacity_rps else math.nan


def pool_metrics(run: Run, group: str, w: Window | None = None) -> list[Metric]:
    w = w or Window(run)
    info = run.view.pools.get(group)
    arrivals, rejected = w.total(group, "arrivals"), w.total(group, "rejected")
    m = [Metric("arrivals", "arrivals", arrivals, "1"),
         Metric("completed", "completed", w.total(group, "completed"), "1"),
         Metric("rejected", "rejected", rejected, "1"),
         Metric("rejected_share", "rejected share", rejected / arrivals if arrivals > 0 else math.nan, "%"),
         Metric("arrival_rate", "mean arrival rate", w.rate(arrivals), "/s"),
         Metric("capacity", "capacity", _capacity(run, group, info, w), "/s"),
         Metric("peak_queue", "peak queue", w.peak(group, "queue_length"), "1"),
         Metric("queue_cap", "queue cap", info.queue_capacity if info and info.queue_capacity is not None else math.nan, "1"),
         Metric("gpu_utilization", "mean GPU utilization", w.mean(group, "gpu_utilization"), "%"),
         Metric("power", "mean IT power", w.mean(group, "power_w"), "W"),
         Metric("peak_power", "peak IT power", w.peak(group, "power_w"), "W"),
         Metric("energy", "IT energy", w.total(group, "energy_j"), "J"),
         Metric("gpu_energy", "GPU energy", w.total(group, "gpu_energy_j"), "J"),
         Metric("worst_p99", "worst step p99 latency", w.peak(group, "latency_p99_s"), "s")]
    if _has(run, group, "tokens_out"):
        tokens = w.total(group, "tokens_out")
        m += [Metric("tokens_out", "output tokens", tokens, "1"),
              Metric("tokens_per_s", "output tokens/s", w.rate(tokens), "/s"),
              Metric("worst_ttft_p99", "worst step TTFT p99", w.peak(group, "ttft_p99_s"), "s"),
              Metric("worst_tpot_p99", "worst step TPOT p99", w.peak(group, "tpot_p99_s"), "s"),
              Metric("preemptions", "preemptions", w.total(group, "preemptions"), "1")]
        if _has(run, group, "kv_utilization"):
            m.append(Metric("kv_utilization", "mean KV utilization", w.mean(group, "kv_utilization"), "%"))
        if _has(run, group, "kv_transfer_p99_s"):
            m.append(Metric("worst_kv_transfer_p99", "worst step KV transfer p99",
                            w.peak(group, "kv_transfer_p99_s"), "s"))
    if _has(run, group, "images_out"):
        images = w.total(group, "images_out")
        m += [Metric("images_out", "images", images, "1"),
              Metric("images_per_s", "images/s", w.rate(images), "/s")]
        if images > 0:
            m.append(Metric("energy_per_image", "IT energy per image", w.total(group, "energy_j") / images, "J"))
    done = w.total(group, "completed")
    if done > 0 and _has(run, group, "energy_j"):
        m.append(Metric("energy_per_request", "IT energy per completed request",
                        w.total(group, "energy_j") / done, "J"))
    return _keep(m)


def workload_metrics(run: Run, group: str, w: Window | None = None) -> list[Metric]:
    w = w or Window(run)
    name = group.rsplit("/", 1)[-1]
    info = run.view.workloads.get(name)
    arrivals, rejected = w.total(group, "arrivals"), w.total(group, "rejected")
    m = [Metric("arrivals", "arrivals (all attempts)", arrivals, "1")]
    if _has(run, group, "first_attempts"):
        m.append(Metric("first_attempts", "first attempts", w.total(group, "first_attempts"), "1"))
    if _has(run, group, "retries"):
        m.append(Metric("retries", "retries", w.total(group, "retries"), "1"))
    m += [Metric("completed", "completed", w.total(group, "completed"), "1"),
          Metric("rejected", "rejected", rejected, "1"),
          Metric("rejected_share", "rejected share", rejected / arrivals if arrivals > 0 else math.nan, "%"),
          Metric("slo_target", "SLO (end to end)", info.slo_latency_s if info and info.slo_latency_s else math.nan, "s"),
          Metric("slo_attainment", "SLO attainment", w.weighted(group, "slo_attainment", "completed"), "%"),
          Metric("worst_p99", "worst step p99 latency", w.peak(group, "latency_p99_s"), "s")]
    if _has(run, group, "active_users"):
        m.append(Metric("peak_users", "peak active users", w.peak(group, "active_users"), "1"))
    return _keep(m)


# Site series (DESIGN.md, issues 12 and 13): (key, label, series, how, unit).
_SITE = [("energy_it", "IT energy", "energy_it_j", "total", "J"),
         ("energy_gpu", "GPU energy", "energy_gpu_j", "total", "J"),
         ("energy_facility", "facility energy", "energy_facility_j", "total", "J"),
         ("power_it", "mean IT power", "power_it_w", "mean", "W"),
         ("peak_power_it", "peak IT power", "power_it_w", "peak", "W"),
         ("power_facility", "mean facility power", "power_facility_w", "mean", "W"),
         ("power_cooling", "mean cooling power", "power_cooling_w", "mean", "W"),
         ("power_losses", "mean delivery losses", "power_losses_w", "mean", "W"),
         ("water", "water", "water_l", "total", "L"),
         ("emissions", "emissions", "emissions_g", "total", "g"),
         ("cost", "cost", "cost_usd", "total", "USD"),
         ("peak_inlet", "peak inlet temperature", "inlet_temperature_c", "peak", "degC"),
         ("peak_drybulb", "peak outdoor dry bulb", "outdoor_drybulb_c", "peak", "degC")]


def site_metrics(run: Run, group: str, w: Window | None = None) -> list[Metric]:
    w = w or Window(run)
    m = []
    for key, label, series, how, unit in _SITE:
        if not _has(run, group, series):
            continue
        value = {"total": w.total, "mean": w.mean, "peak": w.peak}[how](group, series)
        m.append(Metric(key, label, value, unit))
    it, fac = w.mean(group, "power_it_w"), w.mean(group, "power_facility_w")
    if np.isfinite(it) and np.isfinite(fac) and it > 0:
        m.append(Metric("pue", "PUE (facility / IT energy)", fac / it, "1"))
    if _has(run, group, "water_l") and _has(run, group, "energy_it_j"):
        it_kwh = w.total(group, "energy_it_j") / 3.6e6
        if it_kwh > 0:
            m.append(Metric("wue", "WUE (L per IT kWh)", w.total(group, "water_l") / it_kwh, "L/kWh"))
    if _has(run, group, "emissions_g") and (_has(run, group, "energy_facility_j") or _has(run, group, "energy_it_j")):
        energy = w.total(group, "energy_facility_j" if _has(run, group, "energy_facility_j") else "energy_it_j")
        if energy > 0:
            m.append(Metric("intensity", "mean carbon intensity (emissions / energy)",
                            w.total(group, "emissions_g") / (energy / 3.6e6), "g/kWh"))
    return _keep(m)
