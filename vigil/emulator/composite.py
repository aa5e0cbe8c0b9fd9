"""Composite alarm rules (CloudWatch ``AlarmRule`` strings) parsed and evaluated over child states.

Grammar, as PutCompositeAlarm and the user guide document it: ``ALARM(name)``, ``OK(name)``,
``INSUFFICIENT_DATA(name)`` (the name or ARN quoted with double quotes or not), ``TRUE``, ``FALSE``, ``AND``,
``OR``, ``NOT``, parentheses, and ``AT_LEAST(threshold, STATE, (name, name, ...))`` where the threshold is a
count or a percentage (``50%``) and ``STATE`` is ALARM, OK, INSUFFICIENT_DATA or one of them after ``NOT``.
``NOT`` binds tightest, then ``AND``, then ``OR``. An ARN stands for the alarm named after ``:alarm:``.

>>> rule = parse_rule('(ALARM("a") OR ALARM("b")) AND NOT OK(c)')
>>> rule.children()
('a', 'b', 'c')
>>> rule.holds({"a": "OK", "b": "ALARM", "c": "INSUFFICIENT_DATA"})
True
>>> quorum = parse_rule("AT_LEAST(50%, NOT OK, (w1, w2, w3, w4))")
>>> quorum.holds({"w1": "ALARM", "w2": "INSUFFICIENT_DATA", "w3": "OK", "w4": "OK"})
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from vigil.emulator.errors import EvaluateError

_STATES = ("ALARM", "OK", "INSUFFICIENT_DATA")
_TOKEN = re.compile(
    r'\s*(?:"(?P<quoted>[^"]*)"|(?P<number>[0-9]+(?:\.[0-9]+)?%?)(?![^\s(),"])|(?P<punct>[(),])'
    r'|(?P<word>[^\s(),"]+))'
)


@dataclass(frozen=True)
class StateOf:
    """``STATE(name)``: the child is in ``state``."""

    state: str
    name: str


@dataclass(frozen=True)
class Const:
    """``TRUE`` or ``FALSE``."""

    value: bool


@dataclass(frozen=True)
class Not:
    """``NOT x``."""

    operand: Node


@dataclass(frozen=True)
class BoolOp:
    """``a AND b`` (``op`` "AND") or ``a OR b`` (``op`` "OR")."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class AtLeastOf:
    """``AT_LEAST(threshold, [NOT] STATE, (names))``: ``percent`` tells a percentage from a count."""

    threshold: float
    percent: bool
    negated: bool
    state: str
    names: tuple[str, ...]

    def holds(self, states: Mapping[str, str]) -> bool:
        """True when enough of ``names`` are (or, negated, are not) in ``state``."""
        count = sum((states.get(n, "INSUFFICIENT_DATA") == self.state) != self.negated for n in self.names)
        if self.percent:
            return count * 100 >= self.threshold * len(self.names)
        return count >= self.threshold


Node = StateOf | Const | Not | BoolOp | AtLeastOf


@dataclass(frozen=True)
class Rule:
    """A parsed rule; :meth:`holds` evaluates it over child states."""

    node: Node

    def children(self) -> tuple[str, ...]:
        """Alarm names the rule reads, in first-use order."""
        return tuple(dict.fromkeys(_names(self.node)))

    def holds(self, states: Mapping[str, str]) -> bool:
        """True when the rule is TRUE for the children's ``states`` (a missing child counts as INSUFFICIENT_DATA)."""
        return _holds(self.node, states)


def _names(node: Node) -> list[str]:
    if isinstance(node, StateOf):
        return [node.name]
    if isinstance(node, AtLeastOf):
        return list(node.names)
    if isinstance(node, Not):
        return _names(node.operand)
    if isinstance(node, BoolOp):
        return _names(node.left) + _names(node.right)
    return []


def _holds(node: Node, states: Mapping[str, str]) -> bool:
    if isinstance(node, StateOf):
        return states.get(node.name, "INSUFFICIENT_DATA") == node.state
    if isinstance(node, Const):
        return node.value
    if isinstance(node, Not):
        return not _holds(node.operand, states)
    if isinstance(node, AtLeastOf):
        return node.holds(states)
    left = _holds(node.left, states)
    if node.op == "AND":
        return left and _holds(node.right, states)
    return left or _holds(node.right, states)


