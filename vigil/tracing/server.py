"""The server span of one HTTP request: W3C context in, span around the app, route and status on the span."""

from __future__ import annotations

from typing import TYPE_CHECKING

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from vigil.middleware.correlation import TraceContext

if TYPE_CHECKING:
    from vigil.middleware.asgi import Receive, Scope, Send, VigilMiddleware


def _carrier(scope: Scope) -> dict[str, str]:
    return {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers") or ()}


async def serve_traced(
    tracer: trace.Tracer,
    middleware: VigilMiddleware,
    scope: Scope,
    receive: Receive,
    send: Send,
    correlation_id: str,
) -> None:
    """Continue the caller's trace (or start one) in a SERVER span and serve the request inside it.

    The span is named ``<METHOD> <route template>`` (never the raw path) and carries ``http.route``,
    ``http.request.method``, ``http.response.status_code`` and ``vigil.correlation_id``; 5xx responses and
    exceptions set its status to ERROR. Unsampled spans skip all attribute work.
    """
    method = scope.get("method", "")
    parent = propagate.extract(_carrier(scope))
    span = tracer.start_span(method, context=parent, kind=SpanKind.SERVER)
    token = otel_context.attach(trace.set_span_in_context(span, parent))
    ids = span.get_span_context()
    status = 500
    try:
        context = TraceContext(format(ids.trace_id, "032x"), format(ids.span_id, "016x"), ids.trace_flags.sampled)
        status = await middleware.handle(scope, receive, send, correlation_id, context, set_trace_var=False)
    except Exception as exc:
        if span.is_recording():
            span.record_exception(exc)
        raise
    finally:
        if span.is_recording():
            template = middleware.resolver.resolve(scope)[0]
            span.update_name(f"{method} {template}")
            span.set_attributes(
                {
                    "http.request.method": method,
                    "http.route": template,
                    "http.response.status_code": status,
                    "vigil.correlation_id": correlation_id,
                }
            )
            if status >= 500:
                span.set_status(Status(StatusCode.ERROR, f"HTTP {status}"))
        span.end()
        otel_context.detach(token)
