"""The stack's metric filters applied to JSON log events, as CloudWatch Logs applies them.

A metric filter belongs to a log group; a log event of that group that matches the filter's pattern publishes
the filter's value (a number, or ``$.field`` of the event) to its metric, with dimension values read from the
event (``$.service``). An event without a dimension field publishes nothing (CloudWatch drops it). Events that
do not match publish the filter's default value when it has one (filters with dimensions cannot).

Log files name no log group, so an event is given to the namespace whose ``service`` equals the event's
``service`` field (what ``vigil.emf.log_formatter`` writes); events without one go to every namespace whose
filters have no dimensions.

Patterns use :func:`vigil.emulator.logfilter.compile_pattern` when that module is installed, else the JSON
pattern subset below: ``{ SELECTOR OP VALUE }`` with ``=``/``!=`` on strings (``*`` wildcards, case-sensitive)
and ``= != < > <= >=`` on numbers, ``IS NULL``/``IS TRUE``/``IS FALSE``/``NOT EXISTS``, ``&&``, ``||`` and
parentheses; selectors ``$.a.b`` and ``$.a[0]``.

Example::

    >>> pattern = compile_json_pattern('{ $.level = "error" && $.latency > 100 }')
    >>> pattern.match({"level": "error", "latency": 250}), pattern.match({"level": "ERROR", "latency": 250})
    (True, False)
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from vigil.backtest.errors import BacktestError
from vigil.emulator.store import MetricKey
from vigil.plan.types import MetricFilterPlan, NamespacePlan

_TOKEN = re.compile(
    r'\s*(?:(?P<op>&&|\|\||>=|<=|!=|=|<|>|\(|\)|\{|\})|(?P<str>"(?:[^"\\]|\\.)*")'
    r"|(?P<sel>\$(?:\.[\w@-]+|\[\d+\])*)|(?P<word>[^\s()&|=!<>{}]+))"
)
_MISSING = object()


class Pattern(Protocol):
    """A compiled filter pattern."""

    def match(self, event: Any) -> bool:
        """True when the parsed JSON ``event`` matches."""
        ...


@dataclass(frozen=True)
class _Compiled:
    test: Callable[[Any], bool]
    needs: frozenset[str] | None = None  # a match needs at least one of these top-level keys (None: unknown)

    def match(self, event: Any) -> bool:
        return isinstance(event, dict) and self.test(event)


def _select(doc: Any, selector: str) -> Any:
    for part in re.findall(r"\.([\w@-]+)|\[(\d+)\]", selector[1:]):
        name, index = part
        if name:
            doc = doc.get(name, _MISSING) if isinstance(doc, dict) else _MISSING
        else:
            doc = doc[int(index)] if isinstance(doc, list) and int(index) < len(doc) else _MISSING
        if doc is _MISSING:
            return _MISSING
    return doc


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.tokens = [m.group(0).strip() for m in _TOKEN.finditer(pattern) if m.group(0).strip()]
        self.pos = 0
        self.roots: set[str] = set()
        self.matches_missing = False

    def fail(self, what: str) -> BacktestError:
        return BacktestError(f"metric filter pattern {self.pattern!r}: {what}")

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise self.fail("ends too early")
        self.pos += 1
        return token

    def parse(self) -> Callable[[Any], bool]:
        if self.take() != "{":
            raise self.fail("only JSON patterns `{ $.field = value }` are supported by Vigil's backtester")
        test = self.disjunction()
        if self.take() != "}" or self.peek() is not None:
            raise self.fail("expected `}` at the end")
        return test

    def disjunction(self) -> Callable[[Any], bool]:
        parts = [self.conjunction()]
        while self.peek() == "||":
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else (lambda doc: any(p(doc) for p in parts))

    def conjunction(self) -> Callable[[Any], bool]:
        parts = [self.atom()]
        while self.peek() == "&&":
            self.take()
            parts.append(self.atom())
        return parts[0] if len(parts) == 1 else (lambda doc: all(p(doc) for p in parts))

    def atom(self) -> Callable[[Any], bool]:
        token = self.take()
        if token == "(":
            inner = self.disjunction()
            if self.take() != ")":
                raise self.fail("unbalanced parentheses")
            return inner
        if not token.startswith("$"):
            raise self.fail(f"expected a selector like $.level, got {token!r}")
        root = re.match(r"\$\.([\w@-]+)", token)
        if root is None:
            self.matches_missing = True
        else:
            self.roots.add(root.group(1))
        op = self.take()
        if op in ("IS", "NOT"):
            return self.keyword(token, op)
        return _comparison(token, op, self.take(), self)

    def keyword(self, selector: str, op: str) -> Callable[[Any], bool]:
        word = self.take()
        if op == "NOT" and word == "EXISTS":
            self.matches_missing = True
            return lambda doc: _select(doc, selector) is _MISSING
        expected = {"NULL": None, "TRUE": True, "FALSE": False}
        if op == "IS" and word in expected:
            want = expected[word]
            return lambda doc: _select(doc, selector) is want
        raise self.fail(f"unknown `{op} {word}`")


def _comparison(selector: str, op: str, raw: str, parser: _Parser) -> Callable[[Any], bool]:
    if op not in ("=", "!=", "<", ">", "<=", ">="):
        raise parser.fail(f"unknown operator {op!r}")
    number = None if raw.startswith('"') else _number(raw)
    if number is not None:
        compare: Callable[[float], bool] = {
            "=": lambda a: a == number,
            "!=": lambda a: a != number,
            "<": lambda a: a < number,
            ">": lambda a: a > number,
            "<=": lambda a: a <= number,
            ">=": lambda a: a >= number,
        }[op]

        def numeric(doc: Any) -> bool:
            value = _select(doc, selector)
            return type(value) in (int, float) and compare(value)

        return numeric
    if op not in ("=", "!="):
        raise parser.fail(f"{op} compares numbers only, got {raw}")
    text = raw[1:-1].replace('\\"', '"') if raw.startswith('"') else raw
    wildcard = "*" in text

    def string(doc: Any) -> bool:
        value = _select(doc, selector)
        if type(value) is not str:
            return op == "!=" and value is not _MISSING
        equal = fnmatch.fnmatchcase(value, text) if wildcard else value == text
        return equal if op == "=" else not equal

    return string


def compile_json_pattern(pattern: str) -> Pattern:
    """Compile a JSON filter pattern of the subset in the module docstring; raises :class:`BacktestError`."""
    parser = _Parser(pattern)
    test = parser.parse()
    return _Compiled(test, None if parser.matches_missing else frozenset(parser.roots))


def compile_pattern(pattern: str) -> Pattern:
    """A metric filter pattern in CloudWatch Logs' full pattern language (:mod:`vigil.emulator.logfilter`)."""
    from vigil.emulator import logfilter

    compiled: Pattern = logfilter.compile_pattern(pattern)
    return compiled


