"""``VigilMiddleware``: correlation ids, W3C trace context, request metrics and error lines for any ASGI app.

Per HTTP request it reads ``X-Correlation-ID`` (or makes one) and echoes it on the response; reads
``traceparent`` (with tracing set up: continues the trace in a server span, sampled by the parent-based
ratio sampler; without: keeps the caller's trace id, or makes one); puts both ids into the log context
(:mod:`vigil.emf.log_formatter` writes them on every line) and on the EMF lines as properties; records the
catalog's request metrics by route template (:mod:`vigil.middleware.metrics`); and logs an ERROR line, with
the exception's type and fingerprint, when the application raises (the exception still propagates, so the
server answers 500 as before). With ``websockets`` (:class:`~vigil.middleware.websocket.WebSocketMetrics`), a
``websocket`` scope is counted (connections, messages and their sizes, lifetime, close reason); other scope types
(lifespan, and websocket without it) pass through untouched.

Example (Starlette / FastAPI: ``app.add_middleware(VigilMiddleware, metrics=request_metrics)``)::

    >>> from vigil.emf import InMemorySink, MetricsLogger
    >>> async def app(scope, receive, send):
    ...     await send({"type": "http.response.start", "status": 204, "headers": []})
    ...     await send({"type": "http.response.body", "body": b""})
    >>> logger = MetricsLogger("Vigil/API", {"Service": "api", "Environment": "dev"}, InMemorySink())
    >>> wrapped = VigilMiddleware(app, metrics=RequestMetrics(logger), routes=["/jobs/{id}"])
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import TYPE_CHECKING, Any

from vigil.emf.log_formatter import correlation_id_var, trace_id_var
from vigil.middleware.correlation import (
    CORRELATION_HEADER,
    RequestIds,
    TraceContext,
    _current,
    clean_correlation_id,
    new_id,
    parse_traceparent,
)
from vigil.middleware.metrics import RequestMetrics
from vigil.middleware.routes import RouteResolver
from vigil.middleware.websocket import WebSocketMetrics

if TYPE_CHECKING:
    from vigil.tracing.setup import Tracing

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]  # Starlette, FastAPI or any app taking (scope, receive, send)

log = logging.getLogger("vigil.middleware")
_CORRELATION_BYTES = CORRELATION_HEADER.encode()


class VigilMiddleware:
    """Wraps an ASGI app (see the module docstring).

    Parameters
    ----------
    app:
        The ASGI application.
    metrics:
        Where request metrics go (:class:`~vigil.middleware.metrics.RequestMetrics`); ``None`` records none.
    tracing:
        A :class:`~vigil.tracing.setup.Tracing` from :func:`vigil.tracing.setup_tracing`; ``None`` keeps only
        correlation and trace ids (no spans, no OpenTelemetry SDK imported).
    routes, groups:
        Route templates to match raw paths against when the framework does not say which route matched,
        and endpoint group per template (the ``EndpointGroup`` dimension).
    exclude:
        Path prefixes that get ids but no metrics and no server span (``/health``: health probes report their own
        metrics, and a trace per probe every few seconds would only cost sampling budget).
    websockets:
        Where WebSocket connection metrics go (:class:`~vigil.middleware.websocket.WebSocketMetrics`); ``None``
        passes websocket scopes through uncounted.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        metrics: RequestMetrics | None = None,
        tracing: Tracing | None = None,
        routes: Iterable[str] = (),
        groups: dict[str, str] | None = None,
        exclude: Iterable[str] = (),
        websockets: WebSocketMetrics | None = None,
    ) -> None:
        self.app = app
        self.websockets = websockets
        self.metrics = metrics
        self.tracing = tracing
        self.resolver = RouteResolver(routes, groups)
        self.exclude = tuple(exclude)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket" and self.websockets is not None:
                await _counted_websocket(self.app, self.websockets, scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        correlation, traceparent = _read_headers(scope.get("headers") or ())
        correlation_id = clean_correlation_id(correlation)
        if self.tracing is not None and not self._excluded(scope):
            await self.tracing.serve(self, scope, receive, send, correlation_id)
            return
        parent = parse_traceparent(traceparent)
        trace = TraceContext(parent.trace_id if parent else new_id(), new_id(16), parent.sampled if parent else False)
        await self.handle(scope, receive, send, correlation_id, trace, set_trace_var=True)

    async def handle(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        correlation_id: str,
        trace: TraceContext,
        *,
        set_trace_var: bool,
    ) -> int:
        """Serve one request with its ids in context; returns the status sent (500 if the app raised or sent none)."""
        started = time.perf_counter()
        ids_token = _current.set(RequestIds(correlation_id, trace))
        correlation_token = correlation_id_var.set(correlation_id)
        trace_token = trace_id_var.set(trace.trace_id) if set_trace_var else None
        status = 0  # no response started yet
        size = 0
        header = (_CORRELATION_BYTES, correlation_id.encode())

        async def counting_receive() -> Message:
            nonlocal size
            message = await receive()
            size += len(message.get("body", b""))
            return message

        async def echoing_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", ()))
                if not any(name.lower() == _CORRELATION_BYTES for name, _ in headers):  # the app's own id wins
                    headers.append(header)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, counting_receive, echoing_send)
        except Exception:
            log.exception("unhandled exception in %s %s", scope.get("method", ""), self.resolver.resolve(scope)[0])
            raise
        finally:
            status = status or 500  # the server answers 500 when the app raised or sent nothing
            self._record(scope, status, started, size, correlation_id, trace.trace_id)
            if trace_token is not None:
                trace_id_var.reset(trace_token)
            correlation_id_var.reset(correlation_token)
            _current.reset(ids_token)
        return status

    def _excluded(self, scope: Scope) -> bool:
        return bool(self.exclude) and str(scope.get("path", "")).startswith(self.exclude)

    def _record(self, scope: Scope, status: int, started: float, size: int, correlation_id: str, trace_id: str) -> None:
        if self.metrics is None or self._excluded(scope):
            return
        template, group = self.resolver.resolve(scope)
        duration_ms = (time.perf_counter() - started) * 1000.0
        properties = {"correlation_id": correlation_id, "trace_id": trace_id}
        self.metrics.record(scope.get("method", ""), template, group, status, duration_ms, size, properties)


