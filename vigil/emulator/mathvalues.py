"""Values of metric math evaluation (scalar, time series, array of time series) and the grid they live on.

Series are aligned on one grid: ``env.times[i]`` is the start (epoch seconds) of datapoint ``i``, None is a missing
datapoint. Arithmetic never produces NaN or infinity: a result that is not a finite number (division by zero, log of
a negative number, overflow) is a dropped datapoint, as the user guide says for division by zero.

>>> finite(1.0 / 4), finite(float("inf")), finite(None)
(0.25, None, None)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

Point = float | None


@dataclass(frozen=True)
class Scalar:
    """A single number (S); None when it has no value (e.g. ``MAX`` of a series with no datapoint)."""

    value: Point


@dataclass(frozen=True)
class Series:
    """One time series (TS) on the grid; ``id`` is the metric id it came from (used by ``METRICS('x')``, SORT)."""

    values: list[Point]
    id: str = ""


@dataclass(frozen=True)
class SeriesArray:
    """An array of time series (TS[])."""

    items: list[Series] = field(default_factory=list)


Value = Scalar | Series | SeriesArray


@dataclass(frozen=True)
class Env:
    """The grid and the input series an expression is evaluated over."""

    series: Mapping[str, Sequence[Point]]
    times: Sequence[int]
    period: int
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Number of datapoints on the grid."""
        return len(self.times)


def finite(value: Point) -> Point:
    """``value`` when it is a finite number, else None (a dropped datapoint)."""
    if value is None or isinstance(value, complex) or not math.isfinite(value):
        return None
    return value


def safe(op: Callable[[float, float], float], a: float, b: float) -> Point:
    """``op(a, b)``, or None on division by zero, overflow, a complex result or a non-finite value."""
    try:
        result = op(a, b)
    except (ZeroDivisionError, OverflowError, ValueError):
        return None
    return finite(result)


def map_points(series: Series, fn: Callable[[float], Point]) -> Series:
    """Apply ``fn`` to every present datapoint (missing stays missing; a non-finite result is dropped)."""
    out: list[Point] = []
    for v in series.values:
        if v is None:
            out.append(None)
            continue
        try:
            out.append(finite(fn(v)))
        except (ValueError, OverflowError, ZeroDivisionError):
            out.append(None)
    return Series(out, series.id)


def each(value: Series | SeriesArray, fn: Callable[[Series], Series]) -> Series | SeriesArray:
    """Apply a series function to a series, or to every series of an array."""
    if isinstance(value, SeriesArray):
        return SeriesArray([fn(s) for s in value.items])
    return fn(value)


def present(values: Sequence[Point]) -> list[float]:
    """The datapoints that exist."""
    return [v for v in values if v is not None]


def columns(items: Sequence[Series], size: int) -> list[list[float] | None]:
    """Per grid index, the values of all series with missing counted as 0, or None where every series is missing.

    The user guide: "Missing values in a time series are treated as 0" for arithmetic and ``AVG`` of an array;
    a timestamp where no series has a value produces no datapoint.
    """
    out: list[list[float] | None] = []
    for i in range(size):
        column = [s.values[i] for s in items]
        out.append(None if all(v is None for v in column) else [0.0 if v is None else v for v in column])
    return out
