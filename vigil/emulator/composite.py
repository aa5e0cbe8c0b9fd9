"""Composite alarm rules (CloudWatch ``AlarmRule`` strings) parsed and evaluated over child states.

Grammar, as the user guide documents it: ``ALARM(name)``, ``OK(name)``, ``INSUFFICIENT_DATA(name)`` (the name
quoted with double quotes or not), ``TRUE``, ``FALSE``, ``AND``, ``OR``, ``NOT`` and parentheses. ``NOT`` binds
tightest, then ``AND``, then ``OR``.

>>> rule = parse_rule('(ALARM("a") OR ALARM("b")) AND NOT OK(c)')
>>> rule.children()
('a', 'b', 'c')
>>> rule.holds({"a": "OK", "b": "ALARM", "c": "INSUFFICIENT_DATA"})
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from vigil.emulator.errors import EvaluateError

_TOKEN = re.compile(
    r'\s*(?:(?P<call>ALARM|OK|INSUFFICIENT_DATA)\s*\(\s*(?:"(?P<quoted>[^"]*)"|(?P<bare>[^()"\s]+))\s*\)'
    r"|(?P<paren>[()])|(?P<word>[A-Za-z_]+))"
)


@dataclass(frozen=True)
class Rule:
    """A parsed rule: a tree of ``("state", STATE, name)``, ``("const", bool)``, ``("not", x)``, ``("and"|"or", a, b)``."""

    node: tuple[object, ...]

    def children(self) -> tuple[str, ...]:
        """Alarm names the rule reads, in first-use order."""
        seen: dict[str, None] = {}

        def walk(node: tuple[object, ...]) -> None:
            if node[0] == "state":
                seen.setdefault(str(node[2]))
            for part in node[1:]:
                if isinstance(part, tuple):
                    walk(part)

        walk(self.node)
        return tuple(seen)

    def holds(self, states: Mapping[str, str]) -> bool:
        """True when the rule is TRUE for the children's ``states`` (a missing child counts as INSUFFICIENT_DATA)."""
        return _holds(self.node, states)


def _holds(node: tuple[object, ...], states: Mapping[str, str]) -> bool:
    kind = node[0]
    if kind == "state":
        return states.get(str(node[2]), "INSUFFICIENT_DATA") == node[1]
    if kind == "const":
        return bool(node[1])
    if kind == "not":
        return not _holds(node[1], states)  # type: ignore[arg-type]
    left = _holds(node[1], states)  # type: ignore[arg-type]
    if kind == "and":
        return left and _holds(node[2], states)  # type: ignore[arg-type]
    return left or _holds(node[2], states)  # type: ignore[arg-type]


def _tokens(text: str) -> list[tuple[str, str]]:
    """``(kind, value)`` tokens: ``call`` (value ``STATE:name``), ``(``, ``)``, ``word``."""
    out: list[tuple[str, str]] = []
    pos = 0
    while text[pos:].strip():
        match = _TOKEN.match(text, pos)
        if match is None:
            raise EvaluateError(f"alarm rule: cannot read {text[pos:].strip()[:30]!r} at column {pos + 1}: {text!r}")
        if match.group("call"):
            name = match.group("quoted") if match.group("quoted") is not None else match.group("bare")
            out.append(("call", f"{match.group('call')}:{name}"))
        elif match.group("paren"):
            out.append((match.group("paren"), match.group("paren")))
        else:
            out.append(("word", match.group("word")))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (expected is not None and token[1] != expected):
            found = token[1] if token else "the end"
            raise EvaluateError(f"alarm rule: expected {expected or 'more'} but found {found}: {self.text!r}")
        self.pos += 1
        return token

    def expr(self) -> tuple[object, ...]:
        node = self.term()
        while self.peek() == ("word", "OR"):
            self.take()
            node = ("or", node, self.term())
        return node

    def term(self) -> tuple[object, ...]:
        node = self.factor()
        while self.peek() == ("word", "AND"):
            self.take()
            node = ("and", node, self.factor())
        return node

    def factor(self) -> tuple[object, ...]:
        kind, value = self.take()
        if kind == "call":
            state, name = value.split(":", 1)
            return ("state", state, name)
        if kind == "(":
            node = self.expr()
            self.take(")")
            return node
        if value == "NOT":
            return ("not", self.factor())
        if value in ("TRUE", "FALSE"):
            return ("const", value == "TRUE")
        raise EvaluateError(f"alarm rule: unexpected {value!r}: {self.text!r}")


def parse_rule(text: str) -> Rule:
    """Parse a CloudWatch ``AlarmRule``; :class:`EvaluateError` names what is wrong."""
    parser = _Parser(text)
    node = parser.expr()
    if parser.peek() is not None:
        raise EvaluateError(f"alarm rule: unexpected {parser.tokens[parser.pos][1]!r} after a complete rule: {text!r}")
    return Rule(node)
