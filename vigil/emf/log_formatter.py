"""A structured JSON formatter for the standard ``logging`` module, with correlation ids and redaction.

Each record becomes one JSON line: ``timestamp`` (ISO 8601 UTC), ``level``, ``service``, ``logger``,
``message``, ``correlation_id`` and ``trace_id`` / ``span_id`` (from :data:`correlation_id_var`,
:data:`trace_id_var`, else OpenTelemetry's current span when ``opentelemetry-api`` is installed),
fields bound with :func:`log_context`, ``extra=`` fields, and ``exception``. Secrets are redacted.

Example::

    >>> import logging, io
    >>> stream = io.StringIO()
    >>> handler = logging.StreamHandler(stream)
    >>> handler.setFormatter(JsonFormatter(service="api"))
    >>> log = logging.getLogger("doc.example"); log.addHandler(handler); log.propagate = False
    >>> with log_context(job_id="j-1"):
    ...     log.warning("login for %s", "ada", extra={"password": "hunter2"})
    >>> '"password":"[REDACTED]"' in stream.getvalue() and '"job_id":"j-1"' in stream.getvalue()
    True
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from vigil.emf import _json
from vigil.emf.redaction import DEFAULT_KEY_PATTERNS, Redactor

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
    """Formats records as redacted JSON lines (see the module docstring for the fields).

    Parameters
    ----------
    service:
        Value of the ``service`` field.
    static_fields:
        Fields added to every record (e.g. ``{"environment": "prod"}``).
    redact_keys:
        Key substrings whose values are masked (case-insensitive).
    redact_values:
        Also mask bearer tokens, AWS keys and ``key=value`` secrets inside strings.
    use_otel:
        Read trace/span ids from OpenTelemetry's current span when no ``trace_id_var`` is set.
    """

    def __init__(
        self,
        service: str = "",
        *,
        static_fields: Mapping[str, Any] | None = None,
        redact_keys: tuple[str, ...] = DEFAULT_KEY_PATTERNS,
        redact_values: bool = True,
        use_otel: bool = True,
    ) -> None:
        super().__init__()
        _json.load()
        self.service = service
        self._static = dict(static_fields or {})
        self._redactor = Redactor(redact_keys, values=redact_values)
        self._otel = _otel_lookup() if use_otel else None

    def format(self, record: logging.LogRecord) -> str:
        """One JSON line for ``record``."""
        seconds = record.created
        doc: dict[str, Any] = {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        self._add_ids(doc)
        doc.update(self._static)
        doc.update(_context_var.get() or {})
        for key, value in vars(record).items():
            if key not in _RESERVED and key not in doc:
                doc[key] = value
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            doc["stack"] = self.formatStack(record.stack_info)
        return _json.dumps(self._redactor.redact(doc))

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
