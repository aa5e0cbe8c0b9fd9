"""Evaluate a CloudWatch metric math expression over aligned series, offline.

The expression is parsed by :func:`vigil.spec.metric_math.parse` (the same parser and function table ``vigil check``
uses). Semantics follow the user guide's "Using metric math" page:

- arithmetic ``+ - * / ^`` and comparisons ``== != < <= > >=`` (1 or 0), logical ``AND``/``&&``, ``OR``/``||`` and
  ``NOT``/``!`` (non-zero is true);
- between two series, "missing values in a time series are treated as 0" at a timestamp where the other series has a
  value; where both are missing there is no datapoint (the guide's comparison table is reproduced in the tests);
- between a series and a number, a missing datapoint stays missing;
- "if the value of a data point causes a function to attempt to divide by zero, the data point is dropped"; Vigil
  drops every other non-finite result too (``0 ^ -1``, ``(-8) ^ 0.5``, overflow);
- ``IF`` exactly as the guide's "Using IF expressions" tables; the other functions are in
  :mod:`vigil.emulator.mathfuncs` with the choices made where the guide is silent.

>>> evaluate("100 * errors / requests", {"errors": [1.0, None, 5.0], "requests": [50.0, 40.0, 0.0]},
...          times=[0, 60, 120], period=60)
[2.0, 0.0, None]
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence

from vigil.emulator.errors import EvaluateError
from vigil.emulator.mathfuncs import HANDLERS, Arg
from vigil.emulator.mathvalues import Env, Point, Scalar, Series, SeriesArray, Value, safe
from vigil.spec import metric_math
from vigil.spec.math_parser import Array, Binary, Call, Ident, Node, Number, String, Unary, Word

__all__ = ["IMPLEMENTED", "evaluate", "evaluate_value"]

_OPS: dict[str, Callable[[float, float], float]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "^": operator.pow,
    "==": lambda a, b: float(a == b),
    "!=": lambda a, b: float(a != b),
    "<": lambda a, b: float(a < b),
    "<=": lambda a, b: float(a <= b),
    ">": lambda a, b: float(a > b),
    ">=": lambda a, b: float(a >= b),
    "AND": lambda a, b: float(bool(a) and bool(b)),
    "OR": lambda a, b: float(bool(a) or bool(b)),
}
_SPECIAL = ("IF", "METRICS")
#: Every function this evaluator implements (the others in the table read data that is not available offline).
IMPLEMENTED: frozenset[str] = frozenset((*HANDLERS, *_SPECIAL))


def evaluate(
    expr: Node | str,
    series: Mapping[str, Sequence[float | None]],
    *,
    times: Sequence[int],
    period: int,
    labels: Mapping[str, str] | None = None,
) -> list[float | None]:
    """The single time series an alarm would watch: ``expr`` over ``series`` on the grid ``times``.

    ``times[i]`` is the epoch-second start of datapoint ``i``; every series has ``len(times)`` values, None for a
    missing datapoint. ``labels`` (id -> label) only widen ``METRICS('text')`` matching. Raises
    :class:`EvaluateError` when the expression refers to an id not in ``series``, uses a function that cannot be
    evaluated offline, or returns a number or an array instead of one series.

    >>> evaluate("FILL(m1, REPEAT)", {"m1": [None, 10.0, None, 30.0, None]}, times=[0, 60, 120, 180, 240], period=60)
    [None, 10.0, 10.0, 30.0, 30.0]
    >>> evaluate("MAX(m1)", {"m1": [1.0]}, times=[0], period=60)
    Traceback (most recent call last):
    ...
    vigil.emulator.errors.EvaluateError: the expression returns a number, but an alarm watches exactly one time \
