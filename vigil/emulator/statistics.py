"""One period's datapoint from its raw samples, for every statistic ``vigil check`` accepts.

The accepted set is :func:`vigil.spec.statistic.parse_statistic` (re-exported here), so check and evaluate read the
same grammar. Semantics follow the CloudWatch user guide, "CloudWatch statistics definitions":

- ``SampleCount``, ``Sum``, ``Average`` (Sum/SampleCount), ``Minimum``, ``Maximum``.
- Percentile ``pP``: the guide defines p95 as the value below which 95 % of the period's data lies and says p99 is
  "the maximum value of the remaining 99 %" once the top 1 % is ignored. It does not publish an interpolation
  method, so Vigil uses the nearest-rank method, which matches that sentence and always returns an observed sample:
  with the n samples sorted, ``pP`` is the sample of rank ``ceil(P/100 * n)`` (at least 1), so ``p0`` is the
  minimum and ``p100`` the maximum. (CloudWatch itself may approximate percentiles of large periods; not modelled.)
- Percentage bounds ``(a%:b%)`` keep the sorted samples of ranks ``floor(a/100*n)+1`` .. ``ceil(b/100*n)``: the lowest
  a % and the highest (100-b) % are removed, and the upper edge is the ``pb`` sample (so ``tm99`` averages exactly the
  samples ``p99`` is the maximum of). An open lower side is 0 %, an open upper side 100 %.
- Value bounds ``(a:b)`` keep samples ``v`` with ``a < v <= b`` (lower exclusive, upper inclusive, as the guide's note
  says); an open side is unbounded.
- ``TM``: mean of the kept samples; None when no sample is kept (e.g. ``TM(150:1000)`` over samples all below 150).
- ``TC``: number of kept samples (0.0 when none is kept). ``TS``: their sum (0.0 when none is kept; the guide defines
  TS as TM x TC, and a sum over no sample is 0).
- ``WM``: samples below/above the bounds count as the edge value (for percentages the lowest/highest kept sample, for
  values the bound itself); None when percentage bounds keep no sample.
- ``PR(a:b)``: percentage (0-100) of samples with ``a < v <= b``; 0.0 when none is in range.
- ``IQM`` is ``TM(25%:75%)``.

Every statistic of an empty period is None (no datapoint), never 0. Every statistic other than the five basic ones
(percentiles, TM, IQM, WM, TC, TS, PR) is None for a period with a negative sample: the API reference says
"Percentile statistics are not available for metrics when any of the metric values are negative numbers", and the
other four families are computed from the same percentile machinery (Vigil applies it per period; CloudWatch may
refuse the metric over the whole requested range).

>>> aggregate([1.0, 2.0, 3.0, 4.0], "Average"), aggregate([], "Sum")
(2.5, None)
>>> aggregate([float(v) for v in range(1, 101)], "tm90"), aggregate([1.0, 5.0, 300.0], "PR(:300)")
(45.5, 100.0)
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache

from vigil.emulator.errors import EvaluateError
from vigil.spec.statistic import BASIC, Statistic, StatisticError, is_statistic, parse_statistic

__all__ = ["Statistic", "aggregate", "combinable", "is_statistic", "parse_statistic"]

_HUNDRED = Fraction(100)
_parse = lru_cache(maxsize=512)(parse_statistic)


def combinable(stat: str) -> bool:
    """True when ``stat`` can be merged from per-minute statistic sets (SampleCount, Sum, Minimum, Maximum, Average).

    >>> combinable("Average"), combinable("p99"), combinable("IQM")
    (True, False, False)
    """
    return stat in BASIC


def aggregate(values: Sequence[float], stat: str) -> float | None:
    """The value of ``stat`` over one period's raw samples, or None when there are none.

    Raises :class:`EvaluateError` for a string that is not a CloudWatch statistic (``vigil check`` rejects the
    same strings).

    >>> aggregate([10.0, 20.0, 30.0, 40.0], "p50"), aggregate([10.0, 20.0, 30.0, 40.0], "IQM")
    (20.0, 25.0)
    >>> aggregate([100.0, 200.0, 1500.0], "TC(150:1000)"), aggregate([100.0, 200.0], "WM(150:1000)")
    (1.0, 175.0)
    """
    try:
        parsed = _parse(stat)
    except StatisticError as exc:
        raise EvaluateError(str(exc)) from exc
    if not values:
        return None
    return compute(values, parsed)


def compute(values: Sequence[float], stat: Statistic) -> float | None:
    """``stat`` over a non-empty sample list (see :func:`aggregate`)."""
    family = stat.family
    if family == "SampleCount":
        return float(len(values))
    if family == "Sum":
        return math.fsum(values)
    if family == "Average":
        return math.fsum(values) / len(values)
    if family == "Minimum":
        return float(min(values))
    if family == "Maximum":
        return float(max(values))
    ordered = sorted(values)
    if ordered[0] < 0:
        return None  # "Percentile statistics are not available for metrics when any of the metric values are negative"
    if family == "p":
        assert stat.upper is not None
        return ordered[_rank(stat.upper, len(ordered)) - 1]
    if family == "PR":
        return 100.0 * len(_in_values(ordered, stat)) / len(ordered)
    if family == "WM":
        return _winsorized(ordered, stat)
    kept = _kept(ordered, stat)
    if family == "TC":
        return float(len(kept))
    if family == "TS":
        return math.fsum(kept)
    return math.fsum(kept) / len(kept) if kept else None  # TM


@lru_cache(maxsize=8192)
def _rank(percent: Fraction, n: int) -> int:
    """Nearest rank (1-based) of percentile ``percent`` among ``n`` sorted samples (exact arithmetic)."""
    return max(1, math.ceil(percent * n / _HUNDRED))


def _span(stat: Statistic, n: int) -> tuple[int, int]:
    """Slice ``[lo, hi)`` of ``n`` sorted samples that percentage bounds keep."""
    lo = math.floor((stat.lower or 0) * n / _HUNDRED)
    hi = math.ceil((stat.upper if stat.upper is not None else _HUNDRED) * n / _HUNDRED)
    return lo, hi


def _value_bounds(stat: Statistic) -> tuple[float, float]:
    """Value bounds as doubles, like the samples (a sample of 0.005 equals the bound ``0.005``); open sides infinite."""
    low = float(stat.lower) if stat.lower is not None else -math.inf
    high = float(stat.upper) if stat.upper is not None else math.inf
    return low, high


def _in_values(ordered: list[float], stat: Statistic) -> list[float]:
    """Samples with ``lower < v <= upper`` (lower bound exclusive, upper inclusive, as the guide's note says)."""
    low, high = _value_bounds(stat)
    return ordered[bisect_right(ordered, low) : bisect_right(ordered, high)]


def _kept(ordered: list[float], stat: Statistic) -> list[float]:
    if stat.percent:
        lo, hi = _span(stat, len(ordered))
        return ordered[lo:hi]
    return _in_values(ordered, stat)


def _winsorized(ordered: list[float], stat: Statistic) -> float | None:
    if stat.percent:
        lo, hi = _span(stat, len(ordered))
        if lo >= hi:
            return None
        low_edge, high_edge = ordered[lo], ordered[hi - 1]
    else:
        low_edge, high_edge = _value_bounds(stat)
    return math.fsum(min(max(v, low_edge), high_edge) for v in ordered) / len(ordered)