@dataclass(frozen=True)
class _Filter:
    plan: MetricFilterPlan
    pattern: Pattern


class MetricFilters:
    """Every metric filter of a stack, ready to apply to parsed JSON log events."""

    def __init__(self, namespaces: Iterable[NamespacePlan]) -> None:
        self.by_service: dict[str, list[_Filter]] = {}
        self.without_dimensions: list[_Filter] = []
        for namespace in namespaces:
            for plan in namespace.metric_filters:
                compiled = _Filter(plan, compile_pattern(plan.pattern))
                self.by_service.setdefault(namespace.service, []).append(compiled)
                if not plan.dimensions:
                    self.without_dimensions.append(compiled)

    def __bool__(self) -> bool:
        return bool(self.by_service)

    def candidates(self, doc: dict[str, Any]) -> list[_Filter]:
        """The filters of the event's log group (by its ``service`` field)."""
        service = doc.get("service")
        return self.by_service.get(service, []) if type(service) is str else self.without_dimensions

    def apply(self, doc: dict[str, Any], timestamp: float) -> list[tuple[MetricKey, float, float]]:
        """``(key, timestamp, value)`` of every metric the event publishes."""
        filters = self.candidates(doc)
        out: list[tuple[MetricKey, float, float]] = []
        for item in filters:
            plan = item.plan
            needs = getattr(item.pattern, "needs", None)
            if (needs is None or not needs.isdisjoint(doc)) and item.pattern.match(doc):
                value = _value(plan.value, doc)
                dims = _dimensions(plan, doc)
                if value is not None and dims is not None:
                    out.append((MetricKey(plan.namespace, plan.metric_name, dims), timestamp, value))
            elif plan.default_value is not None and not plan.dimensions:
                out.append((MetricKey(plan.namespace, plan.metric_name, ()), timestamp, plan.default_value))
        return out


def _value(spec: str, doc: dict[str, Any]) -> float | None:
    if spec.startswith("$"):
        value: Any = _select(doc, spec)
        return float(value) if type(value) in (int, float) else None
    return _number(spec)


def _dimensions(plan: MetricFilterPlan, doc: dict[str, Any]) -> tuple[tuple[str, str], ...] | None:
    pairs = []
    for name, spec in plan.dimensions.items():
        value = _select(doc, spec) if spec.startswith("$") else spec
        if value is _MISSING or value is None or isinstance(value, dict | list):
            return None
        pairs.append((name, str(value)))
    return tuple(sorted(pairs))


def event_time(doc: dict[str, Any]) -> float | None:
    """Epoch seconds of a JSON log line without an ingestion record: its ``timestamp`` (ISO 8601 or epoch ms)."""
    stamp: Any = doc.get("timestamp")
    if type(stamp) in (int, float):
        return float(stamp) / 1000.0
    if type(stamp) is str:
        try:
            parsed = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        except ValueError:
            return None
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()
    return None
