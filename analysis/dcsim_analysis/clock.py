"""Calendar time of a run: simulated seconds -> local wall-clock datetimes for axes and tables.

t = 0 is the scenario's `start` (scenario.ScenarioView.start_text); the display time zone is the
site's where the scenario gives one, else the offset written in `start`, else UTC
(ScenarioView.display_tz). `Clock.local(seconds)` returns naive numpy datetime64 values in that
zone, which is what matplotlib's date axes draw.
"""
from __future__ import annotations

from datetime import timezone

import numpy as np
import pandas as pd

from .scenario import ScenarioView, tz_label


class Clock:
    def __init__(self, start: pd.Timestamp, tz, why: str = ""):
        self.start = start                       # tz-aware, UTC
        self.tz = tz
        self.label = tz_label(tz)
        self.why = why

    @classmethod
    def of(cls, view: ScenarioView) -> "Clock":
        tz, why = view.display_tz()
        try:
            start = pd.Timestamp(view.start_text)
        except (ValueError, TypeError):
            start = pd.Timestamp("2025-01-01T00:00:00Z")
            why += " (start unreadable: 2025-01-01 assumed)"
        start = start.tz_localize("UTC") if start.tzinfo is None else start.tz_convert("UTC")
        return cls(start, tz, why)

    def local(self, seconds) -> np.ndarray:
        """Simulated seconds -> naive datetime64[ns] in the display zone."""
        s = np.asarray(seconds, dtype=float)
        ok = np.isfinite(s)
        out = np.full(s.shape, np.datetime64("NaT"), dtype="datetime64[ns]")
        if ok.any():
            stamps = pd.DatetimeIndex(self.start + pd.to_timedelta(s[ok], unit="s"))
            if self.tz is not timezone.utc:
                stamps = stamps.tz_convert(self.tz)
            out[ok] = stamps.tz_localize(None).to_numpy()
        return out

    def text(self, seconds: float) -> str:
        """'2023-03-20 08:30' (local) for a table; with seconds when not on a whole minute."""
        if seconds is None or not np.isfinite(seconds):
            return "n/a"
        t = pd.Timestamp(self.local([seconds])[0])
        return t.strftime("%Y-%m-%d %H:%M:%S" if t.second else "%Y-%m-%d %H:%M")

    @property
    def axis_label(self) -> str:
        return f"local time ({self.label})" if self.label != "UTC" else "time (UTC)"
