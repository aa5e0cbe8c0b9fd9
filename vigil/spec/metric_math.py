"""CloudWatch metric math: the function table, a validating parser, and what an alarm may use.

The facade over the ONE list (:mod:`vigil.spec.math_functions`, re-exported as :data:`FUNCTIONS`) that ``vigil check`` validates against and :mod:`vigil.emulator.mathexpr` implements (a test enforces
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

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from vigil.spec.math_functions import FUNCTIONS, REDUCERS, SHOWN, Function, Kind
from vigil.spec.math_kinds import kind_of
from vigil.spec.math_parser import Array, Binary, Call, Ident, MathSyntaxError, Node, String, Unary, Word, parse_syntax

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
    "range_dependent",
    "result_kind",
]


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
    if kind_of(tree) == "string":
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


#: Functions whose value at one timestamp depends on other datapoints of the range fetched (reducers of one
#: series, running sums, neighbours for FILL REPEAT/LINEAR, DIFF, RATE, sorting by a statistic, the band model).
_RANGE_FUNCTIONS = frozenset(
    {"RUNNING_SUM", "REMOVE_EMPTY", "SORT", "DIFF", "DIFF_TIME", "RATE", "ANOMALY_DETECTION_BAND"}
)


def range_dependent(tree: Node) -> bool:
    """True when a datapoint's value depends on the other datapoints of the range the alarm fetches.

    CloudWatch evaluates an alarm's expression over the datapoints it fetches for one evaluation (more than the
    evaluation periods); an evaluator that computes the expression once over a longer history gets the same values
    only when this is False.

    >>> range_dependent(parse("100 * errors / requests")), range_dependent(parse("m1 - AVG(m1)"))
    (False, True)
    >>> range_dependent(parse("FILL(m1, REPEAT)")), range_dependent(parse("MAX(METRICS())"))
    (True, False)
    """
    for node in walk(tree):
        if not isinstance(node, Call):
            continue
        if node.name in _RANGE_FUNCTIONS:
            return True
        if node.name in REDUCERS and node.args and kind_of(node.args[0]) == "series":
            return True
        if node.name == "FILL" and isinstance(node.args[1], Word):
            return True
    return False


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
    return kind_of(tree)


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
        if isinstance(node, Unary) and node.op == "NOT":
            problems.append(Problem(node.column, _NOT, "warning"))
        if not isinstance(node, Call):
            continue
        use = FUNCTIONS[node.name].alarm
        if use == "no":
            problems.append(Problem(node.column, _REFUSED))
        elif use == "external":
            problems.append(Problem(node.column, f"{node.name} reads data outside the catalog; {_EXTERNAL}"))
        elif use == "discouraged" and node.args and kind_of(node.args[0]) == "series":
            problems.append(Problem(node.column, _discouraged(node.name), "warning"))
    return problems


_REFUSED = (
    "CloudWatch cannot alarm on SEARCH (it returns a changing set of time series; an alarm watches one): "
    "list the metrics by id instead"
)
_NOT = (
    "NOT/! is not in the user guide's operator table (AND/&& and OR/|| are), so CloudWatch may refuse it; "
    "write the comparison the other way (x == 0 instead of NOT x)"
)
_EXTERNAL = "Vigil cannot check or test it offline, so alarms may not use it (dashboards may)"


def not_one_series(kind: Kind) -> str:
    fix = "wrap it in TIME_SERIES(...)" if kind == "scalar" else "reduce it with SUM(...), MAX(...) or FIRST(...)"
    return f"the expression returns {SHOWN.get(kind, kind)}, but an alarm watches exactly one time series: {fix}"


def _discouraged(name: str) -> str:
    return (
        f"{name} of one time series is a number over the whole range fetched, and an alarm fetches more datapoints "
        "than its evaluation periods, so the value shifts from one evaluation to the next (the user guide advises "
        "against it in alarms)"
    )
