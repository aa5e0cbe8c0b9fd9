"""A structured JSON formatter for the standard ``logging`` module: the schema of :mod:`vigil.emf.log_schema`.

Each record becomes one JSON line: ``timestamp`` (ISO 8601 UTC), ``level`` (``ERROR``, as ``logging`` spells
it), ``service``, ``environment``, ``release``, ``logger``, ``message``, ``correlation_id`` and ``trace_id`` /
``span_id`` (from :data:`correlation_id_var`, :data:`trace_id_var`, else OpenTelemetry's current span when
``opentelemetry-api`` is installed), ``user_id`` / ``event`` / ``outcome`` when given, ``context`` (fields bound
with :func:`log_context` and ``extra=`` fields), and ``error`` (type, message, stable fingerprint, stack) for
records with an exception. Secrets are masked, LLM content (prompts, messages, completions) is summarised,
long strings are truncated (:class:`~vigil.emf.redaction.Redactor`).

Example::

    >>> import logging, io, json
    >>> stream = io.StringIO()
    >>> handler = logging.StreamHandler(stream)
    >>> handler.setFormatter(JsonFormatter(service="api", environment="prod", release="1.4.0"))
    >>> log = logging.getLogger("doc.example"); log.addHandler(handler); log.propagate = False
    >>> with log_context(job_id="j-1"):
    ...     log.warning("login for %s", "ada", extra={"password": "hunter2", "user_id": "u-1"})
    >>> line = json.loads(stream.getvalue())
    >>> line["level"], line["user_id"], line["context"]
    ('WARNING', 'u-1', {'job_id': 'j-1', 'password': '[REDACTED]'})
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from vigil.emf import _json
from vigil.emf.fingerprint import exception_type, fingerprint
from vigil.emf.log_schema import TOP_LEVEL
from vigil.emf.redaction import DEFAULT_KEY_PATTERNS, DEFAULT_MAX_CHARS, ContentPolicy, Redactor

correlation_id_var: ContextVar[str | None] = ContextVar("vigil_correlation_id", default=None)
trace_id_var: ContextVar[str | None] = ContextVar("vigil_trace_id", default=None)
_context_var: ContextVar[Mapping[str, Any] | None] = ContextVar("vigil_log_context", default=None)

#: Attributes every LogRecord has; anything else on a record came from ``extra=``.
_RESERVED = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Add ``fields`` to every record logged inside the block (per thread / asyncio task)."""
    token = _context_var.set({**(_context_var.get() or {}), **fields})
    try:
        yield
    finally:
        _context_var.reset(token)


def _otel_lookup() -> Callable[[], tuple[str, str] | None] | None:
    try:
        from opentelemetry import trace
    except ImportError:
        return None

    def current() -> tuple[str, str] | None:
        ctx = trace.get_current_span().get_span_context()
        if not ctx.is_valid:
            return None
        return format(ctx.trace_id, "032x"), format(ctx.span_id, "016x")

    return current


