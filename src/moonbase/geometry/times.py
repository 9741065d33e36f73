"""Regular time grids and their UTC labels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
from skyfield.timelib import Time, Timescale


def time_grid(
    ts: Timescale, start: datetime, stop: datetime, step: timedelta
) -> tuple[Time, np.ndarray]:
    """Return the instants ``start, start + step, ...`` up to ``stop`` inclusive.

    Returns
    -------
    t : Time
        The instants, for the computations.
    utc : numpy datetime64[ns] array
        The same instants as naive UTC labels, for the labelled results.
    """
    if step <= timedelta(0):
        raise ValueError(f"step must be positive (got {step})")
    start_utc = start.astimezone(UTC)
    count = int((stop - start) / step) + 1
    offsets_s = np.arange(count) * step.total_seconds()
    t = ts.utc(
        start_utc.year,
        start_utc.month,
        start_utc.day,
        start_utc.hour,
        start_utc.minute,
        start_utc.second + start_utc.microsecond * 1e-6 + offsets_s,
    )
    labels = np.datetime64(start_utc.replace(tzinfo=None), "ns") + (offsets_s * 1e9).astype(
        "timedelta64[ns]"
    )
    return t, labels


def utc_labels(t: Time) -> np.ndarray:
    """Return UTC datetime64[ns] labels of ``t`` (leap seconds fold into the next second)."""
    year, month, day, hour, minute, second = (np.atleast_1d(x) for x in t.utc)
    frame = pd.DataFrame({"year": year, "month": month, "day": day, "hour": hour, "minute": minute})
    whole = pd.to_datetime(frame).to_numpy("datetime64[ns]")
    return whole + (np.asarray(second) * 1e9).round().astype("timedelta64[ns]")
