"""Pool figures: latency against the SLOs of the workloads a pool serves, the queue against its
cap, GPU utilisation and replicas, the LLM panels (TTFT, TPOT against the class SLOs, KV
utilisation, output tokens/s, preemptions), KV-cache transfers and the two sides of
disaggregated pools, and images/s of image pools. One panel per pool where scales differ.
"""
from __future__ import annotations

from ..load import Run, short_name
from .base import Canvas, Line, groups_with, log_if_spread


def _slo_lines(c: Canvas, pool: str, attr: str, what: str) -> list[Line]:
    lines = []
    for i, run in enumerate(c.runs):
        for w in run.view.workloads_of_pool(pool):
            value = getattr(w, attr)
            if value:
                unit = f"{value * 1e3:g} ms" if value < 1 else f"{value:g} s"
                lines.append(Line(value, f"{w.name} {what} SLO {unit}", i))
    return lines


def latency(c: Canvas):
    pools = groups_with(c.runs, Run.pools, ("latency_p50_s", "latency_p99_s"))
    if not pools:
        return None
    fig, axes = c.figure(len(pools))
    for ax, g in zip(axes, pools):
        values = []
        for i, run in enumerate(c.runs):
            for k, (name, text) in enumerate((("latency_p50_s", "p50"), ("latency_p99_s", "p99"))):
                s = run.series(g, name)
                if s is not None:
                    values.append(s.to_numpy(dtype=float))
                    c.plot(ax, i, k, values[-1], text, style=("--", "-")[k] if not c.multi else None)
        c.hlines(ax, _slo_lines(c, g, "slo_latency_s", "end-to-end"))
        log_if_spread(ax, values)
        c.events(ax, (g,))
        ax.set_ylabel("latency (s)")
        ax.set_title(short_name(g), fontsize=9)
    return c.finish(fig, axes, "request latency per pool (p50, p99 of each step) and SLO targets")


def queue(c: Canvas):
    pools = groups_with(c.runs, Run.pools, ("queue_length",))
    if not pools:
        return None
    fig, axes = c.figure(len(pools), height=2.4)
    for ax, g in zip(axes, pools):
        caps = []
        for i, run in enumerate(c.runs):
            for k, name in enumerate(("queue_length", "running")):
                s = run.series(g, name)
                if s is not None:
                    c.plot(ax, i, k, s.to_numpy(dtype=float), name.replace("_", " "))
            info = run.view.pools.get(g)
            if info is not None and info.queue_capacity is not None and info.queue_capacity < 1e5:
                caps.append(Line(info.queue_capacity, f"queue cap {info.queue_capacity:g}", i))
        c.hlines(ax, caps, color=None if c.multi else "tab:red")
        c.events(ax, (g,))
        ax.set_ylabel("requests")
        ax.set_ylim(bottom=0)
        ax.set_title(short_name(g), fontsize=9)
    return c.finish(fig, axes, "queue length against the queue cap, and requests running")


def utilization(c: Canvas):
    panels = [(n, t) for n, t in (("gpu_utilization", "GPU utilization"),
                                   ("replicas_active", "replicas active"))
              if groups_with(c.runs, Run.pools, (n,))]
    if not panels:
        return None
    pools = groups_with(c.runs, Run.pools, [n for n, _ in panels])
    fig, axes = c.figure(len(panels), height=2.4)
    for ax, (name, text) in zip(axes, panels):
        for i, run in enumerate(c.runs):
            for k, g in enumerate(pools):
                s = run.series(g, name)
                if s is not None:
                    c.plot(ax, i, k, s.to_numpy(dtype=float), short_name(g))
        ax.set_ylabel(text)
        ax.set_ylim(bottom=0)
        if name == "gpu_utilization":
            ax.set_ylim(top=1.05)
        c.events(ax, tuple(pools))
    return c.finish(fig, axes, "GPU utilization and active replicas per pool")


_LLM = [("ttft_p99_s", "TTFT p99 (s)", "slo_ttft_s", "TTFT"),
        ("tpot_p99_s", "TPOT p99 (s)", "slo_tpot_s", "TPOT"),
        ("kv_utilization", "KV cache utilization", None, None),
        ("tokens_out", "output tokens/s", None, None),
        ("preemptions", "preemptions/s", None, None),
        ("prefix_hit_tokens", "prefix-cache hit tokens/s", None, None)]


def _nonzero(run: Run, group: str, name: str) -> bool:
    """The series exists and is not all zero (preemptions, prefix hits: an all-zero panel is
    left out; the report's tables keep the zero)."""
    s = run.series(group, name)
    return s is not None and bool((s.fillna(0) != 0).any() or name in ("ttft_p99_s", "tpot_p99_s"))


