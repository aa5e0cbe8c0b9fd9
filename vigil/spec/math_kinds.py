"""Kinds of metric math values (number, time series, array) inferred from the AST, validating as it goes.

Checks function names (with did-you-mean), argument counts, the kind of every argument and bare words (REPEAT,
ASC ...), and raises :class:`~vigil.spec.math_parser.MathSyntaxError` at the offending column. Used through
:func:`vigil.spec.metric_math.parse`.
"""

from __future__ import annotations

from collections.abc import Callable
from difflib import get_close_matches

from vigil.spec.math_functions import (
    ELEMENTWISE,
    FILL_WORDS,
    FUNCTIONS,
    REDUCERS,
    SHOWN,
    SORT_FUNCTIONS,
    SORT_ORDERS,
    TIME_PARTS,
    Function,
    Kind,
)
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
)


def kind_of(node: Node) -> Kind:
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
            if kind_of(item) not in ("series", "array"):
                raise MathSyntaxError(
                    f"an array holds time series, not {_what(item)} (column {item.column})", item.column
                )
        return "array"
    if isinstance(node, Unary):
        return _valuekind_of(node.operand, node.op)
    if isinstance(node, Binary):
        return _binarykind_of(node)
    return _callkind_of(node)


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
    return SHOWN.get(kind_of(node), "a value")


def _valuekind_of(node: Node, op: str) -> Kind:
    kind = kind_of(node)
    if kind not in ("scalar", "series", "array"):
        raise MathSyntaxError(f"'{op}' needs numbers or time series, not {_what(node)}", node.column)
    return kind


def _binarykind_of(node: Binary) -> Kind:
    left, right = _valuekind_of(node.left, node.op), _valuekind_of(node.right, node.op)
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


def _callkind_of(node: Call) -> Kind:
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
    kind = kind_of(arg)
    if kind not in allowed:
        wanted = " or ".join(SHOWN.get(k, k) for k in allowed)
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
            kind_of(arg)
    return "array" if FUNCTIONS[node.name].returns == "TS[]" else "series"


_RULES: dict[str, Callable[[Call], Kind]] = {
    **dict.fromkeys(ELEMENTWISE, _elementwise),
    **dict.fromkeys(REDUCERS, _reducer),
    **{name: _fixed(("series",), (), "series") for name in TIME_PARTS},
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
