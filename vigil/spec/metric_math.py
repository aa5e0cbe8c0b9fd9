"""CloudWatch metric math: the function table, a validating parser, and what an alarm may use.

The ONE list that ``vigil check`` validates against and :mod:`vigil.evaluate.mathexpr` implements (a test enforces
that every function usable in alarms has an evaluator). Source: the CloudWatch user guide, "Using metric math"
(using-metric-math.html: "Metric math syntax and functions", "Using IF expressions"). Import-cheap: stdlib only.

Value kinds are the guide's abbreviations: ``scalar`` (S), ``series`` (TS) and ``array`` (TS[]); ``string`` and
``word`` (REPEAT, LINEAR, ASC, DESC, AVG ...) only appear as arguments. An alarm watches exactly one series.

>>> tree = parse("100 * FILL(errors, 0) / requests")
>>> ids(tree), result_kind(tree)
(['errors', 'requests'], 'series')
>>> parse("FIL(m1, 0)")
Traceback (most recent call last):
...
vigil.spec.math_parser.MathSyntaxError: unknown function 'FIL' at column 1 (did you mean FILL?)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Literal

from vigil.spec.math_parser import (
    Array,
    Binary,
    Call,
    Ident,
    MathSyntaxError,
    Node,
    Number,
    String,
    Unary,
    Word,
    parse_syntax,
)

__all__ = [
    "FUNCTIONS",
    "Function",
    "Kind",
    "MathSyntaxError",
    "Node",
    "Problem",
    "alarm_problems",
    "ids",
    "metrics_matched",
    "not_one_series",
    "parse",
    "result_kind",
]

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
_REDUCERS = ("AVG", "MAX", "MIN", "SUM", "STDDEV", "DATAPOINT_COUNT")
_ELEMENTWISE = ("ABS", "CEIL", "FLOOR", "LOG", "LOG10", "DIFF", "DIFF_TIME", "RATE", "RUNNING_SUM")
_TIME_PARTS = ("MINUTE", "HOUR", "DAY", "DATE", "MONTH", "YEAR", "EPOCH")
_SHOWN = {"scalar": "a number", "series": "a time series", "array": "an array of time series"}


@dataclass(frozen=True)
class Problem:
    """Something ``vigil check`` reports about an alarm's expression: column, message, severity."""

    column: int
    message: str
    severity: Literal["error", "warning"] = "error"


def parse(expression: str) -> Node:
    """Parse and validate ``expression``: syntax, function names and argument counts, id case, argument kinds.

    Raises :class:`MathSyntaxError` (with ``.column``) on the first problem.

    >>> parse("Errors / requests")
    Traceback (most recent call last):
    ...
    vigil.spec.math_parser.MathSyntaxError: 'Errors' is not a metric id: ids start with a lowercase letter (column 1)
    """
    tree = parse_syntax(expression)
    if _kind(tree) == "string":
        raise MathSyntaxError(
            f"a quoted string is not a value (column {tree.column}): strings only go in METRICS('...') or SEARCH",
            tree.column,
        )
    return tree


def ids(tree: Node) -> list[str]:
    """Metric and expression ids the expression reads, in order of first use (``METRICS('x')`` strings excluded)."""
    seen: dict[str, None] = {}
    for node in walk(tree):
        if isinstance(node, Ident):
            seen.setdefault(node.name)
    return list(seen)


def metrics_matched(tree: Node, known: Iterable[str]) -> set[str]:
    """The ids of ``known`` that ``METRICS()`` / ``METRICS('text')`` calls in the expression select.

    >>> sorted(metrics_matched(parse("SUM(METRICS('err'))"), ["errors", "requests", "err_5xx"]))
    ['err_5xx', 'errors']
    """
    out: set[str] = set()
    for node in walk(tree):
        if isinstance(node, Call) and node.name == "METRICS":
            text = node.args[0].value if node.args and isinstance(node.args[0], String) else ""
            out.update(ident for ident in known if text in ident)
    return out


def walk(tree: Node) -> Iterator[Node]:
    """Every node of ``tree``, parents before children."""
    yield tree
    children: tuple[Node, ...] = ()
    if isinstance(tree, Call):
        children = tree.args
    elif isinstance(tree, Array):
        children = tree.items
    elif isinstance(tree, Unary):
        children = (tree.operand,)
    elif isinstance(tree, Binary):
        children = (tree.left, tree.right)
    for child in children:
        yield from walk(child)


def result_kind(tree: Node) -> Kind:
    """What the expression returns: ``scalar``, ``series`` or ``array`` (ids are taken to be time series)."""
    return _kind(tree)