def _alarm_name(reference: str) -> str:
    """An alarm name, or the name inside an alarm ARN (``arn:aws:cloudwatch:region:account:alarm:name``)."""
    if reference.startswith("arn:") and ":alarm:" in reference:
        return reference.split(":alarm:", 1)[1]
    return reference


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """``(kind, value, column)`` tokens: ``quoted``, ``number``, ``punct`` or ``word``."""
    out: list[tuple[str, str, int]] = []
    pos = 0
    while text[pos:].strip():
        match = _TOKEN.match(text, pos)
        if match is None:  # only an unterminated quote gets here
            raise EvaluateError(f"alarm rule: unterminated quote at column {pos + 1}: {text!r}")
        kind = match.lastgroup or "word"
        out.append((kind, match.group(kind), match.start(kind) + 1))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def fail(self, expected: str) -> EvaluateError:
        token = self.peek()
        found = f"{token[1]!r} at column {token[2]}" if token else "the end"
        return EvaluateError(f"alarm rule: expected {expected} but found {found}: {self.text!r}")

    def take(self, value: str | None = None, *, kind: str | None = None, expected: str = "more") -> str:
        token = self.peek()
        if token is None or (value is not None and token[1] != value) or (kind is not None and token[0] != kind):
            raise self.fail(value or expected)
        self.pos += 1
        return token[1]

    def at(self, value: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "word" and token[1] == value

    def expr(self) -> Node:
        node = self.term()
        while self.at("OR"):
            self.take()
            node = BoolOp("OR", node, self.term())
        return node

    def term(self) -> Node:
        node = self.factor()
        while self.at("AND"):
            self.take()
            node = BoolOp("AND", node, self.factor())
        return node

    def factor(self) -> Node:
        token = self.peek()
        if token is None:
            raise self.fail("a rule")
        kind, value, _ = token
        if value == "(" and kind == "punct":
            self.take()
            node = self.expr()
            self.take(")")
            return node
        if kind != "word":
            raise self.fail("ALARM(...), OK(...), INSUFFICIENT_DATA(...), AT_LEAST(...), NOT, TRUE, FALSE or (")
        if value == "NOT":
            self.take()
            return Not(self.factor())
        if value in ("TRUE", "FALSE"):
            self.take()
            return Const(value == "TRUE")
        if value in _STATES:
            self.take()
            self.take("(")
            name = self.name()
            self.take(")")
            return StateOf(value, name)
        if value == "AT_LEAST":
            return self.at_least()
        raise self.fail("ALARM(...), OK(...), INSUFFICIENT_DATA(...), AT_LEAST(...), NOT, TRUE, FALSE or (")

    def name(self) -> str:
        token = self.peek()
        if token is None or token[0] not in ("quoted", "word", "number"):
            raise self.fail("an alarm name")
        self.pos += 1
        return _alarm_name(token[1])

    def at_least(self) -> AtLeastOf:
        self.take("AT_LEAST")
        self.take("(")
        raw = self.take(kind="number", expected="a count or a percentage")
        percent = raw.endswith("%")
        threshold = float(raw.rstrip("%"))
        self.take(",")
        negated = self.at("NOT")
        if negated:
            self.take()
        state = self.take(kind="word", expected="ALARM, OK or INSUFFICIENT_DATA")
        if state not in _STATES:
            self.pos -= 1
            raise self.fail("ALARM, OK or INSUFFICIENT_DATA")
        self.take(",")
        self.take("(")
        names = [self.name()]
        while (token := self.peek()) is not None and token[1] == ",":
            self.take(",")
            names.append(self.name())
        self.take(")")
        self.take(")")
        if percent and not 0 < threshold <= 100:
            raise EvaluateError(f"alarm rule: AT_LEAST percentage {raw} is not within 1%..100%: {self.text!r}")
        if not percent and not 1 <= threshold <= len(names):
            raise EvaluateError(
                f"alarm rule: AT_LEAST count {raw} is not within 1..{len(names)} (the alarms listed): {self.text!r}"
            )
        return AtLeastOf(threshold, percent, negated, state, tuple(names))


def parse_rule(text: str) -> Rule:
    """Parse a CloudWatch ``AlarmRule``; :class:`EvaluateError` names what is wrong and where."""
    parser = _Parser(text)
    node = parser.expr()
    token = parser.peek()
    if token is not None:
        raise EvaluateError(f"alarm rule: unexpected {token[1]!r} at column {token[2]} after a complete rule: {text!r}")
    return Rule(node)
