"""A synthetic dcsim run file with every group of series a report draws, built with h5py after
docs/output-format.md and the series of DESIGN.md's table and the facility and grid issues
(12, 13): an LLM pool, a disaggregated pool with its prefill and decode sides, an image pool,
a fifo pool shared by two workloads, a viral workload with tiers and retries, the facility and
grid series of a site, a warm-up, a start with a UTC offset, operator events and a /requests
sample. Not a test module: tests call ``write_full_run(path, **options)``.
"""
from __future__ import annotations

import h5py
import numpy as np

STEP = 300.0
N = 96                                  # 8 h
TIME = np.arange(1, N + 1) * STEP
DT = np.full(N, STEP)
HOURS = TIME / 3600.0
WARMUP_S = 3600.0

SCENARIO = """name: "synthetic"
description: "Every group of series a report draws."
seed: 11
start: "2024-07-01T09:00:00+02:00"
horizon: "8 h"
record:
  step: "5 min"
  warmup: "1 h"
  requests: "0.5"
sites:
  - name: "dc1"
    pools:
      - name: "chat"
        servers: 2
        gpus_per_server: 8
        serving: "llm"
        queue_capacity: 1000
        llm: {tp: 1}
      - name: "split"
        servers: 2
        serving: "disaggregated"
        queue_capacity: 1000
      - name: "image"
        servers: 1
        serving: "diffusion"
        queue_capacity: 200
      - name: "batch"
        servers: 1
        gpus_per_server: 8
        gpus_per_replica: 1
        serving: "fifo"
        queue_capacity: 300
        service: {model: fixed, time: "4 s"}
workloads:
  - {name: "chat", pool: "dc1/chat", slo_latency: "20 s", class: {model: llm, slo_ttft: "2 s", slo_tpot: "100 ms"}}
  - {name: "split", pool: "dc1/split", slo_latency: "20 s", class: {model: llm, slo_ttft: "1 s", slo_tpot: "50 ms"}}
  - name: "images"
    pool: "dc1/image"
    slo_latency: "60 s"
    class: {model: image}
    arrivals: {model: viral}
    tiers: [{name: "free", share: "0.8", daily_limit: 3}, {name: "paid", share: "0.2", daily_limit: 0}]
    retry: {probability: "0.5"}
  - {name: "nightly", pool: "dc1/batch", slo_latency: "600 s", class: {model: llm}}
  - {name: "adhoc", pool: "dc1/batch", slo_latency: "600 s", class: {model: llm}}
"""

FACILITY = {"power_cooling_w": "W", "power_losses_w": "W", "power_facility_w": "W", "pue": "1",
            "water_l": "L", "outdoor_drybulb_c": "degC", "outdoor_wetbulb_c": "degC",
            "inlet_temperature_c": "degC", "throttle_factor": "1", "economizer_fraction": "1",
            "chiller_cop": "1"}
GRID = {"grid_import_w": "W", "carbon_intensity_g_per_kwh": "g/kWh", "marginal_intensity_g_per_kwh": "g/kWh",
        "emissions_g": "g", "price_usd_per_mwh": "USD/MWh", "cost_usd": "USD", "battery_soc": "1",
        "battery_power_w": "W", "solar_w": "W", "genset_w": "W", "curtailed_w": "W"}
SUMS = {"arrivals", "admitted", "rejected", "completed", "first_attempts", "retries", "tokens_out",
        "images_out", "preemptions", "prefix_hit_tokens", "kv_bytes", "energy_j", "gpu_energy_j",
        "energy_it_j", "energy_gpu_j", "water_l", "emissions_g", "cost_usd", "energy_facility_j"}

EVENTS = [(12.0, "replica_ready", "/sites/dc1/pools/chat/replicas/0", 12.0, "weights loaded"),
          (12.0, "replica_ready", "/sites/dc1/pools/batch/replicas/0", 12.0, "weights loaded"),
          (3.5 * 3600, "rate_limit", "/workloads/images", 3.0, "free tier limited to 3 images a day"),
          (5.0 * 3600, "overload", "/sites/dc1/pools/image", np.nan, "backlog grows"),
          (6.0 * 3600, "power_cap", "/sites/dc1/delivery/pdu0", 350.0, "PDU over its rating")]


def _wave(mean, amp=0.3, phase=0.0):
    return mean * (1 + amp * np.sin(2 * np.pi * HOURS / 8 + phase))