def alarm_problems(tree: Node) -> list[Problem]:
    """What stops (errors) or weakens (warnings) this expression as the one an alarm watches.

    >>> [p.message[:35] for p in alarm_problems(parse("SUM(SEARCH('{Vigil/API} http', 'Sum', 60))"))]
    ['CloudWatch cannot alarm on SEARCH (']
    """
    problems: list[Problem] = []
    kind = result_kind(tree)
    if kind != "series":
        problems.append(Problem(1, not_one_series(kind)))
    for node in walk(tree):
        if not isinstance(node, Call):
            continue
        use = FUNCTIONS[node.name].alarm
        if use == "no":
            problems.append(Problem(node.column, _REFUSED))
        elif use == "external":
            problems.append(Problem(node.column, f"{node.name} reads data outside the catalog; {_EXTERNAL}"))
        elif use == "discouraged" and node.args and _kind(node.args[0]) == "series":
            problems.append(Problem(node.column, _discouraged(node.name), "warning"))
    return problems


_REFUSED = (
    "CloudWatch cannot alarm on SEARCH (it returns a changing set of time series; an alarm watches one): "
    "list the metrics by id instead"
)
_EXTERNAL = "Vigil cannot check or test it offline, so alarms may not use it (dashboards may)"


def not_one_series(kind: Kind) -> str:
    fix = "wrap it in TIME_SERIES(...)" if kind == "scalar" else "reduce it with SUM(...), MAX(...) or FIRST(...)"
    return f"the expression returns {_SHOWN.get(kind, kind)}, but an alarm watches exactly one time series: {fix}"


def _discouraged(name: str) -> str:
    return (
        f"{name} of one time series is a number over the whole range fetched, and an alarm fetches more datapoints "
        "than its evaluation periods, so the value shifts from one evaluation to the next (the user guide advises "
        "against it in alarms)"
    )


def _kind(node: Node) -> Kind:
    """Infer the kind of ``node``, validating names, argument counts and kinds on the way."""
    if isinstance(node, Number):
        return "scalar"
    if isinstance(node, String):
        return "string"
    if isinstance(node, Ident):
        return "series"
    if isinstance(node, Word):
        raise MathSyntaxError(_word_message(node), node.column)
    if isinstance(node, Array):
        for item in node.items:
            if _kind(item) not in ("series", "array"):
                raise MathSyntaxError(
                    f"an array holds time series, not {_what(item)} (column {item.column})", item.column
                )
        return "array"
    if isinstance(node, Unary):
        return _value_kind(node.operand, node.op)
    if isinstance(node, Binary):
        return _binary_kind(node)
    return _call_kind(node)


def _word_message(node: Word) -> str:
    if node.name in FUNCTIONS:
        return f"{node.name} at column {node.column} is a function: write {node.name}(...)"
    if node.name in (*FILL_WORDS, *SORT_ORDERS):
        return f"{node.name} at column {node.column} is only valid as an argument of FILL or SORT"
    return f"'{node.name}' is not a metric id: ids start with a lowercase letter (column {node.column})"


def _what(node: Node) -> str:
    if isinstance(node, String):
        return f"a string (column {node.column})"
    if isinstance(node, Word):
        return f"the word {node.name}"
    return _SHOWN.get(_kind(node), "a value")


def _value_kind(node: Node, op: str) -> Kind:
    kind = _kind(node)
    if kind not in ("scalar", "series", "array"):
        raise MathSyntaxError(f"'{op}' needs numbers or time series, not {_what(node)}", node.column)
    return kind


def _binary_kind(node: Binary) -> Kind:
    left, right = _value_kind(node.left, node.op), _value_kind(node.right, node.op)
    if left == right == "array":
        raise MathSyntaxError(
            f"'{node.op}' at column {node.column} combines two arrays of time series; combine an array with a number "
            "or one time series, or reduce one side with SUM(...)",
            node.column,
        )
    for kind in ("array", "series", "scalar"):
        if kind in (left, right):
            return kind
    raise AssertionError("unreachable")


def _call_kind(node: Call) -> Kind:
    spec = FUNCTIONS.get(node.name)
    if spec is None:
        raise MathSyntaxError(_unknown_function(node), node.column)
    count = len(node.args)
    if count < spec.min_args or (spec.max_args is not None and count > spec.max_args):
        raise MathSyntaxError(
            f"{node.name} at column {node.column} takes {_count(spec)}, got {count}: {node.name}({spec.signature})",
            node.column,
        )
    return _RULES.get(node.name, _external)(node)


