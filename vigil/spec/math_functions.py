"""The table of CloudWatch metric math functions: arguments, return kinds, and whether alarms may use them.

Source: the CloudWatch user guide, "Using metric math" (using-metric-math.html), table "Functions supported for
metric math". Read through :mod:`vigil.spec.metric_math`, which re-exports :data:`FUNCTIONS`.

>>> FUNCTIONS["FILL"].signature, FUNCTIONS["SEARCH"].alarm
('TS | TS[], S | TS | REPEAT | LINEAR', 'no')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["scalar", "series", "array", "string", "word"]
#: ``yes``: usable in alarms; ``discouraged``: usable, but the guide recommends against it in alarms because an
#: alarm fetches more datapoints than its evaluation periods and the result changes with the range; ``no``: CloudWatch
#: refuses it in alarms; ``external``: reads data outside the catalog (Contributor Insights, Service Quotas, Lambda,
#: Performance Insights) that neither ``vigil check`` nor the offline evaluator can see, so Vigil refuses it in alarms.
AlarmUse = Literal["yes", "discouraged", "no", "external"]


@dataclass(frozen=True)
class Function:
    """One metric math function: argument count, the kinds it returns, and whether alarms may use it."""

    name: str
    min_args: int
    max_args: int | None  # None: any number
    returns: str  # the guide's return column, e.g. "S | TS" (S for a TS argument, TS for a TS[] argument)
    alarm: AlarmUse
    signature: str  # the guide's arguments column, for error messages


def _f(name: str, lo: int, hi: int | None, returns: str, alarm: AlarmUse, signature: str) -> Function:
    return Function(name, lo, hi, returns, alarm, signature)


_TABLE = (
    _f("ABS", 1, 1, "TS | TS[]", "yes", "TS | TS[]"),
    _f("ANOMALY_DETECTION_BAND", 1, 2, "TS[]", "yes", "TS[, S number of standard deviations]"),
    _f("AVG", 1, 1, "S | TS", "discouraged", "TS | TS[]"),
    _f("CEIL", 1, 1, "TS | TS[]", "yes", "TS | TS[]"),
    _f("CONCAT", 1, None, "TS[]", "yes", "TS[], TS[], ..."),
    _f("DATAPOINT_COUNT", 1, 1, "S | TS", "discouraged", "TS | TS[]"),
    _f("DIFF", 1, 1, "TS | TS[]", "yes", "TS | TS[]"),
    _f("DIFF_TIME", 1, 1, "TS | TS[]", "yes", "TS | TS[]"),
    _f("FILL", 2, 2, "TS | TS[]", "yes", "TS | TS[], S | TS | REPEAT | LINEAR"),
    _f("FIRST", 1, 1, "TS", "yes", "TS[]"),
    _f("FLOOR", 1, 1, "TS | TS[]", "yes", "TS | TS[]"),
    _f("IF", 2, 3, "TS", "yes", "condition, value if true[, value if false]"),
    _f("LAST", 1, 1, "TS", "yes", "TS[]"),
    _f("LOG", 1, 1, "TS | TS[]", "yes", "TS | TS[]"),
    _f("LOG10", 1, 1, "TS | TS[]", "yes", "TS | TS[]"),
    _f("MAX", 1, 1, "S | TS", "discouraged", "TS | TS[]"),
    _f("METRIC_COUNT", 1, 1, "S", "yes", "TS[]"),
    _f("METRICS", 0, 1, "TS[]", "yes", "[string contained in the id]"),
    _f("MIN", 1, 1, "S | TS", "discouraged", "TS | TS[]"),
    *(_f(n, 1, 1, "TS", "yes", "TS") for n in ("MINUTE", "HOUR", "DAY", "DATE", "MONTH", "YEAR", "EPOCH")),
    _f("PERIOD", 1, 1, "S", "yes", "TS (a metric id)"),
    _f("RATE", 1, 1, "TS | TS[]", "yes", "TS | TS[]"),
    _f("REMOVE_EMPTY", 1, 1, "TS[]", "discouraged", "TS[]"),
    _f("RUNNING_SUM", 1, 1, "TS | TS[]", "discouraged", "TS | TS[]"),
    _f("SLICE", 2, 3, "TS[]", "yes", "TS[], S start[, S end]"),
    _f("SORT", 3, 4, "TS[]", "yes", "TS[], AVG | MIN | MAX | SUM, ASC | DESC[, S limit]"),
    _f("STDDEV", 1, 1, "S | TS", "discouraged", "TS | TS[]"),
    _f("SUM", 1, 1, "S | TS", "discouraged", "TS | TS[]"),
    _f("TIME_SERIES", 1, 1, "TS", "yes", "S"),
    _f("SEARCH", 1, 3, "TS[]", "no", "'search expression', 'statistic'[, period]"),
    _f("INSIGHT_RULE_METRIC", 2, 2, "TS", "external", "'rule name', 'metric name'"),
    _f("SERVICE_QUOTA", 1, 1, "TS", "external", "TS usage metric"),
    _f("LAMBDA", 1, None, "TS[]", "external", "'function name', arguments..."),
    _f("DB_PERF_INSIGHTS", 3, 3, "TS", "external", "'service', 'resource id', 'metric'"),
)
#: Every function of CloudWatch metric math, by name.
FUNCTIONS: dict[str, Function] = {f.name: f for f in _TABLE}
#: Bare words and where they are allowed: FILL's filler, SORT's function and order.
FILL_WORDS = ("REPEAT", "LINEAR")
SORT_FUNCTIONS = ("AVG", "MIN", "MAX", "SUM")
SORT_ORDERS = ("ASC", "DESC")
REDUCERS = ("AVG", "MAX", "MIN", "SUM", "STDDEV", "DATAPOINT_COUNT")
ELEMENTWISE = ("ABS", "CEIL", "FLOOR", "LOG", "LOG10", "DIFF", "DIFF_TIME", "RATE", "RUNNING_SUM")
TIME_PARTS = ("MINUTE", "HOUR", "DAY", "DATE", "MONTH", "YEAR", "EPOCH")
SHOWN = {"scalar": "a number", "series": "a time series", "array": "an array of time series"}
