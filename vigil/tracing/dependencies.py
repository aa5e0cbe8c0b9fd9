"""Client spans for a service's dependencies from OpenTelemetry's maintained instrumentations, and the catalog's
``db.query.duration`` from the same spans.

:func:`instrument_dependencies` turns on the instrumentations that are installed (the ``deps`` extra:
``pip install 'vigil-monitoring[deps]'``): HTTP clients (httpx, requests), SQL (SQLAlchemy, per engine or
globally), Redis and botocore, all on the service's tracer provider. A span processor turns every finished SQL
client span into one ``db.query.duration`` EMF datum (milliseconds, with the trace id as a property), so the
metric and the trace of a slow query are the same measurement. Nothing here is imported by ``vigil.tracing``
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

from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor

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


def instrument_dependencies(
    tracing: Tracing,
    *,
    metrics: MetricsLogger | None = None,
    engines: Iterable[Any] = (),
    libraries: Iterable[str] = tuple(INSTRUMENTORS),
) -> tuple[str, ...]:
    """Instrument the installed ``libraries`` on ``tracing``'s provider; the names that were instrumented.

    ``engines``: SQLAlchemy engines to instrument (none: every engine created afterwards). ``metrics``: the
    service's catalog logger; with it, SQL spans also emit ``db.query.duration``.
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
        if not instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.instrument(**kwargs)  # logs and does nothing when the library's version is unsupported
        if instrumentor.is_instrumented_by_opentelemetry:
            done.append(name)
    if metrics is not None:
        tracing.provider.add_span_processor(QueryDurationProcessor(metrics))
    return tuple(done)


def uninstrument_dependencies(names: Iterable[str]) -> None:
    """Turn the named instrumentations off again (tests, or a service shutting down)."""
    for name in names:
        module_name, class_name = INSTRUMENTORS[name]
        getattr(importlib.import_module(module_name), class_name)().uninstrument()
