"""CloudWatch Logs filter patterns and metric filters, evaluated offline on log events.

Supported pattern forms (the CloudWatch syntax, case-sensitive like CloudWatch):

- JSON: ``{ $.level = "ERROR" }``, ``{ $.a.b[0].c != "x*" }`` (``*`` is a wildcard in string values),
  unquoted strings (``{ $.eventType = UpdateTrail }``), numbers with ``= != < > <= >=``, ``{ $.x = * }``
  (the field exists), ``IS NULL``, ``NOT EXISTS``, ``IS TRUE`` / ``IS FALSE``, ``%regex%`` values,
  ``&&``, ``||`` and parentheses.
- Terms on the raw text: ``""`` (every event), ``ERROR`` (contains), ``"exact phrase"``, ``ERROR Exception``
  (all), ``?ERROR ?WARN`` (any), ``-DEBUG`` (excluded).

Space-delimited patterns (``[ip, user, ...]``) raise :class:`FilterPatternError`.

Semantics chosen where CloudWatch's documentation is silent (written down so tests can pin them): a
comparison on a field the event does not have is false, except ``NOT EXISTS``; a string comparison never
matches a number (``{ $.status = "500" }`` does not match ``"status": 500``) and a numeric one never
matches a string. A metric filter emits nothing for an event whose value field (``$.field``) is missing or
not a number, or that lacks a dimension field.

Example::

    >>> pattern = compile_pattern('{ $.level = "ERROR" || $.latency > 500 }')
    >>> pattern.match('{"level": "ERROR"}'), pattern.match({"level": "INFO", "latency": 900}), pattern.match("ERROR")
    (True, True, False)
    >>> errors = compile_metric_filter('{ $.level = "ERROR" }', "1", {"Service": "$.service"})
    >>> errors.extract({"level": "ERROR", "service": "api"})
    MetricDatum(value=1.0, dimensions={'Service': 'api'})
"""

from __future__ import annotations

import fnmatch
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from vigil.emulator.errors import EvaluateError

_MISSING: Final = object()
Predicate = Callable[[Any], bool]


class FilterPatternError(EvaluateError, ValueError):
    """A filter pattern this module cannot parse (the message names the position and what was expected)."""


@dataclass(frozen=True)
class MetricDatum:
    """One value a metric filter emits for one log event, with its dimension values."""

    value: float
    dimensions: dict[str, str] = field(default_factory=dict)


def parse_event(event: Mapping[str, Any] | str) -> tuple[Any, str]:
    """The JSON value of an event (``_MISSING``-free: ``None`` when it is not a JSON object) and its raw text."""
    if isinstance(event, str):
        try:
            doc = json.loads(event)
        except ValueError:
            return None, event
        return (doc if isinstance(doc, dict) else None), event
    return event, json.dumps(event, separators=(",", ":"), default=str)


def select(doc: Any, selector: str) -> Any:
    """The value at ``$.a.b[0]`` in ``doc``, or the module's missing marker (test with :func:`has_value`)."""
    current = doc
    for part in _selector_parts(selector):
        if isinstance(part, int):
            if not isinstance(current, list) or not -len(current) <= part < len(current):
                return _MISSING
            current = current[part]
        elif isinstance(current, Mapping) and part in current:
            current = current[part]
        else:
            return _MISSING
    return current


def has_value(value: Any) -> bool:
    """False for the missing marker :func:`select` returns."""
    return value is not _MISSING


def _selector_parts(selector: str) -> list[str | int]:
    if not selector.startswith("$"):
        raise FilterPatternError(f"selector {selector!r} must start with '$.'")
    parts: list[str | int] = []
    for name, index in re.findall(r"\.([^.\[\]\s]+)|\[(-?\d+)\]", selector[1:]):
        parts.append(int(index) if index else name)
    return parts


class Pattern:
    """A compiled filter pattern; :meth:`match` takes a raw log line or an already parsed JSON object."""

    def __init__(self, text: str, test: Callable[[Any, str], bool], selectors: tuple[str, ...]) -> None:
        self.text = text
        self._test = test
        self.selectors = selectors

    def match(self, event: Mapping[str, Any] | str) -> bool:
        """True when CloudWatch would count ``event`` as matching this pattern."""
        doc, raw = parse_event(event)
        return self._test(doc, raw)

    def __repr__(self) -> str:
        return f"Pattern({self.text!r})"


