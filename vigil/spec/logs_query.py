"""A Logs Insights query reader: which fields a query reads, which names it defines, which literals it compares.

Not a full grammar: enough of CloudWatch Logs Insights' query language (commands separated by ``|``: ``fields``,
``display``, ``filter``, ``stats ... by``, ``sort``, ``limit``, ``parse ... as``, ``dedup``, ``unnest ... into``
...) to know every field name a query reads, so ``vigil check`` can compare them with what the applications
write (:mod:`vigil.spec.rules.queries`). The reader never raises: text it cannot read becomes a
:class:`QueryProblem` (an unterminated string, an unknown command, unbalanced parentheses).

Names: a bare name (``level``, ``context.job_id``), a backtick-quoted one (`` `job.duration` ``) or a system
field (``@timestamp``). Names followed by ``(`` are functions; names after ``as`` (and ``parse`` captures,
``unnest ... into``) are defined by the query and read freely afterwards.

Example::

    >>> q = parse_query('fields @timestamp, context.job_id | filter level = "ERROR" | stats count(*) as n by service')
    >>> sorted({r.name for r in q.reads})
    ['@timestamp', 'context.job_id', 'level', 'service']
    >>> [(c.field, c.operator, c.literals) for c in q.comparisons]
    [('level', '=', ('ERROR',))]
    >>> q.line_of(q.comparisons[0].offset), q.problems
    (0, ())
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Commands of the query language (lower case; the language is case-insensitive for them).
COMMANDS = frozenset(
    {
        "fields",
        "display",
        "filter",
        "filterindex",
        "stats",
        "sort",
        "limit",
        "parse",
        "dedup",
        "unmask",
        "pattern",
        "diff",
        "anomaly",
        "unnest",
        "lookup",
        "source",
    }
)
#: Words that are operators or modifiers, never fields.
KEYWORDS = frozenset(
    {"and", "or", "not", "in", "like", "as", "by", "asc", "desc", "true", "false", "null", "into", "previous"}
)
_COMPARE = frozenset({"=", "==", "!=", "like", "=~", "in"})
#: Functions whose first argument is a field and second a string the field must contain.
_CONTAINS = frozenset({"strcontains"})

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<quoted>`[^`]*`)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[a-zA-Z]*)
  | (?P<name>@?[A-Za-z_][\w.]*(?<!\.))
  | (?P<op>==|!=|<=|>=|=~|[=<>+\-*/%^])
  | (?P<punct>[(),\[\]|])
    """,
    re.VERBOSE,
)
_STRING_START = re.compile(r"[\"']")
_REGEX = re.compile(r"/(?:[^/\\\n]|\\.)*/[a-z]*")
_REGEX_BEFORE = frozenset({"like", "=~", "(", ",", "[", "|", "parse", "filter", "and", "or", "not", "=", "!="})
_NAMED_GROUP = re.compile(r"\(\?P?<([A-Za-z_]\w*)>")


@dataclass(frozen=True)
class Token:
    """One token: its kind (string, regex, quoted, number, name, op, punct), its text and where it starts."""

    kind: str
    text: str
    offset: int

    @property
    def value(self) -> str:
        """A string's or backtick name's content, a regex's pattern; other tokens as written."""
        if self.kind in ("string", "quoted"):
            return self.text[1:-1]
        if self.kind == "regex":
            return self.text[1 : self.text.rindex("/")]
        return self.text


@dataclass(frozen=True)
class FieldRead:
    """A field the query reads from log events, at ``offset`` in the query text, inside ``command``."""

    name: str
    offset: int
    command: str


@dataclass(frozen=True)
class Comparison:
    """``field <operator> literal`` (or ``in [..]``, ``strcontains(field, ..)``): what the field is compared to."""

    field: str
    operator: str  # =, !=, in, like, =~, strcontains
    literals: tuple[str, ...]
    regex: bool
    offset: int