def llm(c: Canvas):
    pools = groups_with(c.runs, Run.pools, ("tokens_out",))
    panels = [p for p in _LLM if any(_nonzero(r, g, p[0]) for r in c.runs for g in pools)]
    if not pools or not panels:
        return None
    fig, axes = c.figure(len(panels), height=2.4)
    for ax, (name, text, slo_attr, what) in zip(axes, panels):
        values = []
        for i, run in enumerate(c.runs):
            for k, g in enumerate(pools):
                s = run.series(g, name)
                if s is None:
                    continue
                y = s.to_numpy(dtype=float)
                if name in ("tokens_out", "preemptions", "prefix_hit_tokens"):
                    y = c.rate(run, y)
                values.append(y)
                c.plot(ax, i, k, y, short_name(g))
        if slo_attr:
            lines = [line for g in pools for line in _slo_lines(c, g, slo_attr, what)]
            c.hlines(ax, lines, color=None if c.multi else "black")
            log_if_spread(ax, values)
        else:
            ax.set_ylim(bottom=0)
        if name == "kv_utilization":
            ax.set_ylim(0, 1.05)
        ax.set_ylabel(text)
        c.events(ax, tuple(pools))
    return c.finish(fig, axes, "LLM serving: time to first token, time per output token, KV cache, tokens")


def kv_transfer(c: Canvas):
    pools = groups_with(c.runs, Run.pools, ("kv_transfer_p99_s", "kv_bytes"))
    if not pools:
        return None
    fig, axes = c.figure(3, height=2.3)
    times, inflight, volume = axes
    values = []
    for i, run in enumerate(c.runs):
        for k, g in enumerate(pools):
            name = short_name(g)
            for j, (series, text) in enumerate((("kv_transfer_p50_s", "p50"), ("kv_transfer_p99_s", "p99"))):
                s = run.series(g, series)
                if s is not None:
                    values.append(s.to_numpy(dtype=float))
                    c.plot(times, i, 2 * k + j, values[-1], f"{name} {text}")
            s = run.series(g, "kv_transfers")
            if s is not None:
                c.plot(inflight, i, k, s.to_numpy(dtype=float), name)
            s = run.series(g, "kv_bytes")
            if s is not None:
                c.plot(volume, i, k, c.rate(run, s.to_numpy()) / 1e9, name)
    log_if_spread(times, values)
    times.set_ylabel("transfer time (s)")
    inflight.set_ylabel("in flight")
    volume.set_ylabel("GB/s moved")
    for ax in axes:
        c.events(ax, tuple(pools))
    return c.finish(fig, axes, "KV-cache transfers from prefill to decode")


_SIDES = [("gpu_utilization", "GPU utilization"), ("queue_length", "queue length"),
          ("running", "running"), ("kv_utilization", "KV utilization"), ("gpu_power_w", "GPU power (kW)")]


def disaggregated(c: Canvas):
    pools = [g for g in groups_with(c.runs, Run.pools, ("kv_transfers", "kv_bytes"))
             if any(g + "/prefill" in r.groups or g + "/decode" in r.groups for r in c.runs)]
    if not pools:
        return None
    panels = [(g, name, text) for g in pools for name, text in _SIDES
              if any(r.series(g + "/" + side, name) is not None for r in c.runs for side in ("prefill", "decode"))]
    fig, axes = c.figure(len(panels), height=2.0)
    for ax, (g, name, text) in zip(axes, panels):
        for i, run in enumerate(c.runs):
            for k, side in enumerate(("prefill", "decode")):
                s = run.series(g + "/" + side, name)
                if s is not None:
                    y = s.to_numpy(dtype=float) / (1e3 if name == "gpu_power_w" else 1.0)
                    c.plot(ax, i, k, y, side)
        ax.set_ylabel(text, fontsize=8)
        ax.set_ylim(bottom=0)
        ax.set_title(f"{short_name(g)}: {text}", fontsize=8)
        c.events(ax, (g,))
    return c.finish(fig, axes, "disaggregated pools: the prefill and decode sides")


def images(c: Canvas):
    pools = groups_with(c.runs, Run.pools, ("images_out",))
    if not pools:
        return None
    fig, axes = c.figure(len(pools), height=2.4)
    for ax, g in zip(axes, pools):
        for i, run in enumerate(c.runs):
            s = run.series(g, "images_out")
            if s is not None:
                c.plot(ax, i, 0, c.rate(run, s.to_numpy()), "images/s")
            a = run.series(g, "arrivals")
            if a is not None:
                c.plot(ax, i, 1, c.rate(run, a.to_numpy()), "requests arriving/s")
            cap = run.series(g, "capacity_rps")
            if cap is not None:
                c.plot(ax, i, 2, cap.to_numpy(dtype=float), "capacity", style=(0, (1, 2)))
        ax.set_ylabel("per second")
        ax.set_ylim(bottom=0)
        ax.set_title(short_name(g), fontsize=9)
        c.events(ax, (g,))
    return c.finish(fig, axes, "image generation: images/s against the requests arriving")
