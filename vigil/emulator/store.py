"""Raw metric samples as CloudWatch stores them, and the datapoints an alarm reads from them.

CloudWatch keeps standard-resolution data at one-minute granularity and high-resolution data (EMF
``StorageResolution: 1``, PutMetricData ``StorageResolution=1``) at one-second granularity; a period's
statistic is computed over every sample whose timestamp falls in ``[start, start + period)``. The store keeps the
raw values per bucket so every statistic, percentiles and trimmed means included, is exact.

Data fetched from CloudWatch itself arrives pre-aggregated: per-minute statistic sets (SampleCount, Sum,
Minimum, Maximum; enough for the five basic statistics at any period) and, for statistics that cannot be merged
(percentiles, trimmed means), datapoints computed by CloudWatch at the alarm's own period.

Example::

    >>> store = MetricStore()
    >>> key = MetricKey.of("Vigil/API", "http.requests", {"Service": "api"})
    >>> for minute in range(5):
    ...     store.add(key, 60.0 * minute + 1, [1.0, 2.0])
    >>> store.datapoints(key, "Sum", 300, [300])
    [15.0]
    >>> store.datapoints(key, "SampleCount", 60, [60, 120, 600])
    [2.0, 2.0, None]
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from vigil.emulator.statistics import aggregate, combinable

STANDARD_RESOLUTION = 60
HIGH_RESOLUTION = 1
_SHORT = 16  # windows of up to this many buckets are summed exactly with math.fsum


class MetricKey(NamedTuple):
    """One CloudWatch metric: namespace, name and the exact dimension set (sorted by dimension name)."""

    namespace: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, namespace: str, metric: str, dimensions: Mapping[str, str]) -> MetricKey:
        """The key of a metric with ``dimensions`` (order does not matter).

        >>> MetricKey.of("N", "m", {"b": "2", "a": "1"}).dimensions
        (('a', '1'), ('b', '2'))
        """
        return cls(namespace, metric, tuple(sorted((str(k), str(v)) for k, v in dimensions.items())))

    def label(self) -> str:
        """``Namespace metric {A=1, B=2}`` for messages and plots."""
        dims = ", ".join(f"{k}={v}" for k, v in self.dimensions)
        return f"{self.namespace} {self.metric}" + (f" {{{dims}}}" if dims else "")


class _Compiled:
    """Per-bucket count/sum/min/max and prefix sums of one series, rebuilt after the series changes."""

    __slots__ = ("counts", "maxima", "minima", "prefix_counts", "prefix_sums", "starts", "sums")

    def __init__(self, series: _Series) -> None:
        self.starts = sorted(series.raw.keys() | series.sets.keys())
        self.counts: list[float] = []
        self.sums: list[float] = []
        self.minima: list[float] = []
        self.maxima: list[float] = []
        for start in self.starts:
            raw = series.raw.get(start, [])
            stat_set = series.sets.get(start)
            count, total = float(len(raw)), math.fsum(raw)
            low = min(raw) if raw else math.inf
            high = max(raw) if raw else -math.inf
            if stat_set is not None:
                count, total = count + stat_set[0], total + stat_set[1]
                low, high = min(low, stat_set[2]), max(high, stat_set[3])
            self.counts.append(count)
            self.sums.append(total)
            self.minima.append(low)
            self.maxima.append(high)
        self.prefix_counts = [0.0, *itertools.accumulate(self.counts)]
        self.prefix_sums = [0.0, *itertools.accumulate(self.sums)]

    def basic(self, stat: str, lo: int, hi: int) -> float | None:
        """A basic statistic over buckets ``lo:hi`` (exact sums for short windows, prefix sums for long ones)."""
        if hi - lo <= _SHORT:
            count = math.fsum(self.counts[lo:hi])
            total = math.fsum(self.sums[lo:hi]) if stat in ("Sum", "Average") else 0.0
        else:
            count = self.prefix_counts[hi] - self.prefix_counts[lo]
            total = self.prefix_sums[hi] - self.prefix_sums[lo]
        if count <= 0:
            return None
        if stat == "SampleCount":
            return count
        if stat == "Sum":
            return total
        if stat == "Average":
            return total / count
        if stat == "Minimum":
            return min(self.minima[lo:hi])
        return max(self.maxima[lo:hi])


class _Series:
    """Buckets of one metric: start -> raw values, or start -> [count, sum, min, max] statistic sets."""

    __slots__ = ("_compiled", "raw", "resolution", "sets", "unit")

    def __init__(self) -> None:
        self.raw: dict[int, list[float]] = {}
        self.sets: dict[int, list[float]] = {}
        self.resolution = STANDARD_RESOLUTION
        self.unit: str | None = None
        self._compiled: _Compiled | None = None

    def changed(self) -> None:
        self._compiled = None

    def compiled(self) -> _Compiled:
        if self._compiled is None:
            self._compiled = _Compiled(self)
        return self._compiled

    def starts(self) -> list[int]:
        return self.compiled().starts

    def values(self, starts: list[int]) -> list[float] | None:
        """Raw values of the given buckets, concatenated; None when a statistic set hides them.

        The API reference (PutMetricData/GetMetricStatistics): percentiles of data published as statistic sets are
        available only when "The SampleCount value of the statistic set is 1" or "The Min and the Max values of the
        statistic set are equal"; such a set is its SampleCount samples of that value.
        """
        out: list[float] = []
        for bucket in starts:
            raw = self.raw.get(bucket)
            if raw is not None:
                out.extend(raw)
            stat_set = self.sets.get(bucket)
            if stat_set is not None:
                count, _, low, high = stat_set
                if low != high and count != 1:
                    return None
                out.extend([low] * int(count))
        return out


class MetricStore:
    """Samples of many metrics; see the module docstring."""

    def __init__(self) -> None:
        self._series: dict[MetricKey, _Series] = {}
        self._aggregated: dict[tuple[MetricKey, str, int], dict[int, float]] = {}
        self._samples = 0

    def __len__(self) -> int:
        """Number of values and statistic sets stored."""
        return self._samples

    def _get(self, key: MetricKey) -> _Series:
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = _Series()
        return series

    def add(
        self,
        key: MetricKey,
        timestamp: float,
        values: float | Sequence[float],
        *,
        high_resolution: bool = False,
        unit: str | None = None,
    ) -> None:
        """Add one or several samples taken at ``timestamp`` (epoch seconds); non-finite values are ignored."""
        series = self._get(key)
        if high_resolution:
            series.resolution = HIGH_RESOLUTION
        if unit is not None and series.unit is None:
            series.unit = unit
        resolution = HIGH_RESOLUTION if high_resolution else STANDARD_RESOLUTION
        bucket = int(timestamp // resolution) * resolution
        items = [float(values)] if isinstance(values, int | float) else [float(v) for v in values]
        items = [v for v in items if math.isfinite(v)]
        if not items:
            return
        raw = series.raw.get(bucket)
        if raw is None:
            series.raw[bucket] = items
        else:
            raw.extend(items)
        series.changed()
        self._samples += len(items)

    def add_statistic_set(
        self, key: MetricKey, timestamp: float, *, sample_count: float, total: float, minimum: float, maximum: float
    ) -> None:
        """Add one minute of pre-aggregated data (CloudWatch's own per-minute statistic set)."""
        if sample_count <= 0:
            return
        series = self._get(key)
        bucket = int(timestamp // STANDARD_RESOLUTION) * STANDARD_RESOLUTION
        current = series.sets.get(bucket)
        if current is None:
            series.sets[bucket] = [sample_count, total, minimum, maximum]
        else:
            current[0] += sample_count
            current[1] += total
            current[2] = min(current[2], minimum)
            current[3] = max(current[3], maximum)
        series.changed()
        self._samples += 1

    def add_aggregated(self, key: MetricKey, stat: str, period: int, timestamp: float, value: float) -> None:
        """Add a datapoint CloudWatch computed itself for ``stat`` over ``[timestamp, timestamp + period)``."""
        self._get(key)
        self._aggregated.setdefault((key, stat, period), {})[int(timestamp)] = float(value)
        self._samples += 1

    def keys(self) -> list[MetricKey]:
        """Every metric with data, sorted."""
        return sorted(self._series)

    def raw(self, key: MetricKey) -> Mapping[int, Sequence[float]]:
        """The raw samples of ``key`` by bucket start (empty for data fetched pre-aggregated); read-only.

        >>> store = MetricStore()
        >>> store.add(MetricKey.of("N", "m", {}), 61.0, [2.0, 3.0])
        >>> dict(store.raw(MetricKey.of("N", "m", {})))
        {60: [2.0, 3.0]}
        """
        series = self._series.get(key)
        return series.raw if series else {}

    def unit(self, key: MetricKey) -> str | None:
        """The unit the first sample of ``key`` carried, if any."""
        series = self._series.get(key)
        return series.unit if series else None

    def resolution(self, key: MetricKey) -> int:
        """Storage resolution of ``key`` in seconds (1 for high-resolution metrics, else 60)."""
        series = self._series.get(key)
        return series.resolution if series else STANDARD_RESOLUTION

    def time_range(self) -> tuple[float, float] | None:
        """Earliest bucket start and latest bucket end over every metric, or None when empty."""
        lows: list[float] = []
        highs: list[float] = []
        for series in self._series.values():
            starts = series.starts()
            if starts:
                lows.append(starts[0])
                highs.append(starts[-1] + series.resolution)
        for points in self._aggregated.values():
            if points:
                lows.append(min(points))
                highs.append(max(points))
        return (min(lows), max(highs)) if lows else None

    def datapoints(self, key: MetricKey, stat: str, period: int, times: Sequence[int]) -> list[float | None]:
        """The value of ``stat`` over ``[t - period, t)`` for each period end ``t``; None where there is no data."""
        aggregated = self._aggregated.get((key, stat, period))
        if aggregated is not None:
            return _from_aggregated(aggregated, period, times)
        series = self._series.get(key)
        if series is None:
            return [None] * len(times)
        compiled = series.compiled()
        starts = compiled.starts
        out: list[float | None] = []
        basic = combinable(stat)
        for end in times:
            lo = bisect_left(starts, end - period)
            hi = bisect_left(starts, end, lo)
            if lo == hi:
                out.append(None)
            elif basic:
                out.append(compiled.basic(stat, lo, hi))
            else:
                values = series.values(starts[lo:hi])
                out.append(aggregate(values, stat) if values else None)  # None: no samples, or sets hide them
        return out


def _from_aggregated(points: dict[int, float], period: int, times: Sequence[int]) -> list[float | None]:
    """Server-side datapoints on CloudWatch's grid: each time reads the latest period that ended by then."""
    starts = sorted(points)
    out: list[float | None] = []
    for end in times:
        index = bisect_right(starts, end - period) - 1
        out.append(points[starts[index]] if index >= 0 and starts[index] + 2 * period > end else None)
    return out
