"""Time axes: epoch seconds as matplotlib date numbers, HH:MM labels (the one place touching matplotlib.dates)."""

from __future__ import annotations

from matplotlib.axis import Axis
from matplotlib.dates import AutoDateLocator, DateFormatter, date2num

from vigil.report.style import utc


def date_number(epoch: float) -> float:
    """matplotlib's date number of epoch seconds (days since matplotlib's epoch, 1970-01-01 by default).

    >>> date_number(86400.0)
    1.0
    """
    return float(date2num(utc(epoch)))  # type: ignore[no-untyped-call]


def time_axis(axis: Axis, max_ticks: int = 6) -> None:
    """UTC ``HH:MM`` tick labels at round times."""
    axis.set_major_locator(AutoDateLocator(maxticks=max_ticks))  # type: ignore[no-untyped-call]
    axis.set_major_formatter(DateFormatter("%H:%M"))  # type: ignore[no-untyped-call]