async def _counted_websocket(app: ASGIApp, ws: WebSocketMetrics, scope: Scope, receive: Receive, send: Send) -> None:
    """Serve one WebSocket connection, counting its accept, messages and close (ASGI websocket messages)."""
    accepted_at: float | None = None
    close: tuple[int | None, bool] | None = None  # (code, closed by the client)

    async def counting_receive() -> Message:
        nonlocal close
        message = await receive()
        if message["type"] == "websocket.receive":
            ws.message(_size(message))
        elif message["type"] == "websocket.disconnect" and close is None:
            close = (message.get("code", 1005), True)
        return message

    async def counting_send(message: Message) -> None:
        nonlocal accepted_at, close
        await send(message)
        if message["type"] == "websocket.accept":
            accepted_at = time.monotonic()
            ws.opened()
        elif message["type"] == "websocket.send":
            ws.message(_size(message))
        elif message["type"] == "websocket.close" and close is None:
            close = (message.get("code", 1000), False)

    try:
        await app(scope, counting_receive, counting_send)
    except Exception:
        close = (None, False)  # the app raised: an error, whatever the client did
        raise
    finally:
        if accepted_at is not None:
            code, by_client = close if close is not None else (1006, True)
            ws.closed(code, by_client=by_client, duration_s=time.monotonic() - accepted_at)


def _size(message: Message) -> int:
    data = message.get("bytes")
    if data is not None:
        return len(data)
    text = message.get("text")
    return len(text.encode("utf-8")) if isinstance(text, str) else 0


def _read_headers(headers: Iterable[tuple[bytes, bytes]]) -> tuple[str | None, str | None]:
    correlation = traceparent = None
    for name, value in headers:
        if len(name) == 16 and name.lower() == _CORRELATION_BYTES:
            correlation = value.decode("latin-1")
        elif len(name) == 11 and name.lower() == b"traceparent":
            traceparent = value.decode("latin-1")
    return correlation, traceparent