def _unknown_function(node: Call) -> str:
    upper = node.name.upper()
    if upper in FUNCTIONS:
        return f"functions are written in uppercase: {upper} at column {node.column}, not {node.name}"
    close = get_close_matches(upper, FUNCTIONS, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown function '{node.name}' at column {node.column}{hint}"


def _count(spec: Function) -> str:
    if spec.max_args is None:
        return f"at least {spec.min_args} argument{'s' * (spec.min_args != 1)}"
    if spec.min_args == spec.max_args:
        return f"{spec.min_args} argument{'s' * (spec.min_args != 1)}"
    return f"{spec.min_args} to {spec.max_args} arguments"


def _need(node: Call, index: int, allowed: tuple[Kind, ...]) -> Kind:
    arg = node.args[index]
    if isinstance(arg, Word):
        raise MathSyntaxError(_word_message(arg), arg.column)
    kind = _kind(arg)
    if kind not in allowed:
        wanted = " or ".join(_SHOWN.get(k, k) for k in allowed)
        raise MathSyntaxError(
            f"argument {index + 1} of {node.name} (column {arg.column}) must be {wanted}, not {_what(arg)}: "
            f"{node.name}({FUNCTIONS[node.name].signature})",
            arg.column,
        )
    return kind


def _need_word(node: Call, index: int, words: tuple[str, ...]) -> None:
    arg = node.args[index]
    if not (isinstance(arg, Word) and arg.name in words):
        raise MathSyntaxError(
            f"argument {index + 1} of {node.name} (column {arg.column}) must be one of {', '.join(words)}", arg.column
        )


def _elementwise(node: Call) -> Kind:
    return _need(node, 0, ("series", "array"))


def _reducer(node: Call) -> Kind:
    return "scalar" if _need(node, 0, ("series", "array")) == "series" else "series"


def _fill(node: Call) -> Kind:
    kind = _need(node, 0, ("series", "array"))
    filler = node.args[1]
    if isinstance(filler, Word):
        _need_word(node, 1, FILL_WORDS)
    else:
        _need(node, 1, ("scalar", "series"))
    return kind


def _if(node: Call) -> Kind:
    kinds = [_need(node, i, ("scalar", "series")) for i in range(len(node.args))]
    return "series" if "series" in kinds else "scalar"


def _sort(node: Call) -> Kind:
    _need(node, 0, ("array",))
    _need_word(node, 1, SORT_FUNCTIONS)
    _need_word(node, 2, SORT_ORDERS)
    if len(node.args) == 4:
        _need(node, 3, ("scalar",))
    return "array"


def _metrics(node: Call) -> Kind:
    if node.args:
        _need(node, 0, ("string",))
    return "array"


def _fixed(first: tuple[Kind, ...], rest: tuple[Kind, ...], returns: Kind) -> Callable[[Call], Kind]:
    def rule(node: Call) -> Kind:
        _need(node, 0, first)
        for i in range(1, len(node.args)):
            _need(node, i, rest)
        return returns

    return rule


def _period(node: Call) -> Kind:
    if not isinstance(node.args[0], Ident):
        raise MathSyntaxError(f"PERIOD (column {node.column}) takes a metric id, not an expression", node.column)
    return "scalar"


def _external(node: Call) -> Kind:
    for arg in node.args:
        if not isinstance(arg, Word):
            _kind(arg)
    return "array" if FUNCTIONS[node.name].returns == "TS[]" else "series"


_RULES: dict[str, Callable[[Call], Kind]] = {
    **dict.fromkeys(_ELEMENTWISE, _elementwise),
    **dict.fromkeys(_REDUCERS, _reducer),
    **{name: _fixed(("series",), (), "series") for name in _TIME_PARTS},
    "FILL": _fill,
    "IF": _if,
    "SORT": _sort,
    "METRICS": _metrics,
    "PERIOD": _period,
    "FIRST": _fixed(("array",), (), "series"),
    "LAST": _fixed(("array",), (), "series"),
    "METRIC_COUNT": _fixed(("array",), (), "scalar"),
    "REMOVE_EMPTY": _fixed(("array",), (), "array"),
    "SLICE": _fixed(("array",), ("scalar",), "array"),
    "CONCAT": _fixed(("series", "array"), ("series", "array"), "array"),
    "TIME_SERIES": _fixed(("scalar",), (), "series"),
    "ANOMALY_DETECTION_BAND": _fixed(("series",), ("scalar",), "array"),
}
