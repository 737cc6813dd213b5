"""The figures of a run (or of several runs overlaid), chosen by what the files hold.

`FIGURES` is the ordered registry: name -> (title, function, caption). Each function takes a
`Canvas` (base.py) and returns PNG bytes, or None when the series it needs are absent from every
run. `render(runs, labels)` draws all that apply and returns a list of `Rendered`.
Adding a figure: a function in demand.py, serving.py or site.py, and one line here.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..load import Run
from . import demand, serving, site
from .base import Canvas


@dataclass
class Rendered:
    name: str
    title: str
    caption: str
    png: bytes


FIGURES = {
    "demand": ("Demand", demand.demand,
               "Requests/s per workload (own panel each): all attempts, first attempts, completed, "
               "rejected; dotted: the capacity of the workload's pool (replicas / mean service time "
               "for fifo pools; other serving kinds need a `capacity_rps` series). Vertical lines: events."),
    "users": ("Active users", demand.users, "Active users of viral (user-growth) workloads."),
    "retries": ("Retries", demand.retries,
                "First attempts and retries of rejected requests, per workload with retries."),
    "tiers": ("User tiers", demand.tiers,
              "Attempts and requests not completed per user tier, estimated from the sampled "
              "/requests table (counts / sample fraction)."),
    "slo": ("Latency against the SLO", demand.slo,
            "Per-step p99 latency of each workload against its end-to-end SLO (dotted), and the share "
            "of completed requests within it."),
    "latency": ("Pool latency", serving.latency,
                "p50 and p99 of the requests completed in each step, per pool; dotted: the SLOs of "
                "the workloads it serves."),
    "queue": ("Queue", serving.queue, "Requests waiting and running per pool; dotted: the queue cap."),
    "utilization": ("Utilization", serving.utilization, "GPU utilization and active replicas per pool."),
    "llm": ("LLM serving", serving.llm,
            "LLM pools: TTFT and TPOT p99 against the class SLOs (dotted), KV-cache utilization, "
            "output tokens/s, preemptions/s, prefix-cache hits."),
    "kv_transfer": ("KV-cache transfers", serving.kv_transfer,
                    "Disaggregated pools: KV-cache transfer times (p50, p99), transfers in flight, GB/s moved."),
    "disaggregated": ("Prefill and decode", serving.disaggregated,
                      "Disaggregated pools: the prefill and the decode side."),
    "images": ("Image generation", serving.images, "Image pools: images/s and requests arriving/s."),
    "power": ("IT power", site.power, "IT power per site (GPUs and the servers' non-GPU part), per pool."),
    "facility": ("Facility", site.facility,
                 "Facility power stack (IT, delivery losses, cooling; the total as a line), PUE, water, "
                 "temperatures, throttling."),
    "grid": ("Grid", site.grid,
             "Grid supply: carbon intensity (average, marginal), emissions, price and cost, battery, supply."),
}


def render(runs: list[Run], labels: list[str] | None = None, only=None) -> list[Rendered]:
    canvas = Canvas(runs, labels)
    out = []
    for name, (title, fn, caption) in FIGURES.items():
        if only is not None and name not in only:
            continue
        if len(runs[0].time) == 0 and all(len(r.time) == 0 for r in runs):
            break
        png = fn(canvas)
        if png is not None:
            out.append(Rendered(name, title, caption, png))
    return out
