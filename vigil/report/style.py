"""Colours and number formats shared by the pictures (close to the CloudWatch console's)."""

from __future__ import annotations

import datetime as dt
import math

STATE_COLOURS = {"ALARM": "#d13212", "OK": "#1d8102", "INSUFFICIENT_DATA": "#879596"}
LINE_COLOURS = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
]  # fmt: skip
PAGE = "#f2f3f3"
PANEL_EDGE = "#d5dbdb"
TEXT = "#16191f"
MUTED = "#687078"


def human(value: float | None) -> str:
    """A short number: ``1.23k``, ``4.5M``, ``0.0123``, ``-`` for no data.

    >>> human(1234.5), human(0.012345), human(None), human(42.0), human(3_400_000)
    ('1.23k', '0.0123', '-', '42', '3.4M')
    """
    if value is None or not math.isfinite(value):
        return "-"
    magnitude = abs(value)
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if magnitude >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:.3g}"


def utc(epoch: float) -> dt.datetime:
    """A UTC datetime for matplotlib's date axis."""
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC)
