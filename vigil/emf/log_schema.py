"""The one JSON log schema: what :class:`~vigil.emf.log_formatter.JsonFormatter` writes, and what the catalog's
metric filters and Logs Insights queries may read.

Every application log line is one JSON object with the top-level fields in :data:`FIELDS`. Levels are spelled
as Python's ``logging`` spells them (:data:`LEVELS`, upper case); CloudWatch filter patterns compare strings
case-sensitively, so a filter must use exactly these spellings (:data:`ERROR_PATTERN`). Fields bound with
``log_context`` or passed as ``extra=`` go under ``context`` unless they are top-level fields of the schema
(``user_id``, ``event``, ``outcome`` ...). Exceptions go under ``error`` (type, message, fingerprint, stack).

Context keys are open (applications bind what they like); the ones the shipped code binds and the queries
read are :data:`CONTEXT_KEYS`, spelled in snake_case like every field (``job_id``, never ``jobId``).

The shipped catalog is checked against this module: the tests feed every metric filter pattern the formatter's
real output (:mod:`vigil.emulator.logfilter`) and check that output with :func:`line_problems`; ``vigil check``
reads every Logs Insights query (:mod:`vigil.spec.rules.queries`) and reports a field that neither this schema,
the namespace's EMF lines nor Logs Insights produces, and a comparison with a value of :data:`VALUES` that
can never match.

Example::

    >>> ERROR_PATTERN
    '{ $.level = "ERROR" || $.level = "CRITICAL" }'
    >>> VALUES["level"]
    ('DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL')
"""

from __future__ import annotations

from typing import Any, Final, NamedTuple


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
    LogField("host", "string", "the machine (container) name, with JsonFormatter(machine_fields=True)"),
    LogField("thread", "string", "the thread name, with JsonFormatter(machine_fields=True)"),
    LogField("message", "string", "the formatted message (redacted, truncated)"),
    LogField("correlation_id", "string", "X-Correlation-ID of the request being served"),
    LogField("trace_id", "string", "W3C trace id (32 hex digits)"),
    LogField("span_id", "string", "W3C span id (16 hex digits)"),
    LogField("user_id", "string", "the authenticated user, when known"),
    LogField("event", "string", "audit or domain event name, e.g. auth.login, data.read, session.phase_changed"),
    LogField("event_type", "string", "audit (who did what to which data) or domain (what happened in the product)"),
    LogField("resource", "string", "what an event is about, kind:id, e.g. session:s-1"),
    LogField("outcome", "string", "event outcome: success or failure"),
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

#: Values a field can hold where the schema fixes them: a query comparing the field with anything else
#: never matches (Logs Insights compares strings case-sensitively).
VALUES: Final[dict[str, tuple[str, ...]]] = {
    "level": LEVELS,
    "outcome": ("success", "failure"),
    "event_type": ("audit", "domain"),
}
_TYPES: Final[dict[str, type | tuple[type, ...]]] = {"string": str, "number": (int, float), "object": dict}


def line_problems(doc: dict[str, Any]) -> list[str]:
    """What in one decoded log line disagrees with the schema (unknown fields, wrong types, undeclared values).

    Keys under ``context`` are the application's own and are not checked.

    >>> line_problems({"timestamp": "2026-11-23T12:00:00.123Z", "level": "error", "message": "x", "jobId": 1})
    ["level: 'error' is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL", "unknown field 'jobId'"]
    """
    problems: list[str] = []
    types = {f.path: f.type for f in FIELDS}
    for key, value in doc.items():
        if key not in TOP_LEVEL:
            problems.append(f"unknown field {key!r}")
            continue
        if not isinstance(value, _TYPES[types[key]]):
            problems.append(f"{key}: {type(value).__name__}, the schema says {types[key]}")
        if key == "error" and isinstance(value, dict):
            problems += [f"unknown field 'error.{k}'" for k in value if f"error.{k}" not in types]
        if key in VALUES and value not in VALUES[key]:
            problems.append(f"{key}: {value!r} is not one of {', '.join(VALUES[key])}")
    return problems
