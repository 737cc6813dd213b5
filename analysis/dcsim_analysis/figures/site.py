"""Site figures: IT power per pool, and the facility and grid panels, each drawn only for the
series a run holds (names from DESIGN.md's table and the facility and grid issues):

facility: power stack IT / delivery losses / cooling under the facility total
          (`power_it_w`, `power_losses_w`, `power_cooling_w`, `power_facility_w`); `pue`;
          `water_l`; temperatures (`outdoor_drybulb_c`, `outdoor_wetbulb_c`,
          `inlet_temperature_c`); throttling and plant state (`throttle_factor`,
          `economizer_fraction`, `chiller_cop`).
grid:     `carbon_intensity_g_per_kwh`, `marginal_intensity_g_per_kwh`; `emissions_g`;
          `price_usd_per_mwh`, `cost_usd`; `battery_soc`, `battery_power_w`; supply
          (`grid_import_w`, `solar_w`, `genset_w`, `curtailed_w`).
Sites come first; /fleet stands in when a run has no site series.
"""
from __future__ import annotations

import numpy as np

from ..load import Run, short_name
from .base import Canvas, groups_with


def _site_groups(run: Run) -> list[str]:
    return run.sites() or (["/fleet"] if "/fleet" in run.groups else [])


def power(c: Canvas):
    """IT power per site, stacked per pool for one run; per-pool lines when comparing."""
    sites = groups_with(c.runs, _site_groups, ("power_it_w",))
    pools = groups_with(c.runs, Run.pools, ("power_w",))
    if not sites and not pools:
        return None
    fig, (ax,) = c.figure(1, height=3.6)
    for i, run in enumerate(c.runs):
        mine = [g for g in pools if run.series(g, "power_w") is not None]
        if not c.multi and len(mine) > 1:
            ys = [np.nan_to_num(run.series(g, "power_w").to_numpy(dtype=float) / 1e3) for g in mine]
            ax.stackplot(c.x(run), ys, labels=[short_name(g) for g in mine], alpha=0.75)
        elif c.multi or not sites:
            for k, g in enumerate(mine):
                c.plot(ax, i, k + 1, run.series(g, "power_w").to_numpy(dtype=float) / 1e3, short_name(g))
        for g in sites:
            s = run.series(g, "power_it_w")
            if s is not None:
                c.plot(ax, i, 0, s.to_numpy(dtype=float) / 1e3, f"{short_name(g)} IT total",
                       color="black" if not c.multi else None,
                       style="--" if not c.multi and len(mine) > 1 else None)
    c.events(ax, tuple(sites + pools))
    ax.set_ylabel("IT power (kW)")
    ax.set_ylim(bottom=0)
    return c.finish(fig, [ax], "IT power (GPUs and servers' non-GPU part)" +
                    (", stacked per pool" if not c.multi and len(pools) > 1 else ""))


def _panel_set(c: Canvas, panels):
    """[(panel spec, sites having it)] for the panels some site of some run has."""
    out = []
    for spec in panels:
        names = [n for n, _ in spec[1]]
        sites = groups_with(c.runs, _site_groups, names)
        if sites:
            out.append((spec, sites))
    return out


def _draw(c: Canvas, panels, title: str):
    present = _panel_set(c, panels)
    if not present:
        return None
    fig, axes = c.figure(len(present), height=2.3)
    for ax, ((ylabel, series, scale, rate), sites) in zip(axes, present):
        if series[0][0] == "power_facility_w" and not c.multi and len(sites) == 1:
            _stack(c, ax, sites[0], series, scale)
            ax.set_ylabel(ylabel, fontsize=8)
            c.events(ax, tuple(sites))
            continue
        k = 0
        for g in sites:
            for name, text in series:
                for i, run in enumerate(c.runs):
                    s = run.series(g, name)
                    if s is None:
                        continue
                    y = s.to_numpy(dtype=float)
                    y = (c.rate(run, y) if rate else y) / scale
                    c.plot(ax, i, k, y, f"{short_name(g)} {text}" if len(sites) > 1 else text)
                k += 1
        ax.set_ylabel(ylabel, fontsize=8)
        c.events(ax, tuple(sites))
    return c.finish(fig, axes, title)


def _stack(c: Canvas, ax, site: str, series, scale: float) -> None:
    """IT, delivery losses and cooling stacked, the facility total as a line over them (the gap
    between them is the facility's other loads)."""
    run = c.runs[0]
    parts = [(n, t) for n, t in series[1:] if run.series(site, n) is not None]
    if parts:
        ys = [np.nan_to_num(run.series(site, n).to_numpy(dtype=float) / scale) for n, _ in parts]
        ax.stackplot(c.x(run), ys, labels=[t for _, t in parts], alpha=0.7)
    total = run.series(site, series[0][0])
    if total is not None:
        c.plot(ax, 0, 0, total.to_numpy(dtype=float) / scale, series[0][1], color="black")
    ax.set_ylim(bottom=0)


# (y label, [(series, legend)], divide by, per-step amount -> per-hour rate?)
FACILITY = [
    ("power (kW)", [("power_facility_w", "facility total"), ("power_it_w", "IT"),
                    ("power_cooling_w", "cooling"), ("power_losses_w", "delivery losses")], 1e3, False),
    ("PUE", [("pue", "PUE")], 1.0, False),
    ("water (L/h)", [("water_l", "water")], 1 / 3600, True),
    ("temperature (°C)", [("outdoor_drybulb_c", "outdoor dry bulb"), ("outdoor_wetbulb_c", "outdoor wet bulb"),
                          ("inlet_temperature_c", "GPU inlet")], 1.0, False),
    ("factor", [("throttle_factor", "throttle factor"), ("economizer_fraction", "economizer fraction")], 1.0, False),
    ("chiller COP", [("chiller_cop", "chiller COP")], 1.0, False),
]

GRID = [
    ("intensity (g/kWh)", [("carbon_intensity_g_per_kwh", "average"),
                           ("marginal_intensity_g_per_kwh", "marginal")], 1.0, False),
    ("emissions (kg/h)", [("emissions_g", "emissions")], 1e3 / 3600, True),
    ("price (USD/MWh)", [("price_usd_per_mwh", "price")], 1.0, False),
    ("cost (USD/h)", [("cost_usd", "cost")], 1 / 3600, True),
    ("battery state of charge", [("battery_soc", "state of charge")], 1.0, False),
    ("power (kW)", [("grid_import_w", "grid import"), ("battery_power_w", "battery"), ("solar_w", "solar"),
                    ("genset_w", "gensets"), ("curtailed_w", "curtailed")], 1e3, False),
]


def facility(c: Canvas):
    # The IT line alone is the power figure: draw this one only with a facility series.
    if not groups_with(c.runs, _site_groups, [n for p in FACILITY for n, _ in p[1] if n != "power_it_w"]):
        return None
    return _draw(c, FACILITY, "facility: power stack, PUE, water, temperatures, throttling")


def grid(c: Canvas):
    return _draw(c, GRID, "grid: carbon intensity, emissions, price and cost, battery, supply")
