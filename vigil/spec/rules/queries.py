"""Logs Insights queries read only what the applications write, and compare fields with values they can hold.

Every query on-call runs is read (:mod:`vigil.spec.logs_query`): the saved query definitions of each namespace's
log group, the dashboards' log widgets, and the queries in runbooks (fenced ```` ```logs-insights ```` blocks and
inline code spans that start with a query command). A field is known when the JSON log schema
(:mod:`vigil.emf.log_schema`) writes it, when the namespace's EMF lines carry it (metric names, dimensions,
properties; a runbook query may read any namespace's), when Logs Insights adds it (``@timestamp``...) or when the
query defines it (``as``, ``parse``). ``context.<key>`` is known for the schema's context keys and the
namespace's declared properties. A comparison with a value the field never holds (``level = "error"``: the
formatter writes ``ERROR``; a dimension's declared ``values``) can never match. Both are errors at the file and
line of the query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from vigil.emf.log_schema import PATHS, SYSTEM_FIELDS, VALUES
from vigil.spec.errors import SpecError, did_you_mean
from vigil.spec.logs_query import COMMANDS, Comparison, parse_query
from vigil.spec.models import Project
from vigil.spec.models.dashboards import LogQueryWidget
from vigil.spec.models.metrics import MetricNamespaceSpec
from vigil.spec.rules.context import Context
from vigil.spec.rules.runbook_paths import outside_project

#: The info string of a fenced runbook block that holds a Logs Insights query.
FENCE_LANGUAGE = "logs-insights"
_FENCE = re.compile(r"^\s*(```+|~~~+)\s*([\w-]*)")
_CODE_SPAN = re.compile(r"(`+)\s?(.+?)\s?\1")
#: Inline code spans read as queries: those starting with a command that reads fields, followed by more text.
_INLINE_COMMANDS = frozenset({"fields", "filter", "stats", "parse", "display"})
_SELECTOR = re.compile(r'\$\.([\w.]+)\s*(=|!=)\s*("(?:[^"\\]|\\.)*"|[^\s&|)}]+)')
_BLOCK_SCALAR = re.compile(r":\s*[|>][+-]?\d*\s*(#.*)?$")


@dataclass(frozen=True)
class Vocabulary:
    """The fields a query may read and the values some of them can hold."""

    fields: frozenset[str]
    values: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(cls, namespaces: Iterable[MetricNamespaceSpec]) -> Vocabulary:
        """Schema fields plus the EMF fields of ``namespaces``.

        >>> Vocabulary.of([]).fields >= {"level", "@timestamp", "context.job_id"}
        True
        """
        fields = set(PATHS | SYSTEM_FIELDS)
        values: dict[str, tuple[str, ...]] = dict(VALUES)
        for spec in namespaces:
            fields.update(spec.metrics)
            fields.update(spec.dimensions)
            fields.update(spec.properties)
            fields.update(f"context.{p}" for p in spec.properties)
            for name, dim in spec.dimensions.items():
                if dim.values:
                    values[name] = tuple(dict.fromkeys((*values.get(name, ()), *dim.values)))
        return cls(frozenset(fields), values)

    def known(self, name: str) -> bool:
        """True when some line carries ``name`` (``_aws`` is the EMF envelope)."""
        return name in self.fields or name == "_aws" or name.startswith("_aws.")


def query_problems(query: str, vocabulary: Vocabulary) -> list[tuple[int, str]]:
    """``(line within the query, message)`` for every unknown field, never-matching literal and unreadable text.

    >>> query_problems('fields context.agentType | filter level = "error"', Vocabulary.of([]))[0][1][:86]
    "reads 'context.agentType', which no log line has (did you mean 'context.agent_type'?);"
    """
    parsed = parse_query(query)
    out = [(parsed.line_of(p.offset), f"cannot read the query: {p.message}") for p in parsed.problems]
    seen: set[str] = set()
    for read in parsed.reads:
        if vocabulary.known(read.name) or read.name in seen:
            continue
        seen.add(read.name)
        hint = did_you_mean(read.name, sorted(vocabulary.fields))
        out.append(
            (
                parsed.line_of(read.offset),
                f"reads '{read.name}', which no log line has{hint}; fields are those of the JSON log schema "
                "(vigil.emf.log_schema), the namespace's EMF metrics, dimensions and properties, and Logs Insights' @ fields",
            )
        )
    for comparison in parsed.comparisons:
        message = _never_matches(comparison, vocabulary.values.get(comparison.field))
        if message is not None:
            out.append((parsed.line_of(comparison.offset), message))
    return out


def _matches(comparison: Comparison, literal: str, value: str) -> bool:
    if comparison.regex:
        try:
            return re.search(literal, value) is not None
        except re.error:
            return True  # an unreadable pattern is not ours to judge
    if comparison.operator in ("like", "strcontains"):
        return literal in value
    return literal == value


def _never_matches(comparison: Comparison, values: tuple[str, ...] | None) -> str | None:
    if values is None or comparison.operator == "!=":
        return None
    dead = [lit for lit in comparison.literals if not any(_matches(comparison, lit, v) for v in values)]
    if not dead:
        return None
    shown = ", ".join(repr(d) for d in dead)
    hint = did_you_mean(dead[0], values) or did_you_mean(dead[0].upper(), values)
    return (
        f"{comparison.field} {comparison.operator} {shown} can never match: {comparison.field} is one of "
        f"{', '.join(values)} (Logs Insights compares strings case-sensitively){hint}"
    )


def filter_problems(pattern: str, vocabulary: Vocabulary) -> list[str]:
    """What a JSON metric filter pattern (``{ $.level = "ERROR" }``) reads that no line has or can hold.

    >>> filter_problems('{ $.level = "error" || $.jobId = * }', Vocabulary.of([]))[0][:41]
    "$.level = 'error' can never match: level "
    """
    out: list[str] = []
    for path, operator, raw in _SELECTOR.findall(pattern):
        if not vocabulary.known(path):
            out.append(f"$.{path}: no log line has '{path}'{did_you_mean(path, sorted(vocabulary.fields))}")
            continue
        values = vocabulary.values.get(path)
        literal = raw[1:-1] if raw.startswith('"') else raw
        if operator == "!=" or values is None or literal == "*":
            continue
        wildcard = re.compile(".*".join(re.escape(part) for part in literal.split("*")) + "$")
        if not any(wildcard.match(v) for v in values):
            hint = did_you_mean(literal.upper(), values)
            out.append(
                f"$.{path} = {literal!r} can never match: {path} is one of {', '.join(values)} "
                f"(filter patterns compare case-sensitively){hint}"
            )
    return out


def _value_line(root: Path, file: str, line: int) -> int:
    """The first line of a YAML value whose key is at ``line`` (the next one for a ``|``/``>`` block)."""
    path = Path(file) if Path(file).is_absolute() else root / file
    try:
        text = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return line
    return line + 1 if 0 < line <= len(text) and _BLOCK_SCALAR.search(text[line - 1]) else line


def _report_query(
    ctx: Context, kind: str, name: str, fields: tuple[str | int, ...], query: str, vocab: Vocabulary
) -> None:
    problems = query_problems(query, vocab)
    if not problems:
        return
    file, line, _ = ctx.sources.locate(kind, name, fields)
    first = _value_line(ctx.root, file, line)
    dotted = ctx.sources.error(kind, name, fields, "").field
    for offset, message in problems:
        ctx.errors.append(SpecError(file, first + offset, dotted, message + _FIX))


_FIX = "; fix the query"


def markdown_queries(text: str) -> list[tuple[int, str]]:
    """``(1-based line, query)`` of the fenced ``logs-insights`` blocks and query-like inline code spans.

    >>> markdown_queries("Run `filter level = 'ERROR' | limit 5` or:\\n```logs-insights\\nfields @message\\n```")
    [(1, "filter level = 'ERROR' | limit 5"), (3, 'fields @message')]
    """
    out: list[tuple[int, str]] = []
    fence: str | None = None
    block: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1).startswith(fence) and not opened.group(2):
                if "".join(block).strip():
                    out.append((start, "\n".join(block)))
                fence, block = None, []
            elif start:
                block.append(line)
            continue
        if opened:
            fence, block = opened.group(1), []
            start = number + 1 if opened.group(2) == FENCE_LANGUAGE else 0
            continue
        for span in _CODE_SPAN.finditer(line):
            code = span.group(2).strip()
            words = code.split(None, 1)
            if len(words) == 2 and words[0].lower() in _INLINE_COMMANDS and words[0].lower() in COMMANDS:
                out.append((number, code))
    if fence is not None and start and "".join(block).strip():  # an unclosed block runs to the end of the file
        out.append((start, "\n".join(block)))
    return out


def check_runbook_queries(ctx: Context, runbooks: Mapping[str, tuple[str, str]]) -> None:
    """The queries of each local runbook file (``path -> (kind, name)`` of a spec that links it)."""
    vocab = Vocabulary.of(ctx.project.namespaces.values())
    for runbook in sorted(runbooks):
        path = ctx.root / runbook
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue  # a missing runbook is the policy rule's error
        for line, query in markdown_queries(text):
            for offset, message in query_problems(query, vocab):
                ctx.errors.append(SpecError(runbook, line + offset, "runbook query", message + _FIX))


def local_runbooks(project: Project, root: Path | None = None) -> dict[str, tuple[str, str]]:
    """Runbook files of the project (not https links, not paths outside ``root``: those are
    :mod:`~vigil.spec.rules.runbook_paths`' errors), each with the first alarm or SLO that links it."""
    found: dict[str, tuple[str, str]] = {}
    specs = [("alarm", n, a.runbook) for n, a in sorted(project.alarms.items())]
    specs += [("slo", n, s.runbook) for n, s in sorted(project.slos.items())]
    for kind, name, runbook in specs:
        if not runbook or runbook.startswith("https://"):
            continue
        if root is not None and outside_project(root, runbook):
            continue
        found.setdefault(runbook, (kind, name))
    return found


def check_queries(ctx: Context) -> None:
    """Saved queries, dashboard log widgets and runbook queries (see the module docstring)."""
    namespaces = ctx.project.namespaces
    for ns_name, spec in sorted(namespaces.items()):
        if spec.log_group is None:
            continue
        vocab = Vocabulary.of([spec])
        for filter_name, metric_filter in sorted(spec.log_group.metric_filters.items()):
            for message in filter_problems(metric_filter.pattern, vocab):
                fields = ("log_group", "metric_filters", filter_name, "pattern")
                ctx.report(("namespace", ns_name, fields), message + "; fix the pattern")
        for query_name, saved in sorted(spec.log_group.queries.items()):
            fields = ("log_group", "queries", query_name, "query")
            _report_query(ctx, "namespace", ns_name, fields, saved.query, vocab)
    for dash_name, dash in sorted(ctx.project.dashboards.items()):
        for index, widget in enumerate(dash.widgets):
            if isinstance(widget, LogQueryWidget) and not _catalog_broken(ctx, widget.namespaces):
                vocab = Vocabulary.of(namespaces[n] for n in widget.namespaces if n in namespaces)
                _report_query(ctx, "dashboard", dash_name, ("widgets", index, "query"), widget.query, vocab)
    if not _catalog_broken(ctx):  # a runbook query may read any namespace's fields: all of them must have loaded
        check_runbook_queries(ctx, local_runbooks(ctx.project, ctx.root))


def _catalog_broken(ctx: Context, namespaces: Iterable[str] | None = None) -> bool:
    """True when a namespace file failed to load (its fields are unknown; its errors are already reported)."""
    if "namespace" in ctx.sources.broken:
        return True
    broken = {name for kind, name in ctx.sources.broken_names if kind == "namespace"}
    return bool(broken if namespaces is None else broken & set(namespaces))


__all__ = ["FENCE_LANGUAGE", "Vocabulary", "check_queries", "markdown_queries", "query_problems"]
