"""Period statistics over raw samples (interim: the five basic statistics and percentiles).

The full set of extended statistics (trimmed, winsorized, truncated, percentile rank, IQM) lands with the
statistics module of issue 8; until then other statistics raise :class:`EvaluateError`.

>>> aggregate([1.0, 2.0, 3.0, 4.0], "Average"), aggregate([], "Sum")
(2.5, None)
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from vigil.evaluate.errors import EvaluateError

_BASIC = ("SampleCount", "Sum", "Minimum", "Maximum", "Average")
_PERCENTILE = re.compile(r"^p(\d{1,2}(?:\.\d+)?|100)$")


def combinable(stat: str) -> bool:
    """True when ``stat`` can be computed from per-minute statistic sets (count, sum, min, max)."""
    return stat in _BASIC


def aggregate(values: Sequence[float], stat: str) -> float | None:
    """The value of ``stat`` over one period's samples, or None when there are none."""
    if not values:
        return None
    if stat == "SampleCount":
        return float(len(values))
    if stat == "Sum":
        return math.fsum(values)
    if stat == "Minimum":
        return min(values)
    if stat == "Maximum":
        return max(values)
    if stat == "Average":
        return math.fsum(values) / len(values)
    match = _PERCENTILE.match(stat)
    if match:
        return _percentile(sorted(values), float(match.group(1)))
    raise EvaluateError(f"statistic {stat!r} is not supported by the evaluator yet")


def _percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]