def compile_pattern(pattern: str) -> Pattern:
    """Compile a CloudWatch filter pattern (see the module docstring for the supported forms).

    >>> compile_pattern('{ $.event = "auth.login" && $.outcome = "failure" }').match(
    ...     {"event": "auth.login", "outcome": "failure"})
    True
    """
    text = pattern.strip()
    if text.startswith("{"):
        if not text.endswith("}"):
            raise FilterPatternError(f"JSON pattern {pattern!r} must end with '}}'")
        parser = _JsonParser(text[1:-1])
        predicate = parser.parse()
        selectors = tuple(parser.selectors)
        return Pattern(pattern, lambda doc, raw: doc is not None and predicate(doc), selectors)
    if text.startswith("["):
        raise FilterPatternError(f"space-delimited pattern {pattern!r} is not supported; use a JSON pattern")
    return Pattern(pattern, _terms(text), ())


def _terms(text: str) -> Callable[[Any, str], bool]:
    required: list[str] = []
    optional: list[str] = []
    excluded: list[str] = []
    for match in re.finditer(r'([?\-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))', text):
        prefix, quoted, bare = match.groups()
        term = quoted if quoted is not None else bare
        {"?": optional, "-": excluded}.get(prefix, required).append(term)

    def test(doc: Any, raw: str) -> bool:
        if any(term in raw for term in excluded) or not all(term in raw for term in required):
            return False
        return not optional or any(term in raw for term in optional)

    return test


_TOKENS = re.compile(
    r"\s*(?:(?P<op>&&|\|\||!=|<=|>=|=|<|>|\(|\))|(?P<sel>\$[^\s=!<>()&|]*)"
    r'|(?P<str>"(?:[^"\\]|\\.)*")|(?P<re>%(?:[^%\\]|\\.)+%)|(?P<word>[^\s=!<>()&|"]+))'
)


