"""The grammar of CloudWatch statistics: the ONE definition ``vigil check`` accepts and the evaluator implements.

Source: the CloudWatch user guide, "CloudWatch statistics definitions" (Statistics-definitions.html), and the
``ExtendedStatistic`` parameter of PutMetricAlarm. Accepted forms:

- the five basic statistics ``SampleCount``, ``Average``, ``Sum``, ``Minimum``, ``Maximum`` and ``IQM``;
- a percentile ``pNN`` / ``pNN.NN`` from ``p0`` to ``p100`` (up to 10 decimals);
- one number without parentheses, lowercase only: ``tmNN``, ``wmNN``, ``tcNN``, ``tsNN`` (the upper percentile,
  ``tm99`` == ``TM(:99%)``);
- a range in parentheses, uppercase only: ``TM``, ``WM``, ``TC``, ``TS`` with two percentages (``TM(10%:90%)``),
  two metric values (``TM(150:1000)``) or one open side (``TM(:95%)``, ``TS(80%:)``, ``TC(:0.5)``);
- ``PR(a:b)``, ``PR(:b)``, ``PR(a:)`` with metric values (percentile rank).

Percentages are 0-100; every number has at most 10 decimals; a range's lower bound must be below its upper bound.
Not accepted (the guide does not describe them): a range mixing a percentage and a value (``TM(10%:500)``),
lowercase ranges (``tm(10%:90%)``), uppercase single numbers (``TM99``), signs and exponents.

>>> parse_statistic("TM(10%:90%)")
Statistic(family='TM', lower=Fraction(10, 1), upper=Fraction(90, 1), percent=True)
>>> parse_statistic("p99.9").upper
Fraction(999, 10)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

Family = Literal["SampleCount", "Average", "Sum", "Minimum", "Maximum", "p", "TM", "WM", "TC", "TS", "PR"]

BASIC: tuple[str, ...] = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
_NUMBER = r"\d+(?:\.\d{1,10})?"
_SINGLE = re.compile(rf"^(p|tm|wm|tc|ts)({_NUMBER})$")
_RANGE = re.compile(rf"^(TM|WM|TC|TS|PR)\((?:({_NUMBER})(%?))?:(?:({_NUMBER})(%?))?\)$")
_HUNDRED = Fraction(100)
_RANGE_FAMILIES: dict[str, Family] = {"TM": "TM", "WM": "WM", "TC": "TC", "TS": "TS", "PR": "PR"}


class StatisticError(ValueError):
    """A statistic string CloudWatch does not accept; the message says what is wrong and how to write it."""


@dataclass(frozen=True)
class Statistic:
    """A parsed statistic.

    ``family`` is the basic statistic's name, ``p`` for percentiles or the uppercase family of a ranged statistic
    (``tm90`` -> ``TM``; ``IQM`` -> ``TM`` over 25%-75%). ``lower``/``upper`` are the bounds (None: open side),
    ``percent`` whether they are percentages (else metric values). A percentile keeps its rank in ``upper``.

    >>> parse_statistic("IQM")
    Statistic(family='TM', lower=Fraction(25, 1), upper=Fraction(75, 1), percent=True)
    """

    family: Family
    lower: Fraction | None = None
    upper: Fraction | None = None
    percent: bool = False


def parse_statistic(text: str) -> Statistic:
    """Parse a statistic string or raise :class:`StatisticError` saying what is wrong.

    >>> parse_statistic("tc90")
    Statistic(family='TC', lower=None, upper=Fraction(90, 1), percent=True)
    >>> parse_statistic("TM(90%:10%)")
    Traceback (most recent call last):
    ...
    vigil.spec.statistic.StatisticError: invalid statistic 'TM(90%:10%)': the lower bound 90 must be below the upper bound 10
    """
    if text in BASIC:
        return Statistic(family=text)  # type: ignore[arg-type]  # BASIC holds exactly these Family names
    if text == "IQM":
        return Statistic(family="TM", lower=Fraction(25), upper=Fraction(75), percent=True)
    single = _SINGLE.match(text)
    if single:
        value = Fraction(single.group(2))
        _check_percent(text, value)
        prefix = single.group(1)
        family: Family = "p" if prefix == "p" else prefix.upper()  # type: ignore[assignment]
        return Statistic(family=family, upper=value, percent=True)
    ranged = _RANGE.match(text)
    if ranged:
        return _ranged(text, ranged)
    raise StatisticError(_explain(text))


def _ranged(text: str, match: re.Match[str]) -> Statistic:
    family, low, low_pct, high, high_pct = match.groups()
    if low is None and high is None:
        raise StatisticError(
            f"invalid statistic '{text}': give at least one bound, e.g. {family}(:95%) or {family}(10%:90%)"
        )
    if low is not None and high is not None and low_pct != high_pct:
        raise StatisticError(
            f"invalid statistic '{text}': both bounds must be percentages or both metric values, e.g. {family}(10%:90%) or {family}(0.5:2)"
        )
    percent = "%" in (low_pct or high_pct or "")
    family_name: Family = _RANGE_FAMILIES[family]
    if family == "PR" and percent:
        raise StatisticError(
            f"invalid statistic '{text}': PR takes metric values, not percentages, e.g. PR(:300) or PR(100:2000)"
        )
    lower = Fraction(low) if low is not None else None
    upper = Fraction(high) if high is not None else None
    for bound in (lower, upper):
        if percent and bound is not None:
            _check_percent(text, bound)
    if lower is not None and upper is not None and lower >= upper:
        raise StatisticError(f"invalid statistic '{text}': the lower bound {low} must be below the upper bound {high}")
    return Statistic(family=family_name, lower=lower, upper=upper, percent=percent)


def _check_percent(text: str, value: Fraction) -> None:
    if value > _HUNDRED:
        raise StatisticError(f"invalid statistic '{text}': {float(value):g} is not a percentage between 0 and 100")


def _explain(text: str) -> str:
    """Why ``text`` is not a statistic, with the closest valid spelling when there is one."""
    lowered = text.lower()
    if lowered in ("iqm", "samplecount", "average", "sum", "minimum", "maximum"):
        right = "IQM" if lowered == "iqm" else next(b for b in BASIC if b.lower() == lowered)
        return f"unknown statistic '{text}' (statistics are case-sensitive: write {right})"
    if re.match(rf"^(TM|WM|TC|TS|P)({_NUMBER})$", text):
        return f"unknown statistic '{text}': one number without parentheses is written lowercase ({lowered})"
    if re.match(r"^(tm|wm|tc|ts|pr)\(", text):
        return f"unknown statistic '{text}': a range in parentheses is written uppercase ({text[:2].upper()}{text[2:]})"
    if re.match(r"^(p|tm|wm|tc|ts)\d+\.\d{11,}$", text) or re.match(r"^[A-Z]{2}\(.*\d\.\d{11,}", text):
        return f"unknown statistic '{text}': numbers have at most 10 decimals"
    return (
        f"unknown statistic '{text}'; use SampleCount, Average, Sum, Minimum, Maximum, IQM, a percentile like p95 "
        "or p99.9, tm90/wm90/tc90/ts90, TM(10%:90%), TM(150:1000) or PR(100:2000)"
    )


def is_statistic(text: str) -> bool:
    """True when CloudWatch accepts ``text`` as a statistic (basic or extended).

    >>> is_statistic("IQM"), is_statistic("TM(:95%)"), is_statistic("tm(10%:90%)"), is_statistic("p101")
    (True, True, False, False)
    """
    try:
        parse_statistic(text)
    except StatisticError:
        return False
    return True
