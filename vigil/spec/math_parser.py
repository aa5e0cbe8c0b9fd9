"""Tokenizer and recursive-descent parser for CloudWatch metric math: syntax only, into a typed AST.

Names are not checked here (that is :mod:`vigil.spec.metric_math`, which owns the function table). Operator
precedence, lowest first (the user guide does not publish one; this is the usual order of C-like languages)::

    OR ||   <   AND &&   <   == != < <= > >=   <   + -   <   * /   <   unary - NOT !   <   ^ (right-assoc)

so ``a > 1 AND b > 2`` is ``(a > 1) AND (b > 2)`` and ``-2 ^ 2`` is ``-(2 ^ 2)``. Numbers are plain decimals
(``5``, ``50.25``, ``.5``); strings use single or double quotes.

>>> parse_syntax("100 * FILL(errors, 0) / requests")
Binary(op='/', left=Binary(op='*', left=Number(value=100.0, column=1), right=Call(name='FILL', args=(Ident(name='errors', column=12), Number(value=0.0, column=20)), column=7), column=5), right=Ident(name='requests', column=25), column=23)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeAlias


class MathSyntaxError(ValueError):
    """A metric math expression that CloudWatch would refuse, with the 1-based column it was found at.

    ``str(exc)`` is the whole message, e.g. ``unexpected ')' at column 12``.
    """

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


@dataclass(frozen=True)
class Number:
    """A numeric literal."""

    value: float
    column: int


@dataclass(frozen=True)
class String:
    """A quoted string (the argument of ``METRICS('errors')`` or ``SEARCH('...')``)."""

    value: str
    column: int


@dataclass(frozen=True)
class Ident:
    """A metric or expression id (starts with a lowercase letter)."""

    name: str
    column: int


@dataclass(frozen=True)
class Word:
    """An uppercase bare word that is not a call: ``REPEAT``, ``LINEAR``, ``ASC``, ``DESC``, ``AVG`` in ``SORT``."""

    name: str
    column: int


@dataclass(frozen=True)
class Call:
    """A function call ``NAME(args)``."""

    name: str
    args: tuple[Node, ...]
    column: int


@dataclass(frozen=True)
class Array:
    """An array literal ``[m1, m2]`` (an array of time series)."""

    items: tuple[Node, ...]
    column: int


@dataclass(frozen=True)
class Unary:
    """``-x`` or ``NOT x`` (also written ``!x``); ``op`` is ``-`` or ``NOT``."""

    op: str
    operand: Node
    column: int


@dataclass(frozen=True)
class Binary:
    """``left op right``; ``op`` is one of ``+ - * / ^ == != < <= > >= AND OR`` (``&&``/``||`` normalised)."""

    op: str
    left: Node
    right: Node
    column: int


Node: TypeAlias = Number | String | Ident | Word | Call | Array | Unary | Binary

_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<number>\d+(?:\.\d*)?|\.\d+)
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<op>==|!=|<=|>=|&&|\|\||[-+*/^<>!(),\[\]])""",
    re.VERBOSE,
)
_WORD_OPS = {"AND": "AND", "OR": "OR", "NOT": "NOT", "&&": "AND", "||": "OR", "!": "NOT"}
_COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
#: Deepest nesting (parentheses, calls, arrays, operator chains) Vigil parses; deeper input is refused, not crashed on.
MAX_DEPTH = 40
#: Deepest tree (a chain ``a + b + c ...`` is one level per operator) the checker and evaluator walk recursively.
MAX_TREE_DEPTH = 120


@dataclass(frozen=True)
class Token:
    """One lexical token: kind (number, string, name, op, end), its text and 1-based column."""

    kind: str
    text: str
    column: int


def tokenize(expression: str) -> list[Token]:
    """Split ``expression`` into tokens, ending with an ``end`` token.

    >>> [t.text for t in tokenize("m1 >= 2.5 && !m2")]
    ['m1', '>=', '2.5', '&&', '!', 'm2', '']
    """
    tokens: list[Token] = []
    pos = 0
    while pos < len(expression):
        match = _TOKEN.match(expression, pos)
        if match is None:
            char = expression[pos]
            hint = " (strings use straight quotes ' or \")" if char in "\u2018\u2019\u201c\u201d" else ""
            if char in "'\"":
                raise MathSyntaxError(f"unterminated string starting at column {pos + 1}", pos + 1)
            raise MathSyntaxError(f"unexpected character {char!r} at column {pos + 1}{hint}", pos + 1)
        kind = match.lastgroup or "space"
        if kind != "space":
            tokens.append(Token(kind, match.group(), pos + 1))
        pos = match.end()
    tokens.append(Token("end", "", len(expression) + 1))
    return tokens


