"""``setup_tracing``: the OpenTelemetry SDK for one service, from its :class:`TelemetrySettings`.

- Resource: ``service.name``, ``service.version`` (the release), ``deployment.environment.name`` (and the
  older ``deployment.environment`` that X-Ray's exporters read).
- Sampler: ``ParentBased(TraceIdRatioBased(sample_ratio))``: new traces are recorded with the stack's ratio
  (prod 10 %, dev 100 %); a request that carries a ``traceparent`` keeps its caller's decision, so a
  trace is recorded in every service or in none.
- Spans: every span carries ``vigil_environment`` (the stack's environment), listed in ``aws.xray.annotations``
  so X-Ray indexes it as an annotation: the stack's X-Ray groups select on it and its sampling rules match it,
  so dev's and prod's traces stay apart in one account and region.
- Ids: X-Ray-compatible trace ids (the first 8 hex digits are the start time in epoch seconds, the rest
  random), valid W3C ids too.
- Export: OTLP over HTTP to the CloudWatch agent or ADOT collector (``otlp_endpoint``), batched off the
  request path; tests pass their own exporter (``InMemorySpanExporter``) and ``batch=False``.

Nothing is installed globally unless ``install_global=True``, so two services can run in one process.

Example::

    >>> from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    >>> exporter = InMemorySpanExporter()
    >>> tracing = setup_tracing(TelemetrySettings("api", "dev", sample_ratio=1.0), exporter=exporter, batch=False)
    >>> with tracing.tracer.start_as_current_span("process-job"):
    ...     pass
    >>> [span.name for span in exporter.get_finished_spans()]
    ['process-job']
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

from vigil.tracing.server import serve_traced
from vigil.tracing.settings import ENVIRONMENT_ANNOTATION, TelemetrySettings

if TYPE_CHECKING:
    from vigil.middleware.asgi import Receive, Scope, Send, VigilMiddleware


class EnvironmentAnnotation(SpanProcessor):
    """Puts the stack's environment on every span, as an attribute X-Ray indexes as an annotation."""

    def __init__(self, environment: str) -> None:
        self._attributes = {ENVIRONMENT_ANNOTATION: environment, "aws.xray.annotations": [ENVIRONMENT_ANNOTATION]}

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        """Set the attributes as the span starts (before any exporter sees it)."""
        span.set_attributes(self._attributes)


class XRayIdGenerator(IdGenerator):
    """Trace ids whose first 32 bits are the epoch second (what X-Ray requires), span ids random."""

    def __init__(self) -> None:
        self._random = random.SystemRandom()

    def generate_span_id(self) -> int:
        """A random non-zero 64-bit span id."""
        return self._random.getrandbits(64) or 1

    def generate_trace_id(self) -> int:
        """``<epoch seconds, 32 bits><random, 96 bits>``."""
        return (int(time.time()) << 96) | (self._random.getrandbits(96) or 1)


class SpanLineExporter(SpanExporter):
    """Writes one JSON line per finished span (trace, span and parent ids, service, name, duration, status):
    for local runs and demos, where no collector listens."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        """Write the spans."""
        stream = self._stream or sys.stdout
        for item in spans:
            context, parent = item.context, item.parent
            line: dict[str, Any] = {
                "trace_id": format(context.trace_id, "032x") if context else None,
                "span_id": format(context.span_id, "016x") if context else None,
                "parent_id": format(parent.span_id, "016x") if parent else None,
                "service": item.resource.attributes.get("service.name"),
                "name": item.name,
                "duration_ms": round(((item.end_time or 0) - (item.start_time or 0)) / 1e6, 3),
                "status": item.status.status_code.name,
            }
            stream.write(json.dumps(line) + "\n")
        stream.flush()
        return SpanExportResult.SUCCESS


class Tracing:
    """A service's tracer provider and tracer; pass it to :class:`~vigil.middleware.VigilMiddleware`."""

    def __init__(self, settings: TelemetrySettings, provider: TracerProvider) -> None:
        self.settings = settings
        self.provider = provider
        self.tracer = provider.get_tracer("vigil", settings.release or None)

    async def serve(
        self, middleware: VigilMiddleware, scope: Scope, receive: Receive, send: Send, correlation_id: str
    ) -> None:
        """Serve one HTTP request inside a server span (called by the middleware)."""
        await serve_traced(self.tracer, middleware, scope, receive, send, correlation_id)

    def force_flush(self, timeout_ms: int = 5000) -> bool:
        """Export every finished span now."""
        return self.provider.force_flush(timeout_ms)

    def shutdown(self) -> None:
        """Flush and stop the exporter (at exit)."""
        self.provider.shutdown()


def setup_tracing(
    settings: TelemetrySettings,
    *,
    exporter: SpanExporter | Sequence[SpanExporter] | None = None,
    batch: bool = True,
    install_global: bool = False,
) -> Tracing | None:
    """The tracing of one service, or None when ``settings.tracing_enabled`` is false (see the module docstring).

    ``exporter``: one exporter or several (each finished span goes to every one, e.g. OTLP and the console
    ``SpanLineExporter`` in development); None exports over OTLP/HTTP to ``settings.otlp_endpoint``.
    """
    if not settings.tracing_enabled:
        return None
    attributes = {
        "service.name": settings.service,
        "deployment.environment.name": settings.environment,
        "deployment.environment": settings.environment,
    }
    if settings.release:
        attributes["service.version"] = settings.release
    provider = TracerProvider(
        sampler=ParentBased(root=TraceIdRatioBased(settings.sample_ratio)),
        resource=Resource.create(attributes),
        id_generator=XRayIdGenerator(),
    )
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=settings.otlp_endpoint)
    exporters = [exporter] if isinstance(exporter, SpanExporter) else list(exporter)
    provider.add_span_processor(EnvironmentAnnotation(settings.environment))
    for each in exporters:
        provider.add_span_processor(BatchSpanProcessor(each) if batch else SimpleSpanProcessor(each))
    if install_global:
        trace.set_tracer_provider(provider)
    return Tracing(settings, provider)
