"""The metric alarm state machine, as the CloudWatch user guide documents it.

At every evaluation CloudWatch retrieves more datapoints than ``evaluation_periods`` (N): the *evaluation range*.
The guide's worked example retrieves 5 datapoints for N = 3; Vigil uses N + 2 for every alarm (the exact number
is not documented beyond that example). Then, with M = ``datapoints_to_alarm``:

- if the range holds at least N real datapoints, the newest N real ones decide: ALARM when at least M breach,
  otherwise OK (treat-missing-data is not consulted);
- if it holds none: ``missing`` -> INSUFFICIENT_DATA, ``ignore`` -> the current state, ``breaching`` -> ALARM,
  ``notBreaching`` -> OK;
- if it holds some but fewer than N, the missing ones are filled as few times as possible: ``breaching`` fills
  breach, ``notBreaching`` fills do not; ``missing`` and ``ignore`` leave them out: ALARM when at least M real
  datapoints breach, OK when one real datapoint does not breach; when every real one breaches but fewer than M
  do, ``missing`` goes to ALARM only once the oldest breaching datapoint is at least M periods old (the guide's
  "Avoiding premature transitions to alarm state": "the oldest available breaching datapoint [...] is at least
  as old as the value of Datapoints to Alarm, and all other more recent data points are breaching or missing",
  M out of N included) and keeps its state until then, and ``ignore`` keeps its state.

These rules reproduce both tables of "How CloudWatch alarm evaluates when data is missing" (tested row by row in
tests/emulator/test_emulator_alarm.py).

>>> decide([False, None, True, None, True], n=3, m=3, treat="missing", current="OK")
'OK'
>>> decide([None, None, True, None, None], n=3, m=3, treat="ignore", current="INSUFFICIENT_DATA")
'INSUFFICIENT_DATA'
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Literal

from vigil.emulator.errors import EvaluateError

State = Literal["OK", "ALARM", "INSUFFICIENT_DATA"]
TreatMissing = Literal["missing", "ignore", "breaching", "notBreaching"]

#: Datapoints retrieved beyond N at every evaluation (the user guide's example: 5 for N = 3).
EXTRA_DATAPOINTS = 2

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "GreaterThanThreshold": operator.gt,
    "GreaterThanOrEqualToThreshold": operator.ge,
    "LessThanThreshold": operator.lt,
    "LessThanOrEqualToThreshold": operator.le,
}
_WORDS = {
    "GreaterThanThreshold": "greater than",
    "GreaterThanOrEqualToThreshold": "greater than or equal to",
    "LessThanThreshold": "less than",
    "LessThanOrEqualToThreshold": "less than or equal to",
    "GreaterThanUpperThreshold": "greater than the upper band",
    "LessThanLowerThreshold": "less than the lower band",
    "LessThanLowerOrGreaterThanUpperThreshold": "outside the band",
}


def evaluation_range(evaluation_periods: int) -> int:
    """How many datapoints an evaluation retrieves (N + 2)."""
    return evaluation_periods + EXTRA_DATAPOINTS


def comparison_words(operator_name: str) -> str:
    """``GreaterThanThreshold`` -> ``'greater than'`` (for reasons and messages)."""
    return _WORDS.get(operator_name, operator_name)


def breaches(
    operator_name: str, value: float | None, threshold: float | None, lower: float | None = None
) -> bool | None:
    """True when ``value`` breaches, False when not, None when the value (or its band) is missing.

    >>> breaches("GreaterThanThreshold", 5.0, 4.0), breaches("LessThanLowerThreshold", 1.0, 9.0, lower=2.0)
    (True, True)
    """
    if value is None:
        return None
    compare = _COMPARE.get(operator_name)
    if compare is not None:
        if threshold is None:
            return None
        return compare(value, threshold)
    if threshold is None or lower is None:
        return None
    if operator_name == "GreaterThanUpperThreshold":
        return value > threshold
    if operator_name == "LessThanLowerThreshold":
        return value < lower
    if operator_name == "LessThanLowerOrGreaterThanUpperThreshold":
        return value < lower or value > threshold
    raise EvaluateError(f"unknown comparison operator {operator_name!r}")


def decide(points: Sequence[bool | None], *, n: int, m: int, treat: str, current: State) -> State:
    """The state after one evaluation of the range ``points`` (oldest first: True breach, None missing)."""
    real = [p for p in points if p is not None]
    if len(real) >= n:
        return "ALARM" if sum(real[-n:]) >= m else "OK"
    if not real:
        if treat == "breaching":
            return "ALARM"
        if treat == "notBreaching":
            return "OK"
        if treat == "ignore":
            return current
        return "INSUFFICIENT_DATA"
    breaching = sum(real)
    if treat == "breaching":
        return "ALARM" if breaching + (n - len(real)) >= m else "OK"
    if breaching >= m:
        return "ALARM"
    if treat == "notBreaching":
        return "OK"
    if breaching < len(real):
        return "OK"
    # Every real datapoint breaches, but fewer than M do: ALARM only once the oldest of them is at least M periods
    # old (the guide's "Avoiding premature transitions to alarm state"); until then the state does not change.
    oldest_age = len(points) - next(i for i, p in enumerate(points) if p)
    if treat == "missing" and oldest_age >= m:
        return "ALARM"
    return current
