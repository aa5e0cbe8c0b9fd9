"""The one JSON log schema: what :class:`~vigil.emf.log_formatter.JsonFormatter` writes, and what the catalog's
metric filters and Logs Insights queries may read.

Every application log line is one JSON object with the top-level fields in :data:`FIELDS`. Levels are spelled
as Python's ``logging`` spells them (:data:`LEVELS`, upper case); CloudWatch filter patterns compare strings
case-sensitively, so a filter must use exactly these spellings (:data:`ERROR_PATTERN`). Fields bound with
``log_context`` or passed as ``extra=`` go under ``context`` unless they are top-level fields of the schema
(``user_id``, ``event``, ``outcome`` ...). Exceptions go under ``error`` (type, message, fingerprint, stack).

The shipped catalog is checked against this module by the tests: every metric filter pattern is fed the
formatter's real output (:mod:`vigil.emulator.logfilter`), and every field a saved query reads must be a
field of this schema, an EMF field of the namespace, or a Logs Insights system field (:func:`query_fields`).

Example::

    >>> ERROR_PATTERN
    '{ $.level = "ERROR" || $.level = "CRITICAL" }'
    >>> sorted(query_fields('fields @timestamp, error.type | filter level = "ERROR" | stats count(*) as n by service'))
    ['@timestamp', 'error.type', 'level', 'service']
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple


class LogField(NamedTuple):
    """One field of a JSON log line: dotted path, JSON type and what it holds."""

    path: str
    type: str  # string, number, object
    description: str


#: Level names, as ``logging`` spells them (``record.levelname``).
LEVELS: Final = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
#: Levels that count as errors (the ``error-total`` metric filter).
ERROR_LEVELS: Final = ("ERROR", "CRITICAL")
#: The metric filter pattern matching error lines; the catalog's ``error-total`` filters use exactly this.
ERROR_PATTERN: Final = "{ " + " || ".join(f'$.level = "{level}"' for level in ERROR_LEVELS) + " }"
#: Pattern of error lines that carry exception details (the errors-by-type filter).
EXCEPTION_PATTERN: Final = "{ $.error.fingerprint = * && $.error.type = * }"

FIELDS: Final = (
    LogField("timestamp", "string", "ISO 8601 UTC with milliseconds, e.g. 2026-11-23T12:00:00.123Z"),
    LogField("level", "string", "one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
    LogField("service", "string", "the catalog service name (api, worker, dashboard)"),
    LogField("environment", "string", "the stack's vigil:environment"),
    LogField("release", "string", "the deployed version (VIGIL_RELEASE), on every line"),
    LogField("logger", "string", "the Python logger name"),
    LogField("message", "string", "the formatted message (redacted, truncated)"),
    LogField("correlation_id", "string", "X-Correlation-ID of the request being served"),
    LogField("trace_id", "string", "W3C trace id (32 hex digits)"),
    LogField("span_id", "string", "W3C span id (16 hex digits)"),
    LogField("user_id", "string", "the authenticated user, when known"),
    LogField("event", "string", "audit event name, e.g. auth.login"),
    LogField("outcome", "string", "audit event outcome: success or failure"),
    LogField("error", "object", "exception details of a line logged with exc_info"),
    LogField("error.type", "string", "exception class, module-qualified unless builtin (e.g. TimeoutError)"),
    LogField("error.message", "string", "str(exception), redacted and truncated"),
    LogField("error.fingerprint", "string", "16 hex digits: exception type + stack frames (module:function)"),
    LogField("error.stack", "string", "the formatted traceback"),
    LogField("context", "object", "fields bound with log_context() or passed as extra="),
)

#: Context keys the shipped queries rely on (``context.<key>``); applications may add any others.
CONTEXT_KEYS: Final = (
    "agent_type",
    "attempt",
    "endpoint",
    "ip",
    "job_id",
    "method",
    "reason",
    "route",
    "status_code",
    "duration_ms",
)

#: Top-level field names (the formatter keeps these at top level when passed as ``extra=``).
TOP_LEVEL: Final = frozenset(f.path for f in FIELDS if "." not in f.path)
#: Every dotted path a query or filter may read from a log line.
PATHS: Final = frozenset(f.path for f in FIELDS) | {f"context.{key}" for key in CONTEXT_KEYS}
#: Fields Logs Insights adds to every event.
SYSTEM_FIELDS: Final = frozenset({"@timestamp", "@message", "@logStream", "@log", "@ingestionTime", "@requestId"})

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
_REGEX = re.compile(r"(?<![\w`])/(?:[^/\\\n]|\\.)+/")
_TOKEN = re.compile(r"`([^`]+)`|(?<![\w.@])(@?[A-Za-z_][\w.]*(?<!\.))(\s*\()?")
_ALIAS = re.compile(r"\bas\s+(`[^`]+`|[A-Za-z_]\w*)", re.IGNORECASE)
_KEYWORDS: Final = frozenset(
    {
        "fields",
        "filter",
        "stats",
        "sort",
        "limit",
        "display",
        "parse",
        "dedup",
        "unmask",
        "by",
        "as",
        "and",
        "or",
        "not",
        "in",
        "like",
        "asc",
        "desc",
        "true",
        "false",
        "null",
    }
)


def query_fields(query: str) -> set[str]:
    """Field names a Logs Insights query reads from log events (not functions, aliases, keywords or literals).

    Backtick-quoted names (`` `http.request.duration` ``) count as one field. Names defined by ``as`` are
    results, not inputs, and are left out; so are fields created by ``parse ... as``.

    >>> sorted(query_fields("filter ispresent(`job.duration`) | stats avg(`job.duration`) as avg_ms by Mode"))
    ['Mode', 'job.duration']
    """
    text = _REGEX.sub(" ", _STRING.sub(" ", query))
    aliases = {m.group(1).strip("`") for m in _ALIAS.finditer(text)}
    found: set[str] = set()
    for match in _TOKEN.finditer(text):
        quoted, bare, call = match.groups()
        name = quoted if quoted is not None else bare
        if call or name in aliases or (quoted is None and name.lower() in _KEYWORDS):
            continue
        found.add(name)
    return found


def unknown_query_fields(query: str, extra: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Fields ``query`` reads that are neither in this schema, the system fields, nor ``extra`` (sorted).

    ``extra`` holds the EMF fields of the namespace (metric names, dimensions, properties).

    >>> unknown_query_fields("fields context.agentType, level")
    ['context.agentType']
    """
    allowed = PATHS | SYSTEM_FIELDS | set(extra)
    return sorted(f for f in query_fields(query) if f not in allowed)
