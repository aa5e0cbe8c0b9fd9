"""``vigil.middleware``: ASGI middleware for correlation ids, W3C trace context and the catalog's request metrics.

Importing it is cheap and pulls in no tracing SDK: OpenTelemetry's SDK loads only when
:func:`vigil.tracing.setup_tracing` is called.

Example::

    >>> from vigil.emf import InMemorySink, MetricsLogger
    >>> from vigil.middleware import RequestMetrics, VigilMiddleware
    >>> async def app(scope, receive, send): ...
    >>> metrics = RequestMetrics(MetricsLogger("Vigil/API", {"Service": "api", "Environment": "dev"}, InMemorySink()))
    >>> app = VigilMiddleware(app, metrics=metrics, routes=["/sessions/{id}"], exclude=["/health"])
"""

from __future__ import annotations

from vigil.middleware.asgi import VigilMiddleware
from vigil.middleware.correlation import (
    CORRELATION_HEADER,
    TRACEPARENT_HEADER,
    RequestIds,
    TraceContext,
    current_ids,
    outgoing_headers,
    parse_traceparent,
    trace_properties,
)
from vigil.middleware.errors import MiddlewareError
from vigil.middleware.metrics import RequestMetricNames, RequestMetrics
from vigil.middleware.routes import UNMATCHED, RouteResolver, set_route
from vigil.middleware.websocket import WebSocketMetricNames, WebSocketMetrics, close_reason

__all__ = [
    "CORRELATION_HEADER",
    "TRACEPARENT_HEADER",
    "UNMATCHED",
    "MiddlewareError",
    "RequestIds",
    "RequestMetricNames",
    "RequestMetrics",
    "RouteResolver",
    "TraceContext",
    "VigilMiddleware",
    "WebSocketMetricNames",
    "WebSocketMetrics",
    "close_reason",
    "current_ids",
    "outgoing_headers",
    "parse_traceparent",
    "set_route",
    "trace_properties",
]