@dataclass(frozen=True)
class QueryProblem:
    """Text the reader could not make sense of."""

    message: str
    offset: int


@dataclass(frozen=True)
class ParsedQuery:
    """What one query reads, defines and compares."""

    text: str
    commands: tuple[str, ...]
    reads: tuple[FieldRead, ...]
    defined: frozenset[str]
    comparisons: tuple[Comparison, ...]
    problems: tuple[QueryProblem, ...] = ()

    def line_of(self, offset: int) -> int:
        """The 0-based line of ``offset`` within the query text."""
        return self.text.count("\n", 0, max(offset, 0))


@dataclass
class _State:
    reads: list[FieldRead] = field(default_factory=list)
    defined: set[str] = field(default_factory=set)
    comparisons: list[Comparison] = field(default_factory=list)
    problems: list[QueryProblem] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)


def tokenize(text: str) -> tuple[list[Token], list[QueryProblem]]:
    """Tokens of ``text`` (spaces dropped) and the characters that start no token.

    >>> [t.text for t in tokenize("filter x like /a|b/ | limit 5")[0]]
    ['filter', 'x', 'like', '/a|b/', '|', 'limit', '5']
    """
    tokens: list[Token] = []
    problems: list[QueryProblem] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        after_parse = len(tokens) >= 2 and tokens[-2].text.lower() == "parse"
        if char == "/" and (not tokens or tokens[-1].text.lower() in _REGEX_BEFORE or after_parse):
            regex = _REGEX.match(text, pos)
            if regex is not None:
                tokens.append(Token("regex", regex.group(), pos))
                pos = regex.end()
                continue
        match = _TOKEN.match(text, pos)
        if match is None or match.lastgroup is None:
            what = "unterminated string" if _STRING_START.match(char) or char == "`" else f"unexpected {char!r}"
            problems.append(QueryProblem(what, pos))
            if what == "unterminated string":
                break
            pos += 1
            continue
        if match.lastgroup != "space":
            tokens.append(Token(match.lastgroup, match.group(), pos))
        pos = match.end()
    return tokens, problems


def _segments(tokens: list[Token]) -> list[list[Token]]:
    """Tokens split at top-level ``|`` (a ``|`` inside parentheses or brackets stays)."""
    out: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.kind == "punct" and token.text in "([":
            depth += 1
        elif token.kind == "punct" and token.text in ")]":
            depth = max(depth - 1, 0)
        if token.kind == "punct" and token.text == "|" and depth == 0:
            out.append([])
        else:
            out[-1].append(token)
    return out


def _is_field(token: Token) -> bool:
    return token.kind == "quoted" or (token.kind == "name" and token.text.lower() not in KEYWORDS)


def _field_name(token: Token) -> str:
    return token.value if token.kind == "quoted" else token.text


def _comparisons(seg: list[Token], state: _State) -> None:
    """``field op literal``, ``literal op field``, ``field [not] in [...]`` and ``strcontains(field, "x")``."""
    for i, token in enumerate(seg):
        word = token.text.lower()
        if token.kind == "name" and word in _CONTAINS and i + 5 <= len(seg):
            _open, target, comma, literal = seg[i + 1 : i + 5]
            if _open.text == "(" and _is_field(target) and comma.text == "," and literal.kind == "string":
                state.comparisons.append(Comparison(_field_name(target), word, (literal.value,), False, target.offset))
            continue
        if word not in _COMPARE or token.kind not in ("op", "name"):
            continue
        left = seg[i - 1] if i > 0 else None
        if left is not None and left.text.lower() == "not" and i > 1:
            left = seg[i - 2]
        right = seg[i + 1] if i + 1 < len(seg) else None
        if left is None or right is None:
            continue
        if _is_field(left) and right.kind in ("string", "regex"):
            state.comparisons.append(
                Comparison(_field_name(left), word, (right.value,), right.kind == "regex", left.offset)
            )
        elif _is_field(right) and left.kind == "string" and word in ("=", "==", "!="):
            state.comparisons.append(Comparison(_field_name(right), word, (left.value,), False, right.offset))
        elif word == "in" and _is_field(left) and right.text == "[":
            literals = []
            for item in seg[i + 2 :]:
                if item.text == "]":
                    break
                if item.kind == "string":
                    literals.append(item.value)
            if literals:
                state.comparisons.append(Comparison(_field_name(left), "in", tuple(literals), False, left.offset))