def pool_series(arrivals_per_s, p99):
    a = arrivals_per_s * DT
    rejected = np.where(HOURS > 5, 0.2 * a, 0.0)
    power = 2000 + 3000 * arrivals_per_s / arrivals_per_s.max()
    return {"arrivals": a, "admitted": a - rejected, "rejected": rejected, "completed": 0.97 * (a - rejected),
            "queue_length": np.where(HOURS > 5, 150.0, 5.0), "running": np.full(N, 8.0),
            "replicas_active": np.full(N, 8.0), "gpu_utilization": np.clip(arrivals_per_s / 10, 0, 1),
            "latency_p50_s": 0.4 * p99, "latency_p99_s": p99, "gpu_power_w": 0.7 * power,
            "gpu_energy_j": 0.7 * power * DT, "power_w": power, "energy_j": power * DT}


def write_full_run(path, *, facility=True, grid=True, complete=True, warmup=True, events=True,
                   requests=True, overrides="sites.dc1.pools.chat.servers=2"):
    scenario = SCENARIO if warmup else SCENARIO.replace('  warmup: "1 h"\n', "")
    with h5py.File(path, "w") as f:
        a = f.attrs
        for k, v in {"dcsim_version": "0.1.0-synthetic", "scenario_name": "synthetic",
                     "scenario_path": "synthetic.yaml", "scenario": scenario,
                     "started_utc": "2026-01-01T00:00:00Z", "fidelity": "request",
                     "stop_reason": "horizon" if complete else "unfinished"}.items():
            a[k] = v
        if overrides:
            a["overrides"] = overrides
        a["format_version"] = np.int32(1)
        a["seed"] = np.uint64(11)
        a["horizon_s"] = float(TIME[-1])
        a["record_step_s"] = STEP
        a["complete"] = np.int32(1 if complete else 0)
        a["simulated_s"] = float(TIME[-1])
        a["wall_seconds"] = 0.5
        t = f.create_dataset("time", data=TIME, maxshape=(None,), chunks=(64,))
        t.attrs["units"] = "s"
        t.make_scale("time")

        def put(group, name, values, units="1"):
            d = f.require_group(group).create_dataset(name, data=np.asarray(values, dtype="f8"),
                                                      maxshape=(None,), chunks=(64,))
            d.attrs["units"] = units
            d.attrs["long_name"] = name
            d.attrs["aggregation"] = "sum" if name in SUMS else "mean"
            d.dims[0].attach_scale(t)

        def units_of(name):
            return "J" if name.endswith("_j") else "W" if name.endswith("_w") else "s" if name.endswith("_s") else "1"

        pools = {"chat": pool_series(_wave(6.0), np.full(N, 3.0)),
                 "split": pool_series(_wave(4.0, phase=1), np.full(N, 2.0)),
                 "image": pool_series(_wave(0.5, 0.8), np.linspace(5, 90, N)),
                 "batch": pool_series(_wave(1.5, 0.5), np.full(N, 30.0))}
        pools["chat"].update(tokens_out=pools["chat"]["completed"] * 200, preemptions=np.where(HOURS > 6, 3.0, 0.0),
                             ttft_p99_s=np.linspace(0.2, 3.0, N), tpot_p99_s=np.full(N, 0.03),
                             kv_utilization=np.linspace(0.2, 0.95, N), prefix_hit_tokens=np.full(N, 1000.0))
        pools["split"].update(tokens_out=pools["split"]["completed"] * 150, preemptions=np.zeros(N),
                              ttft_p99_s=np.full(N, 0.5), tpot_p99_s=np.full(N, 0.02),
                              kv_transfers=np.full(N, 4.0), kv_transfer_p50_s=np.full(N, 0.01),
                              kv_transfer_p99_s=np.full(N, 0.05), kv_bytes=np.full(N, 5e9))
        pools["image"]["images_out"] = pools["image"]["completed"]
        for pool, cols in pools.items():
            for name, values in cols.items():
                put(f"/sites/dc1/pools/{pool}", name, values, units_of(name))
        for side in ("prefill", "decode"):
            for name in ("arrivals", "completed", "queue_length", "running", "gpu_utilization",
                         "kv_utilization", "gpu_power_w", "gpu_energy_j"):
                put(f"/sites/dc1/pools/split/{side}", name, pools["split"].get(name, np.full(N, 0.5)), units_of(name))
        it = sum(p["power_w"] for p in pools.values())
        put("/sites/dc1", "power_it_w", it, "W")
        put("/sites/dc1", "energy_it_j", it * DT, "J")
        put("/sites/dc1", "power_gpu_w", 0.7 * it, "W")
        put("/sites/dc1", "energy_gpu_j", 0.7 * it * DT, "J")
        if facility:
            cooling, losses = 0.25 * it, 0.06 * it
            total = it + cooling + losses + 500
            values = {"power_cooling_w": cooling, "power_losses_w": losses, "power_facility_w": total,
                      "pue": total / it, "water_l": 0.5 * it * DT / 3.6e6, "outdoor_drybulb_c": _wave(30, 0.2),
                      "outdoor_wetbulb_c": _wave(22, 0.1), "inlet_temperature_c": _wave(27, 0.1),
                      "throttle_factor": np.where(HOURS > 6, 0.9, 1.0), "economizer_fraction": np.zeros(N),
                      "chiller_cop": _wave(4.5, 0.1)}
            for name, u in FACILITY.items():
                put("/sites/dc1", name, values[name], u)
            put("/sites/dc1", "energy_facility_j", total * DT, "J")
        if grid:
            intensity = _wave(380, 0.2)
            values = {"grid_import_w": it * 1.2, "carbon_intensity_g_per_kwh": intensity,
                      "marginal_intensity_g_per_kwh": intensity * 1.5,
                      "emissions_g": intensity * it * 1.2 * DT / 3.6e6, "price_usd_per_mwh": _wave(60, 0.5),
                      "cost_usd": _wave(60, 0.5) * it * 1.2 * DT / 3.6e9, "battery_soc": np.linspace(0.9, 0.3, N),
                      "battery_power_w": np.full(N, 1000.0), "solar_w": np.clip(_wave(3000, 1.0), 0, None),
                      "genset_w": np.zeros(N), "curtailed_w": np.zeros(N)}
            for name, u in GRID.items():
                put("/sites/dc1", name, values[name], u)
        wl = {"chat": pools["chat"], "split": pools["split"], "images": pools["image"]}
        half = {k: v / 2 for k, v in pools["batch"].items()}
        wl.update(nightly=half, adhoc=half)
        for name, cols in wl.items():
            for s in ("arrivals", "admitted", "rejected", "completed", "latency_p99_s"):
                put(f"/workloads/{name}", s, cols[s], units_of(s))
            put(f"/workloads/{name}", "first_attempts", cols["arrivals"] * 0.8)
            put(f"/workloads/{name}", "retries", cols["arrivals"] * 0.2 if name == "images" else np.zeros(N))
            put(f"/workloads/{name}", "slo_attainment", np.where(HOURS > 5, 0.3, 0.99))
        put("/workloads/images", "active_users", np.linspace(100, 5000, N))
        put("/fleet", "power_it_w", it, "W")
        put("/fleet", "energy_it_j", it * DT, "J")

        sdt = np.dtype([("time_s", "f8"), ("kind", h5py.string_dtype()), ("subject", h5py.string_dtype()),
                        ("value", "f8"), ("detail", h5py.string_dtype())])
        f.create_dataset("events", data=np.array(EVENTS if events else [], dtype=sdt), maxshape=(None,))
        if requests:
            rng = np.random.default_rng(3)
            n = 4000
            rdt = np.dtype([("workload", "<u4"), ("id", "<u8"), ("kind", "u1"), ("tier", "u1"), ("attempt", "u1"),
                            ("outcome", "u1"), ("arrival_s", "<f8"), ("start_s", "<f8"), ("first_token_s", "<f8"),
                            ("completion_s", "<f8"), ("prompt_tokens", "<u4"), ("output_tokens", "<u4"),
                            ("images", "<u4"), ("energy_j", "<f8")])
            r = np.zeros(n, dtype=rdt)
            r["workload"] = 2
            r["id"] = np.arange(n)
            r["kind"] = 1
            r["tier"] = rng.random(n) < 0.2
            r["arrival_s"] = np.sort(rng.uniform(0, TIME[-1], n))
            r["outcome"] = np.where((r["arrival_s"] > 5 * 3600) & (rng.random(n) < 0.3), 1, 0)
            r["completion_s"] = np.where(r["outcome"] == 0, r["arrival_s"] + 10, np.nan)
            d = f.create_dataset("requests", data=r, maxshape=(None,), chunks=(1024,))
            d.attrs["workloads"] = "chat,split,images,nightly,adhoc"
            d.attrs["kind_codes"] = "0=llm,1=image,2=video"
            d.attrs["outcome_codes"] = "0=completed,1=rejected,2=dropped"
            d.attrs["sample_fraction"] = 0.5
        s = f.create_group("summary")
        arrived = float(sum(p["arrivals"].sum() for p in pools.values()))
        for k, v, u in (("requests_arrived", arrived, "1"), ("energy_it_j", float((it * DT).sum()), "J"),
                        ("simulated_s", float(TIME[-1]), "s")):
            s.attrs[k] = v
            s.attrs[k + "_units"] = u
    return path