class _JsonParser:
    """Recursive descent over ``a || b``, ``a && b``, ``( ... )`` and comparisons."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.tokens: list[tuple[str, str]] = []
        self.selectors: list[str] = []
        pos = 0
        while pos < len(body):
            match = _TOKENS.match(body, pos)
            if match is None or match.end() == pos:
                if body[pos:].strip() == "":
                    break
                raise FilterPatternError(f"cannot read {body[pos:]!r} in JSON pattern {{{body}}}")
            kind = match.lastgroup or ""
            self.tokens.append((kind, match.group(kind)))
            pos = match.end()
        self.pos = 0

    def parse(self) -> Predicate:
        if not self.tokens:
            raise FilterPatternError("empty JSON pattern '{ }': write a comparison such as { $.level = \"ERROR\" }")
        predicate = self._or()
        if self.pos != len(self.tokens):
            raise FilterPatternError(f"unexpected {self.tokens[self.pos][1]!r} in JSON pattern {{{self.body}}}")
        return predicate

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _take(self) -> tuple[str, str]:
        token = self._peek()
        if token is None:
            raise FilterPatternError(f"JSON pattern {{{self.body}}} ends too early")
        self.pos += 1
        return token

    def _or(self) -> Predicate:
        parts = [self._and()]
        while self._peek() == ("op", "||"):
            self.pos += 1
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else (lambda doc: any(p(doc) for p in parts))

    def _and(self) -> Predicate:
        parts = [self._atom()]
        while self._peek() == ("op", "&&"):
            self.pos += 1
            parts.append(self._atom())
        return parts[0] if len(parts) == 1 else (lambda doc: all(p(doc) for p in parts))

    def _atom(self) -> Predicate:
        kind, text = self._take()
        if (kind, text) == ("op", "("):
            inner = self._or()
            if self._take() != ("op", ")"):
                raise FilterPatternError(f"missing ')' in JSON pattern {{{self.body}}}")
            return inner
        if kind != "sel":
            raise FilterPatternError(f"expected a selector like $.level, got {text!r} in {{{self.body}}}")
        self.selectors.append(text)
        _selector_parts(text)
        return self._comparison(text)

    def _comparison(self, selector: str) -> Predicate:
        kind, op = self._take()
        if kind == "word" and op in ("IS", "NOT"):
            return self._keyword(selector, op)
        if kind != "op" or op in ("&&", "||", "(", ")"):
            raise FilterPatternError(f"expected an operator after {selector} in {{{self.body}}}, got {op!r}")
        value_kind, value = self._take()
        if value_kind not in ("word", "str", "re"):
            raise FilterPatternError(f"expected a value after {selector} {op} in {{{self.body}}}, got {value!r}")
        test = _value_test(op, value_kind, value, selector)

        def compare(doc: Any) -> bool:
            found = select(doc, selector)
            return found is not _MISSING and test(found)

        return compare

    def _keyword(self, selector: str, first: str) -> Predicate:
        _, second = self._take()
        phrase = f"{first} {second}"
        checks: dict[str, Predicate] = {
            "IS NULL": lambda v: v is None,
            "IS TRUE": lambda v: v is True,
            "IS FALSE": lambda v: v is False,
        }
        if phrase == "NOT EXISTS":
            return lambda doc: select(doc, selector) is _MISSING
        check = checks.get(phrase)
        if check is None:
            raise FilterPatternError(
                f"unknown test {phrase!r} after {selector}: use IS NULL, IS TRUE, IS FALSE, NOT EXISTS"
            )
        return lambda doc: (found := select(doc, selector)) is not _MISSING and check(found)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _value_test(op: str, kind: str, value: str, selector: str) -> Predicate:
    """The test one comparison applies to the selected value."""
    if kind == "word" and value == "*" and op in ("=", "!="):
        return (lambda v: True) if op == "=" else (lambda v: False)
    number = _number(value) if kind == "word" else None
    if number is not None:
        compare = _NUMERIC[op]
        return lambda v: _is_number(v) and compare(float(v), number)
    if op not in ("=", "!="):
        raise FilterPatternError(f"{selector} {op} {value}: '{op}' compares numbers only")
    if kind == "re":
        regex = re.compile(value[1:-1])
        matches: Predicate = lambda v: isinstance(v, str) and regex.search(v) is not None  # noqa: E731
    else:
        literal = json.loads(value) if kind == "str" else value
        if "*" in literal:
            glob = re.compile(fnmatch.translate(literal.replace("[", "[[]")), re.DOTALL)
            matches = lambda v: isinstance(v, str) and glob.match(v) is not None  # noqa: E731
        else:
            matches = lambda v: isinstance(v, str) and v == literal  # noqa: E731
    if op == "=":
        return matches
    return lambda v: isinstance(v, str) and not matches(v)


def _number(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


_NUMERIC: Final[dict[str, Callable[[float, float], bool]]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


class MetricFilter:
    """A metric filter: pattern, metric value (a number or ``$.field``), dimensions and default value."""

    def __init__(
        self, pattern: Pattern, value: str, dimensions: Mapping[str, str], default_value: float | None
    ) -> None:
        self.pattern = pattern
        self.value = value
        self.dimensions = dict(dimensions)
        self.default_value = default_value
        self._literal = None if value.startswith("$") else _number(value)
        if self._literal is None and not value.startswith("$."):
            raise FilterPatternError(f"metric value {value!r} must be a number or a $.field selector")

    def extract(self, event: Mapping[str, Any] | str) -> MetricDatum | None:
        """The datum CloudWatch would publish for ``event``, or None when it publishes nothing."""
        doc, raw = parse_event(event)
        if not self.pattern._test(doc, raw):
            return None if self.default_value is None else MetricDatum(float(self.default_value))
        value = self._literal
        if value is None:
            found: Any = select(doc, self.value) if doc is not None else _MISSING
            if not _is_number(found):
                return None
            value = float(found)
        dims: dict[str, str] = {}
        for name, source in self.dimensions.items():
            found = select(doc, source) if source.startswith("$") and doc is not None else source
            if found is _MISSING or found is None or isinstance(found, dict | list):
                return None
            dims[name] = _dimension_text(found)
        return MetricDatum(value, dims)


def _dimension_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def compile_metric_filter(
    pattern: str, value: str = "1", dimensions: Mapping[str, str] | None = None, default_value: float | None = None
) -> MetricFilter:
    """Compile a metric filter (CloudWatch's ``MetricTransformation`` fields).

    CloudWatch refuses a default value together with dimensions; so does this function.

    >>> f = compile_metric_filter('{ $.latency = * }', "$.latency")
    >>> f.extract({"latency": 12.5}), f.extract({"latency": "slow"})
    (MetricDatum(value=12.5, dimensions={}), None)
    """
    if default_value is not None and dimensions:
        raise FilterPatternError("a metric filter cannot have both a default value and dimensions (CloudWatch rule)")
    return MetricFilter(compile_pattern(pattern), value, dimensions or {}, default_value)