def parse_syntax(expression: str) -> Node:
    """Parse ``expression`` into an AST or raise :class:`MathSyntaxError` at the offending column."""
    if not expression.strip():
        raise MathSyntaxError("the expression is empty", 1)
    parser = _Parser(tokenize(expression))
    node = parser.expression()
    token = parser.peek()
    if token.kind != "end":
        raise MathSyntaxError(f"unexpected {_show(token)} at column {token.column}{_after_hint(token)}", token.column)
    _check_depth(node)
    return node


def _check_depth(tree: Node) -> None:
    """Refuse trees deeper than :data:`MAX_TREE_DEPTH` (long ``a + b + c ...`` chains), walked without recursion."""
    stack: list[tuple[Node, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            raise MathSyntaxError(
                f"the expression chains more than {MAX_TREE_DEPTH} operations (at column {node.column}); "
                "combine series with SUM([...]) instead",
                node.column,
            )
        if isinstance(node, Call):
            stack.extend((arg, depth + 1) for arg in node.args)
        elif isinstance(node, Array):
            stack.extend((item, depth + 1) for item in node.items)
        elif isinstance(node, Unary):
            stack.append((node.operand, depth + 1))
        elif isinstance(node, Binary):
            stack.extend(((node.left, depth + 1), (node.right, depth + 1)))


def _show(token: Token) -> str:
    return "end of expression" if token.kind == "end" else f"'{token.text}'"


def _after_hint(token: Token) -> str:
    if token.text == ")":
        return " (no '(' is open here)"
    if token.kind in ("name", "number", "string"):
        return " (an operator such as + or * is missing before it)"
    return ""


class _Parser:
    """Recursive descent over the token list, one method per precedence level."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def op(self) -> str | None:
        """The binary/unary operator at the cursor, normalised (``&&`` -> ``AND``), or None."""
        token = self.peek()
        if token.kind == "op" or (token.kind == "name" and token.text in ("AND", "OR", "NOT")):
            return _WORD_OPS.get(token.text, token.text)
        return None

    def expect(self, text: str, opened: Token) -> None:
        token = self.peek()
        if token.text != text or token.kind not in ("op",):
            where = f"to close the '{opened.text}' at column {opened.column}"
            raise MathSyntaxError(
                f"expected '{text}' {where}, found {_show(token)} at column {token.column}", token.column
            )
        self.take()

    def expression(self) -> Node:
        return self.binary(0)

    _LEVELS: tuple[tuple[str, ...], ...] = (("OR",), ("AND",), _COMPARISONS, ("+", "-"), ("*", "/"))

    def binary(self, level: int) -> Node:
        if level == len(self._LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while self.op() in self._LEVELS[level]:
            token = self.take()
            op = _WORD_OPS.get(token.text, token.text)
            right = self.binary(level + 1)
            left = Binary(op, left, right, token.column)
        return left

    def unary(self) -> Node:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                token = self.peek()
                raise MathSyntaxError(
                    f"the expression nests deeper than {MAX_DEPTH} levels at column {token.column}", token.column
                )
            return self._unary()
        finally:
            self.depth -= 1

    def _unary(self) -> Node:
        op = self.op()
        if op in ("-", "NOT", "+"):
            token = self.take()
            operand = self.unary()
            return operand if op == "+" else Unary(op, operand, token.column)
        return self.power()

    def power(self) -> Node:
        base = self.primary()
        if self.op() == "^":
            token = self.take()
            exponent = self.unary()  # right-associative, allows 2 ^ -1
            return Binary("^", base, exponent, token.column)
        return base

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "number":
            return Number(float(token.text), token.column)
        if token.kind == "string":
            return String(token.text[1:-1], token.column)
        if token.kind == "name":
            return self.name(token)
        if token.text == "(":
            inner = self.expression()
            self.expect(")", token)
            return inner
        if token.text == "[":
            return Array(self.arguments(token, "]"), token.column)
        if token.kind == "end":
            raise MathSyntaxError(
                f"the expression ends where a value is expected (column {token.column})", token.column
            )
        raise MathSyntaxError(f"unexpected '{token.text}' at column {token.column}", token.column)

    def name(self, token: Token) -> Node:
        if token.text in ("AND", "OR"):
            raise MathSyntaxError(f"'{token.text}' at column {token.column} needs a value on its left", token.column)
        if self.peek().text == "(":
            opened = self.take()
            return Call(token.text, self.arguments(opened, ")"), token.column)
        if token.text[0].islower():
            return Ident(token.text, token.column)
        return Word(token.text, token.column)

    def arguments(self, opened: Token, closer: str) -> tuple[Node, ...]:
        """Comma-separated expressions up to ``closer`` (which may follow at once: ``METRICS()``, ``[]``)."""
        args: list[Node] = []
        if self.peek().text == closer:
            self.take()
            return ()
        while True:
            args.append(self.expression())
            if self.peek().text == ",":
                self.take()
                continue
            self.expect(closer, opened)
            return tuple(args)
