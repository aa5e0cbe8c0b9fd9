"""Correlation ids and W3C trace context of the request being served, and the headers to pass them on.

``X-Correlation-ID`` is taken from the request when it is a sane token (1-128 characters of
``A-Za-z0-9._:-``), otherwise a new one is made (32 hex digits). A W3C ``traceparent`` is parsed per the
Trace Context spec (version 00, non-zero ids); without tracing, a request that has none gets a new trace id
so its log and EMF lines still share one, and :func:`outgoing_headers` passes it on (not sampled).

Example::

    >>> ctx = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
    >>> ctx.trace_id, ctx.sampled
    ('4bf92f3577b34da6a3ce929d0e0e4736', True)
    >>> parse_traceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01") is None
    True
    >>> clean_correlation_id("req-42"), len(clean_correlation_id("bad id with spaces"))
    ('req-42', 32)
"""

from __future__ import annotations

import os
import re
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Final

CORRELATION_HEADER: Final = "x-correlation-id"
TRACEPARENT_HEADER: Final = "traceparent"
_CORRELATION = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$")


@dataclass(frozen=True)
class TraceContext:
    """A W3C trace context: trace id (32 hex), parent span id (16 hex), sampled flag."""

    trace_id: str
    span_id: str
    sampled: bool

    def traceparent(self) -> str:
        """The ``traceparent`` header value."""
        return f"00-{self.trace_id}-{self.span_id}-{'01' if self.sampled else '00'}"


@dataclass(frozen=True)
class RequestIds:
    """The ids of the request being served (what :func:`current_ids` returns inside a request)."""

    correlation_id: str
    trace: TraceContext


_current: ContextVar[RequestIds | None] = ContextVar("vigil_request_ids", default=None)


def new_id(hex_digits: int = 32) -> str:
    """Random lower-case hex (never all zeros, which W3C reserves as invalid)."""
    while True:
        value = os.urandom(hex_digits // 2).hex()
        if value.strip("0"):
            return value


def clean_correlation_id(value: str | None) -> str:
    """``value`` when it is a sane correlation id, else a new one."""
    if value and _CORRELATION.match(value):
        return value
    return new_id()


def parse_traceparent(value: str | None) -> TraceContext | None:
    """The trace context of a ``traceparent`` header, or None when absent or invalid."""
    if not value:
        return None
    match = _TRACEPARENT.match(value.strip().lower())
    if match is None:
        return None
    version, trace_id, span_id, flags = match.groups()
    if version == "ff" or (version == "00" and len(value.strip()) != 55):
        return None
    if not trace_id.strip("0") or not span_id.strip("0"):
        return None
    return TraceContext(trace_id, span_id, bool(int(flags, 16) & 1))


def current_ids() -> RequestIds | None:
    """Ids of the request being served in this context (thread / asyncio task), or None outside a request."""
    return _current.get()


def trace_properties() -> dict[str, str]:
    """``correlation_id`` and ``trace_id`` of the current request / span, for an application's own EMF lines.

    Inside a request served by :class:`~vigil.middleware.VigilMiddleware` (or a span, with tracing set up)
    this gives the ids its log lines carry; pass them as properties (never dimensions)::

        metrics.put("job.completed", 1, "Count", properties=trace_properties())

    >>> trace_properties()
    {}
    """
    ids = _current.get()
    props: dict[str, str] = {}
    if ids is not None:
        props["correlation_id"] = ids.correlation_id
        props["trace_id"] = ids.trace.trace_id
    try:
        from opentelemetry import trace
    except ImportError:
        return props
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        props["trace_id"] = format(context.trace_id, "032x")
    return props


def outgoing_headers() -> dict[str, str]:
    """Headers that carry this request's correlation id and trace to a downstream HTTP call.

    With tracing set up, ``traceparent`` comes from OpenTelemetry's current span (so the callee's span is a
    child of ours); without it, from the ids of this request. Empty outside a request.

    >>> outgoing_headers()
    {}
    """
    ids = _current.get()
    headers: dict[str, str] = {}
    if ids is not None:
        headers[CORRELATION_HEADER] = ids.correlation_id
        headers[TRACEPARENT_HEADER] = ids.trace.traceparent()
    try:
        from opentelemetry import propagate, trace
    except ImportError:
        return headers
    if trace.get_current_span().get_span_context().is_valid:
        propagate.inject(headers)
    return headers
