"""Client spans for a service's dependencies from OpenTelemetry's maintained instrumentations, and the catalog's
``db.query.duration`` from the same spans.

:func:`instrument_dependencies` turns on the instrumentations that are installed (the ``deps`` extra:
``pip install 'vigil-monitoring[deps]'``): HTTP clients (httpx, requests), SQL (SQLAlchemy, per engine or
globally), Redis and botocore, all on the service's tracer provider. A span processor turns every finished SQL
client span into one ``db.query.duration`` EMF datum (milliseconds, with the trace id as a property), so the
metric and the trace of a slow query are the same measurement; another turns every finished HTTP client span
into one ``http.client.duration`` datum per dependency host (:class:`HttpClientDurationProcessor`). Nothing here is imported by ``vigil.tracing``
itself: a service that does not call it pays no import.

Example::

    >>> from vigil.tracing import TelemetrySettings, setup_tracing  # doctest: +SKIP
    >>> tracing = setup_tracing(TelemetrySettings("api", "prod", "1.0"))  # doctest: +SKIP
    >>> instrument_dependencies(tracing, metrics=api_metrics, engines=[engine])  # doctest: +SKIP
    ('httpx', 'requests', 'sqlalchemy')
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor
from opentelemetry.trace import SpanKind

if TYPE_CHECKING:
    from vigil.emf.logger import MetricsLogger
    from vigil.tracing.setup import Tracing

#: Library -> (instrumentation module, instrumentor class), the maintained OpenTelemetry packages.
INSTRUMENTORS: dict[str, tuple[str, str]] = {
    "httpx": ("opentelemetry.instrumentation.httpx", "HTTPXClientInstrumentor"),
    "requests": ("opentelemetry.instrumentation.requests", "RequestsInstrumentor"),
    "sqlalchemy": ("opentelemetry.instrumentation.sqlalchemy", "SQLAlchemyInstrumentor"),
    "redis": ("opentelemetry.instrumentation.redis", "RedisInstrumentor"),
    "botocore": ("opentelemetry.instrumentation.botocore", "BotocoreInstrumentor"),
}


class QueryDurationProcessor(SpanProcessor):
    """A span processor: each finished SQL client span (``db.system`` set, not Redis) -> ``db.query.duration``."""

    def __init__(self, metrics: MetricsLogger) -> None:
        self.metrics = metrics

    def on_end(self, span: ReadableSpan) -> None:
        """Emit the duration of a finished SQL span (never raises into the application)."""
        attributes = span.attributes or {}
        system = attributes.get("db.system") or attributes.get("db.system.name")
        if not system or system == "redis" or span.end_time is None or span.start_time is None:
            return
        ms = (span.end_time - span.start_time) / 1e6
        trace_id = f"{span.context.trace_id:032x}" if span.context is not None else ""
        self.metrics.put("db.query.duration", round(ms, 3), "Milliseconds", properties={"trace_id": trace_id})


class HttpClientDurationProcessor(SpanProcessor):
    """A span processor: each finished HTTP client span -> ``http.client.duration`` with ``Dependency`` = its host.

    A client span is HTTP when it has a request method (``http.request.method``, or the older ``http.method``);
    the host is ``server.address`` (older: ``net.peer.name``), else the host of ``url.full`` (``http.url``).
    The datum goes under the service's default dimensions and with ``Dependency`` (both catalog dimension sets),
    with the trace id and the response status as properties.

    Example::

        >>> from vigil.emf import InMemorySink, MetricsLogger
        >>> from opentelemetry.sdk.trace import TracerProvider
        >>> sink = InMemorySink()
        >>> provider = TracerProvider()
        >>> provider.add_span_processor(HttpClientDurationProcessor(MetricsLogger("Vigil/API", {"Service": "api"}, sink)))
        >>> with provider.get_tracer("t").start_as_current_span("GET", kind=SpanKind.CLIENT,
        ...         attributes={"http.request.method": "GET", "server.address": "billing.internal"}):
        ...     pass
        >>> sink.events()[0]["Dependency"]
        'billing.internal'
    """

    def __init__(self, metrics: MetricsLogger, metric: str = "http.client.duration") -> None:
        self.metrics = metrics
        self.metric = metric

    def on_end(self, span: ReadableSpan) -> None:
        """Emit the duration of a finished HTTP client span (never raises into the application)."""
        attributes = span.attributes or {}
        method = attributes.get("http.request.method") or attributes.get("http.method")
        if span.kind != SpanKind.CLIENT or not method or span.end_time is None or span.start_time is None:
            return
        host = attributes.get("server.address") or attributes.get("net.peer.name")
        if not host:
            url = attributes.get("url.full") or attributes.get("http.url")
            host = urlsplit(str(url)).hostname if url else None
        ms = (span.end_time - span.start_time) / 1e6
        status = attributes.get("http.response.status_code") or attributes.get("http.status_code")
        event = self.metrics.event().metric(self.metric, round(ms, 3), "Milliseconds")
        event.dimensions(Dependency=str(host or "unknown"))
        base = tuple(self.metrics.default_dimensions)
        event.dimension_sets(base, (*base, "Dependency"))
        if span.context is not None:
            event.property("trace_id", f"{span.context.trace_id:032x}")
        if status is not None:
            event.property("status_code", status)
        event.emit()


def instrument_dependencies(
    tracing: Tracing,
    *,
    metrics: MetricsLogger | None = None,
    engines: Iterable[Any] = (),
    libraries: Iterable[str] = tuple(INSTRUMENTORS),
) -> tuple[str, ...]:
    """Instrument the installed ``libraries`` on ``tracing``'s provider; the names that were instrumented.

    ``engines``: SQLAlchemy engines to instrument (none: every engine created afterwards). ``metrics``: the
    service's catalog logger; with it, SQL spans also emit ``db.query.duration``, HTTP client spans
    ``http.client.duration``, and Redis reads ``cache.hits`` / ``cache.misses`` (:mod:`vigil.tracing.cache_metrics`).
    """
    done: list[str] = []
    engines = list(engines)
    for name in libraries:
        module_name, class_name = INSTRUMENTORS[name]
        try:
            instrumentor = getattr(importlib.import_module(module_name), class_name)()
        except ImportError:
            continue  # the instrumentation or its library is not installed
        kwargs: dict[str, Any] = {"tracer_provider": tracing.provider}
        if name == "sqlalchemy" and engines:
            kwargs["engines"] = engines
        if name == "redis" and metrics is not None:  # cache.hits / cache.misses from the same commands
            from vigil.tracing.cache_metrics import CacheHitHooks

            hooks = CacheHitHooks(metrics)
            kwargs |= {"request_hook": hooks.request_hook, "response_hook": hooks.response_hook}
        if not instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.instrument(**kwargs)  # logs and does nothing when the library's version is unsupported
        if instrumentor.is_instrumented_by_opentelemetry:
            done.append(name)
    if metrics is not None:
        tracing.provider.add_span_processor(QueryDurationProcessor(metrics))
        tracing.provider.add_span_processor(HttpClientDurationProcessor(metrics))
    return tuple(done)


def uninstrument_dependencies(names: Iterable[str]) -> None:
    """Turn the named instrumentations off again (tests, or a service shutting down)."""
    for name in names:
        module_name, class_name = INSTRUMENTORS[name]
        getattr(importlib.import_module(module_name), class_name)().uninstrument()