class JsonFormatter(logging.Formatter):
    """Formats records as redacted JSON lines (see the module docstring and :mod:`vigil.emf.log_schema`).

    Parameters
    ----------
    service, environment, release:
        Values of the ``service``, ``environment`` and ``release`` fields (``release`` defaults to
        ``$VIGIL_RELEASE``); empty values are left out.
    static_fields:
        Fields added to every record (schema fields at top level, others under ``context``).
    redact_keys:
        Key substrings whose values are masked (case-insensitive).
    redact_values:
        Also mask bearer tokens, AWS keys and ``key=value`` secrets inside strings.
    content:
        LLM content (prompts, messages, completions): ``redact`` (default), ``truncate`` or ``keep``.
    max_chars:
        Longest string kept in any field (the traceback gets four times as much).
    use_otel:
        Read trace/span ids from OpenTelemetry's current span when no ``trace_id_var`` is set.
    machine_fields:
        Add ``host`` (the machine or container name) and ``thread`` (the thread's name) to every line, to tell
        apart tasks and worker threads of one service (seed 004's machine and thread enrichers).
    """

    def __init__(
        self,
        service: str = "",
        *,
        environment: str = "",
        release: str | None = None,
        static_fields: Mapping[str, Any] | None = None,
        redact_keys: tuple[str, ...] = DEFAULT_KEY_PATTERNS,
        redact_values: bool = True,
        content: ContentPolicy = "redact",
        max_chars: int = DEFAULT_MAX_CHARS,
        use_otel: bool = True,
        machine_fields: bool = False,
    ) -> None:
        super().__init__()
        _json.load()
        self.service = service
        self._host = socket.gethostname() if machine_fields else None
        fixed = {
            "environment": environment,
            "release": os.environ.get("VIGIL_RELEASE", "") if release is None else release,
        }
        self._fixed = {k: v for k, v in fixed.items() if v}
        self._static = dict(static_fields or {})
        self._redactor = Redactor(redact_keys, values=redact_values, content=content, max_chars=max_chars)
        self._stack_redactor = Redactor(redact_keys, values=redact_values, content=content, max_chars=4 * max_chars)
        self._otel = _otel_lookup() if use_otel else None

    def format(self, record: logging.LogRecord) -> str:
        """One JSON line for ``record``."""
        seconds = record.created
        doc: dict[str, Any] = {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "service": self.service,
            **self._fixed,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if self._host is not None:
            doc["host"] = self._host
            doc["thread"] = record.threadName
        self._add_ids(doc)
        context: dict[str, Any] = {}
        extras = {k: v for k, v in vars(record).items() if k not in _RESERVED}
        for fields in (self._static, _context_var.get() or {}, extras):
            for key, value in fields.items():
                if key in TOP_LEVEL and key not in ("context", "error"):
                    doc.setdefault(key, value)
                else:
                    context[key] = value
        if context:
            doc["context"] = context
        error = self._error(record)
        doc = self._redactor.redact(doc)
        if error is not None:
            doc["error"] = error
        try:
            return _json.dumps(doc)
        except (TypeError, ValueError):  # e.g. an int beyond 64 bits for orjson: a log line is never lost
            return json.dumps(doc, default=repr, ensure_ascii=False)

    def _error(self, record: logging.LogRecord) -> dict[str, Any] | None:
        if not record.exc_info and not record.stack_info:
            return None
        error: dict[str, Any] = {}
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None:
            error["type"] = exception_type(exc)
            error["message"] = self._redactor.redact_text(str(exc))
            error["fingerprint"] = fingerprint(exc)
        stack = self.formatException(record.exc_info) if record.exc_info else ""
        if record.stack_info:
            stack = f"{stack}\n{self.formatStack(record.stack_info)}".strip()
        error["stack"] = self._stack_redactor.redact_text(stack)
        return error

    def _add_ids(self, doc: dict[str, Any]) -> None:
        correlation_id = correlation_id_var.get()
        if correlation_id:
            doc["correlation_id"] = correlation_id
        trace_id = trace_id_var.get()
        if trace_id:
            doc["trace_id"] = trace_id
        elif self._otel is not None:
            ids = self._otel()
            if ids:
                doc["trace_id"], doc["span_id"] = ids


#: Environments where DEBUG logging is refused (``configure_logging`` raises the level to INFO).
PRODUCTION_ENVIRONMENTS = frozenset({"prod", "production"})
_LEVEL_NAMES = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def effective_level(level: str | None, environment: str) -> str:
    """The level to log at: ``level``, else ``$VIGIL_LOG_LEVEL``, else INFO; never DEBUG in production.

    >>> effective_level("DEBUG", "dev"), effective_level("DEBUG", "prod"), effective_level(None, "prod")
    ('DEBUG', 'INFO', 'INFO')
    """
    name = (level or os.environ.get("VIGIL_LOG_LEVEL") or "INFO").upper()
    if name not in _LEVEL_NAMES:
        raise ValueError(f"log level {name!r} is not one of {', '.join(_LEVEL_NAMES)}")
    if name == "DEBUG" and environment in PRODUCTION_ENVIRONMENTS:
        return "INFO"
    return name


def configure_logging(
    service: str,
    *,
    environment: str = "",
    release: str | None = None,
    level: str | None = None,
    stream: Any = None,
    logger: logging.Logger | None = None,
    **formatter_options: Any,
) -> logging.Handler:
    """Send ``logger`` (default: the root logger) through one :class:`JsonFormatter` handler at the stack's level.

    ``level`` comes from the stack (``vigil:log_level``, handed to the app as ``$VIGIL_LOG_LEVEL``); DEBUG is
    refused in production environments (INFO is used, and a WARNING line says so). Returns the handler
    (remove it with ``logger.removeHandler``). ``formatter_options`` go to :class:`JsonFormatter`.

    Example::

        >>> import io
        >>> handler = configure_logging("api", environment="prod", level="DEBUG", stream=io.StringIO(),
        ...                             logger=logging.getLogger("doc.configure"))
        >>> logging.getLogger("doc.configure").level == logging.INFO
        True
    """
    target = logger if logger is not None else logging.getLogger()
    name = effective_level(level, environment)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(service, environment=environment, release=release, **formatter_options))
    target.addHandler(handler)
    target.setLevel(name)
    requested = (level or os.environ.get("VIGIL_LOG_LEVEL") or "INFO").upper()
    if requested != name:
        target.warning("log level %s refused in environment %r: logging at %s", requested, environment, name)
    return handler
