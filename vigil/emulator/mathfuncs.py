"""The metric math functions, evaluated offline (semantics: the user guide's "Using metric math" page).

Choices where the guide is silent, written down so they can be checked:

- Reducers of ONE series (``AVG``, ``MAX``, ``MIN``, ``SUM``, ``STDDEV``) are numbers over the datapoints present in
  the range given to :func:`vigil.emulator.mathexpr.evaluate`; None when there is none (``DATAPOINT_COUNT``: 0).
  ``STDDEV`` is the population standard deviation.
- Reducers of an ARRAY are series: at each timestamp where at least one series has a value, missing values count
  as 0 (the guide says so for ``AVG`` and for arithmetic); where none has a value there is no datapoint.
  ``DATAPOINT_COUNT`` of an array counts the series that have a value there.
- ``DIFF``, ``DIFF_TIME`` and ``RATE`` compare a datapoint with the previous datapoint that exists (the first has no
  result); ``RATE`` is that difference divided by the seconds between the two.
- ``RUNNING_SUM`` accumulates the present datapoints; a missing datapoint stays missing.
- ``FILL(x, REPEAT)`` repeats the last value before a gap (a leading gap stays missing); ``FILL(x, LINEAR)``
  interpolates in time between the values around a gap (leading and trailing gaps stay missing).
- ``SORT`` puts series without any datapoint last; ``MINUTE`` .. ``EPOCH`` read each datapoint's start time in UTC;
  ``DAY`` is 1 (Monday) .. 7 (Sunday), as the guide's ``IF(DAY(m1)<6, m1)`` "weekdays" example implies.
- ``ANOMALY_DETECTION_BAND`` returns ``[upper, lower]`` (the guide: ``LAST(...)`` is the lower bound), computed by
  :mod:`vigil.emulator.anomaly`, an approximation of CloudWatch's unpublished model.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Callable
from datetime import UTC, datetime

from vigil.emulator import anomaly
from vigil.emulator.errors import EvaluateError
from vigil.emulator.mathvalues import (
    Env,
    Point,
    Scalar,
    Series,
    SeriesArray,
    Value,
    columns,
    each,
    map_points,
    present,
)
from vigil.spec.math_parser import String, Word

Arg = Value | Word | String
Handler = Callable[[list[Arg], Env], Value]


def _series_or_array(args: list[Arg], index: int = 0) -> Series | SeriesArray:
    arg = args[index]
    if not isinstance(arg, Series | SeriesArray):
        raise EvaluateError(f"argument {index + 1} must be a time series or an array of time series")
    return arg


def _array(args: list[Arg], index: int = 0) -> SeriesArray:
    arg = args[index]
    if isinstance(arg, Series):
        return SeriesArray([arg])
    if not isinstance(arg, SeriesArray):
        raise EvaluateError(f"argument {index + 1} must be an array of time series")
    return arg


def _number(args: list[Arg], index: int) -> Point:
    arg = args[index]
    if not isinstance(arg, Scalar):
        raise EvaluateError(f"argument {index + 1} must be a number")
    return arg.value


def _elementwise(fn: Callable[[float], float]) -> Handler:
    def handler(args: list[Arg], env: Env) -> Value:
        return each(_series_or_array(args), lambda s: map_points(s, fn))

    return handler


def _log(log: Callable[[float], float]) -> Callable[[float], float]:
    def fn(v: float) -> float:
        if v <= 0:
            raise ValueError("log of a non-positive number")  # no datapoint, like division by zero
        return log(v)

    return fn


_REDUCE: dict[str, Callable[[list[float]], float]] = {
    "AVG": lambda xs: math.fsum(xs) / len(xs),
    "MAX": max,
    "MIN": min,
    "SUM": math.fsum,
    "STDDEV": statistics.pstdev,
}


def _reducer(name: str) -> Handler:
    reduce = _REDUCE.get(name)

    def handler(args: list[Arg], env: Env) -> Value:
        value = _series_or_array(args)
        if isinstance(value, Series):
            xs = present(value.values)
            if reduce is None:  # DATAPOINT_COUNT
                return Scalar(float(len(xs)))
            return Scalar(reduce(xs) if xs else None)
        if reduce is None:
            counts = [sum(s.values[i] is not None for s in value.items) for i in range(env.size)]
            return Series([float(c) if c else None for c in counts])
        return Series([reduce(col) if col else None for col in columns(value.items, env.size)])

    return handler


def _with_previous(series: Series, env: Env, fn: Callable[[float, float, int], Point]) -> Series:
    """``fn(value, previous value, seconds between them)`` at each datapoint that has a previous one."""
    out: list[Point] = [None] * env.size
    last: int | None = None
    for i, v in enumerate(series.values):
        if v is None:
            continue
        if last is not None:
            previous = series.values[last]
            assert previous is not None
            out[i] = fn(v, previous, env.times[i] - env.times[last])
        last = i
    return Series(out, series.id)


def _diff(args: list[Arg], env: Env) -> Value:
    return each(_series_or_array(args), lambda s: _with_previous(s, env, lambda v, p, dt: v - p))


def _diff_time(args: list[Arg], env: Env) -> Value:
    return each(_series_or_array(args), lambda s: _with_previous(s, env, lambda v, p, dt: float(dt)))


def _rate(args: list[Arg], env: Env) -> Value:
    return each(_series_or_array(args), lambda s: _with_previous(s, env, lambda v, p, dt: (v - p) / dt if dt else None))


def _running_sum(args: list[Arg], env: Env) -> Value:
    def run(series: Series) -> Series:
        total, out = 0.0, []
        for v in series.values:
            if v is not None:
                total += v
            out.append(None if v is None else total)
        return Series(out, series.id)

    return each(_series_or_array(args), run)


def _fill(args: list[Arg], env: Env) -> Value:
    filler = args[1]
    if isinstance(filler, Word):
        fill = _repeat if filler.name == "REPEAT" else _linear
        return each(_series_or_array(args), lambda s: fill(s, env))
    if isinstance(filler, Scalar):
        value = filler.value
        return each(_series_or_array(args), lambda s: Series([value if v is None else v for v in s.values], s.id))
    if isinstance(filler, Series):
        other = filler.values
        return each(
            _series_or_array(args),
            lambda s: Series([other[i] if v is None else v for i, v in enumerate(s.values)], s.id),
        )
    raise EvaluateError("FILL takes a number, a time series, REPEAT or LINEAR as its second argument")


def _repeat(series: Series, env: Env) -> Series:
    out: list[Point] = []
    last: Point = None
    for v in series.values:
        last = v if v is not None else last
        out.append(last)
    return Series(out, series.id)


def _linear(series: Series, env: Env) -> Series:
    out = list(series.values)
    known = [i for i, v in enumerate(out) if v is not None]
    for a, b in itertools.pairwise(known):
        va, vb = out[a], out[b]
        assert va is not None
        assert vb is not None
        span = env.times[b] - env.times[a]
        for i in range(a + 1, b):
            out[i] = va + (vb - va) * (env.times[i] - env.times[a]) / span if span else va
    return Series(out, series.id)


def _first_last(last: bool) -> Handler:
    def handler(args: list[Arg], env: Env) -> Value:
        items = _array(args).items
        if not items:
            return Series([None] * env.size)
        return items[-1] if last else items[0]

    return handler


def _metric_count(args: list[Arg], env: Env) -> Value:
    return Scalar(float(len(_array(args).items)))


def _remove_empty(args: list[Arg], env: Env) -> Value:
    return SeriesArray([s for s in _array(args).items if present(s.values)])


def _slice(args: list[Arg], env: Env) -> Value:
    items = _array(args).items
    bounds = [_number(args, i) for i in range(1, len(args))]
    if any(b is None for b in bounds):
        raise EvaluateError("SLICE bounds must be numbers with a value")
    start = int(bounds[0] or 0)
    end = int(bounds[1]) if len(bounds) > 1 and bounds[1] is not None else None
    return SeriesArray(items[start:end])


def _sort(args: list[Arg], env: Env) -> Value:
    items = _array(args).items
    func, order = args[1], args[2]
    assert isinstance(func, Word)
    assert isinstance(order, Word)
    reduce = _REDUCE[func.name]
    descending = order.name == "DESC"

    def key(series: Series) -> tuple[bool, float]:
        xs = present(series.values)
        if not xs:
            return (True, 0.0)
        value = reduce(xs)
        return (False, -value if descending else value)

    ordered = sorted(items, key=key)
    if len(args) == 4:
        limit = _number(args, 3)
        ordered = ordered[: int(limit)] if limit is not None else ordered
    return SeriesArray(ordered)


def _time_series(args: list[Arg], env: Env) -> Value:
    return Series([_number(args, 0)] * env.size)


def _time_part(part: Callable[[datetime, int], float]) -> Handler:
    def handler(args: list[Arg], env: Env) -> Value:
        return Series([part(datetime.fromtimestamp(t, UTC), t) for t in env.times])

    return handler


def _concat(args: list[Arg], env: Env) -> Value:
    out: list[Series] = []
    for i in range(len(args)):
        out.extend(_array(args, i).items)
    return SeriesArray(out)


def _band(args: list[Arg], env: Env) -> Value:
    series = args[0]
    if not isinstance(series, Series):
        raise EvaluateError("ANOMALY_DETECTION_BAND takes one time series")
    width = _number(args, 1) if len(args) > 1 else 2.0
    lower, upper = anomaly.band(series.values, period=env.period, width=2.0 if width is None else width)
    return SeriesArray([Series(upper, f"{series.id}:upper"), Series(lower, f"{series.id}:lower")])


def _period(args: list[Arg], env: Env) -> Value:
    return Scalar(float(env.period))


_TIME_PARTS: dict[str, Callable[[datetime, int], float]] = {
    "MINUTE": lambda d, t: float(d.minute),
    "HOUR": lambda d, t: float(d.hour),
    "DAY": lambda d, t: float(d.isoweekday()),
    "DATE": lambda d, t: float(d.day),
    "MONTH": lambda d, t: float(d.month),
    "YEAR": lambda d, t: float(d.year),
    "EPOCH": lambda d, t: float(t),
}

#: Function name -> evaluator (IF and METRICS need the expression tree and live in :mod:`vigil.emulator.mathexpr`).
HANDLERS: dict[str, Handler] = {
    "ABS": _elementwise(abs),
    "CEIL": _elementwise(lambda v: float(math.ceil(v))),
    "FLOOR": _elementwise(lambda v: float(math.floor(v))),
    "LOG": _elementwise(_log(math.log)),
    "LOG10": _elementwise(_log(math.log10)),
    **{name: _reducer(name) for name in (*_REDUCE, "DATAPOINT_COUNT")},
    "DIFF": _diff,
    "DIFF_TIME": _diff_time,
    "RATE": _rate,
    "RUNNING_SUM": _running_sum,
    "FILL": _fill,
    "FIRST": _first_last(last=False),
    "LAST": _first_last(last=True),
    "METRIC_COUNT": _metric_count,
    "REMOVE_EMPTY": _remove_empty,
    "SLICE": _slice,
    "SORT": _sort,
    "TIME_SERIES": _time_series,
    **{name: _time_part(part) for name, part in _TIME_PARTS.items()},
    "CONCAT": _concat,
    "ANOMALY_DETECTION_BAND": _band,
    "PERIOD": _period,
}