series: wrap it in TIME_SERIES(...)
    """
    value = evaluate_value(expr, series, times=times, period=period, labels=labels)
    if isinstance(value, Series):
        return value.values
    kind: metric_math.Kind = "scalar" if isinstance(value, Scalar) else "array"
    message = metric_math.not_one_series(kind)
    if isinstance(value, SeriesArray):
        message += f" (this one returns {len(value.items)})"
    raise EvaluateError(message)


def evaluate_value(
    expr: Node | str,
    series: Mapping[str, Sequence[float | None]],
    *,
    times: Sequence[int],
    period: int,
    labels: Mapping[str, str] | None = None,
) -> Value:
    """Like :func:`evaluate`, but return whatever the expression produces (Scalar, Series or SeriesArray)."""
    for ident, values in series.items():
        if len(values) != len(times):
            raise EvaluateError(f"series '{ident}' has {len(values)} datapoints for {len(times)} times")
    if isinstance(expr, str):
        try:
            expr = metric_math.parse(expr)
        except metric_math.MathSyntaxError as exc:
            raise EvaluateError(str(exc)) from exc
    env = Env(series=series, times=times, period=period, labels=labels or {})
    return _eval(expr, env)


def _eval(node: Node, env: Env) -> Value:
    if isinstance(node, Number):
        return Scalar(node.value)
    if isinstance(node, Ident):
        if node.name not in env.series:
            known = ", ".join(env.series) or "none"
            raise EvaluateError(f"the expression uses '{node.name}' but no series has that id (ids: {known})")
        return Series(list(env.series[node.name]), node.name)
    if isinstance(node, Array):
        items: list[Series] = []
        for item in node.items:
            value = _eval(item, env)
            items.extend(value.items if isinstance(value, SeriesArray) else [_as_series(value, env)])
        return SeriesArray(items)
    if isinstance(node, Unary):
        return _unary(node.op, _eval(node.operand, env))
    if isinstance(node, Binary):
        return _binary(node.op, _eval(node.left, env), _eval(node.right, env), env)
    if isinstance(node, Call):
        return _call(node, env)
    raise EvaluateError(f"a {type(node).__name__.lower()} is not a value here (column {node.column})")


def _as_series(value: Value, env: Env) -> Series:
    if isinstance(value, Series):
        return value
    raise EvaluateError("an array holds time series, not numbers")


def _unary(op: str, value: Value) -> Value:
    def fn(v: Point) -> Point:
        if v is None:
            return None
        return -v if op == "-" else float(not v)

    if isinstance(value, Scalar):
        return Scalar(fn(value.value))
    if isinstance(value, Series):
        return Series([fn(v) for v in value.values], value.id)
    return SeriesArray([Series([fn(v) for v in s.values], s.id) for s in value.items])


def _binary(op: str, left: Value, right: Value, env: Env) -> Value:
    fn = _OPS[op]
    if isinstance(left, SeriesArray) and isinstance(right, SeriesArray):
        raise EvaluateError(f"'{op}' cannot combine two arrays of time series")
    if isinstance(left, SeriesArray):
        assert not isinstance(right, SeriesArray)
        return SeriesArray([_series(_pair(fn, s, right)) for s in left.items])
    if isinstance(right, SeriesArray):
        return SeriesArray([_series(_pair(fn, left, s)) for s in right.items])
    return _pair(fn, left, right)


def _series(value: Scalar | Series) -> Series:
    assert isinstance(value, Series)  # a series combined with anything is a series
    return value


def _pair(fn: Callable[[float, float], float], left: Scalar | Series, right: Scalar | Series) -> Scalar | Series:
    if isinstance(left, Scalar) and isinstance(right, Scalar):
        a, b = left.value, right.value
        return Scalar(None if a is None or b is None else safe(fn, a, b))
    if isinstance(left, Series) and isinstance(right, Series):
        pairs: list[tuple[Point, Point]] = [
            (None, None) if a is None and b is None else (a or 0.0, b or 0.0)
            for a, b in zip(left.values, right.values, strict=True)
        ]
        return Series(_apply(fn, pairs), left.id or right.id)
    if isinstance(left, Series):
        assert isinstance(right, Scalar)
        s = right.value
        return Series(_apply(fn, [(a, s) for a in left.values]), left.id)
    assert isinstance(left, Scalar)
    assert isinstance(right, Series)
    s = left.value
    return Series(_apply(fn, [(s, b) for b in right.values]), right.id)


def _apply(fn: Callable[[float, float], float], pairs: list[tuple[Point, Point]]) -> list[Point]:
    """``fn`` over pairs (None where either side is None); non-finite results dropped. One fast pass when nothing
    raises (the common case), else point by point."""
    try:
        out: list[object] = [None if a is None or b is None else fn(a, b) for a, b in pairs]
    except (ZeroDivisionError, OverflowError, ValueError):
        return [None if a is None or b is None else safe(fn, a, b) for a, b in pairs]
    return [v if type(v) is float and v - v == 0.0 else None for v in out]  # drops None, inf, nan, complex


def _call(node: Call, env: Env) -> Value:
    if node.name == "IF":
        return _if([_eval(arg, env) for arg in node.args], env)
    if node.name == "METRICS":
        text = node.args[0].value if node.args and isinstance(node.args[0], String) else ""
        return _metrics(text, env)
    handler = HANDLERS.get(node.name)
    if handler is None:
        raise EvaluateError(
            f"{node.name} cannot be evaluated offline (it reads data outside the catalog); alarms may not use it"
        )
    args: list[Arg] = [arg if isinstance(arg, Word | String) else _eval(arg, env) for arg in node.args]
    return handler(args, env)


def _metrics(text: str, env: Env) -> SeriesArray:
    """``METRICS()``: every input series in order; ``METRICS('x')``: those whose id (or label, when given) has x."""
    return SeriesArray(
        [
            Series(list(values), ident)
            for ident, values in env.series.items()
            if text in ident or text in env.labels.get(ident, "")
        ]
    )


def _if(args: list[Value], env: Env) -> Value:
    """``IF(condition, true value[, false value])`` as the guide's tables define it."""
    if any(isinstance(a, SeriesArray) for a in args):
        raise EvaluateError("IF takes numbers and time series, not arrays")
    cond, yes = args[0], args[1]
    no = args[2] if len(args) > 2 else None
    if isinstance(cond, Scalar):
        if all(isinstance(a, Scalar) for a in args):
            return Scalar(None if cond.value is None else _pick_scalar(cond.value, yes, no))
        chosen = yes if cond.value else no
        if chosen is None or cond.value is None:
            return Series([None] * env.size)  # "an empty time series" when the false value is omitted
        return chosen if isinstance(chosen, Series) else Series([_scalar(chosen)] * env.size)
    assert isinstance(cond, Series)
    out: list[Point] = []
    for i, c in enumerate(cond.values):
        if c is None:
            out.append(None)
        elif c:
            out.append(_at(yes, i, missing=0.0))  # "has the value of 0" when the true series has no datapoint
        else:
            out.append(None if no is None else _at(no, i, missing=None))  # dropped when the false side has none
    return Series(out, cond.id)


def _scalar(value: Value) -> Point:
    assert isinstance(value, Scalar)
    return value.value


def _pick_scalar(cond: float, yes: Value, no: Value | None) -> Point:
    if cond:
        return _scalar(yes)
    return None if no is None else _scalar(no)


def _at(value: Value, i: int, *, missing: Point) -> Point:
    if isinstance(value, Scalar):
        return value.value
    assert isinstance(value, Series)
    v = value.values[i]
    return missing if v is None else v