def _aliases(seg: list[Token]) -> set[int]:
    """Indices of the tokens that a segment defines (the name after ``as`` or ``into``)."""
    return {
        i + 1
        for i, token in enumerate(seg[:-1])
        if token.kind == "name" and token.text.lower() in ("as", "into") and _is_field(seg[i + 1])
    }


def _parse_command(command: str, seg: list[Token], state: _State) -> None:
    """Reads and definitions of one command (``seg`` without the command word)."""
    defines = _aliases(seg)
    if command == "parse":  # parse <field> "a * b" as x, y  |  parse <field> /(?<x>..)/
        for i, token in enumerate(seg):
            if token.kind == "regex":
                state.defined.update(_NAMED_GROUP.findall(token.value))
            if token.kind == "name" and token.text.lower() == "as":
                defines.update(j for j in range(i + 1, len(seg)) if _is_field(seg[j]))
    reads: list[FieldRead] = []
    for i, token in enumerate(seg):
        if i in defines or not _is_field(token):
            continue
        following = seg[i + 1] if i + 1 < len(seg) else None
        if token.kind == "name" and following is not None and following.text == "(":
            continue  # a function
        name = _field_name(token)
        if name not in state.defined:
            reads.append(FieldRead(name, token.offset, command))
    state.reads.extend(reads)
    _comparisons(seg, state)
    state.defined.update(_field_name(seg[i]) for i in defines)


def _balance(tokens: list[Token], state: _State) -> None:
    depth = {"(": 0, "[": 0}
    pairs = {")": "(", "]": "["}
    for token in tokens:
        if token.kind != "punct":
            continue
        if token.text in depth:
            depth[token.text] += 1
        elif token.text in pairs:
            depth[pairs[token.text]] -= 1
            if depth[pairs[token.text]] < 0:
                state.problems.append(QueryProblem(f"unbalanced {token.text!r}", token.offset))
                depth[pairs[token.text]] = 0
    for opener, count in depth.items():
        if count > 0:
            state.problems.append(QueryProblem(f"{count} unclosed {opener!r}", tokens[-1].offset if tokens else 0))


def parse_query(text: str) -> ParsedQuery:
    """Read ``text`` (never raises; problems are in :attr:`ParsedQuery.problems`).

    >>> q = parse_query("parse @message /user=(?<user>\\\\w+)/ | stats count(*) as n by user | sort n desc")
    >>> sorted({r.name for r in q.reads}), sorted(q.defined)
    (['@message'], ['n', 'user'])
    """
    tokens, problems = tokenize(text)
    state = _State(problems=list(problems))
    _balance(tokens, state)
    for seg in _segments(tokens):
        if not seg:
            if not tokens:
                break
            offset = tokens[-1].offset if tokens else 0
            state.problems.append(QueryProblem("empty command (two '|' in a row, or a '|' at an end)", offset))
            continue
        head = seg[0]
        command = head.text.lower()
        if head.kind != "name" or command not in COMMANDS:
            state.problems.append(
                QueryProblem(f"unknown command {head.text!r}; commands are {', '.join(sorted(COMMANDS))}", head.offset)
            )
            continue
        state.commands.append(command)
        if command in ("source", "limit"):
            continue
        _parse_command(command, seg[1:], state)
    return ParsedQuery(
        text,
        tuple(state.commands),
        tuple(state.reads),
        frozenset(state.defined),
        tuple(state.comparisons),
        tuple(state.problems),
    )
