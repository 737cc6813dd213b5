"""Numbers as a planner reads them: `fmt` for raw table cells, `friendly` for a /summary total
in a faster unit, `human(value, unit)` for a Metric (energy in kWh or MWh, power in kW or MW,
shares in %, latencies in ms or s, water in L or m³, emissions in kg or t)."""
from __future__ import annotations

import math


def fmt(value) -> str:
    """A number for a table: integers without decimals, others with 6 significant digits."""
    if value is None:
        return "n/a"
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value).replace("|", "\\|").replace("\n", " ")
    if math.isnan(v):
        return "n/a"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return f"{v:.6g}"


def friendly(name: str, value: float, units: str) -> str:
    """The same quantity in a unit people read faster (kWh for J, h for long times, ...)."""
    v = float(value)
    if math.isnan(v):
        return ""
    if units == "J":
        kwh = v / 3.6e6
        return f"{kwh:,.3f} kWh" + (f" ({kwh / 1e3:,.3f} MWh)" if kwh >= 1e3 else "")
    if units == "s":
        if name == "simulated_s" or abs(v) >= 3600:
            return f"{v / 3600:,.3f} h"
        if abs(v) < 1:
            return f"{v * 1e3:,.1f} ms"
        if abs(v) >= 60:
            return f"{v / 60:,.2f} min"
        return ""
    if units == "W":
        return f"{v / 1e3:,.3f} kW"
    if units == "g":
        return f"{v / 1e3:,.3f} kg"
    if units == "L":
        return f"{v / 1e3:,.3f} m³"
    if units == "1":
        if name.startswith("requests_"):
            return f"{v:,.0f}"
        if "attainment" in name or "utilization" in name or "fraction" in name:
            return f"{v * 100:.2f} %"
    return ""


def _sig(v: float, digits: int = 4) -> str:
    if v == 0:
        return "0"
    if abs(v) >= 10 ** digits:
        return f"{v:,.0f}"
    return f"{v:,.{max(0, digits - 1 - int(math.floor(math.log10(abs(v)))))}f}"


def scale_for(unit: str, magnitude: float) -> tuple[float, str]:
    """(divisor, display unit) for a Metric unit at a typical magnitude (so a column or a row
    of a comparison shares one unit)."""
    m = abs(magnitude) if magnitude is not None and math.isfinite(magnitude) else 0.0
    if unit == "J":
        if m >= 3.6e9:
            return (3.6e9, "MWh")
        if m >= 3.6e5:
            return (3.6e6, "kWh")
        return (3600.0, "Wh") if m >= 3.6 else (1.0, "J")
    if unit == "W":
        return (1e6, "MW") if m >= 1e6 else (1e3, "kW") if m >= 1e3 else (1.0, "W")
    if unit == "s":
        return (1e-3, "ms") if 0 < m < 1 else (1.0, "s")
    if unit == "%":
        return (0.01, "%")
    if unit == "g":
        return (1e6, "t") if m >= 1e6 else (1e3, "kg") if m >= 1e3 else (1.0, "g")
    if unit == "L":
        return (1e3, "m³") if m >= 1e4 else (1.0, "L")
    if unit == "/s":
        return (1.0, "/s")
    if unit == "1":
        return (1.0, "")
    return (1.0, unit)


def human(value: float, unit: str, scale: tuple[float, str] | None = None) -> str:
    """'1,234 kWh', '97.50 %', '850 ms', '12,345' (counts)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    v = float(value)
    if math.isinf(v):
        return "inf"
    div, shown = scale or scale_for(unit, v)
    x = v / div
    if unit == "%":
        return f"{x:.2f} %"
    if unit == "1" and float(x).is_integer():
        return f"{x:,.0f}"
    text = _sig(x)
    return f"{text} {shown}".strip()
