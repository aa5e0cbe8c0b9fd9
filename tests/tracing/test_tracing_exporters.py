"""setup_tracing with several exporters (seed 004: OpenTelemetry with multiple exporters): every finished span
reaches every exporter, in batch and in simple mode."""

from __future__ import annotations

import io
import json

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from vigil.tracing import TelemetrySettings, setup_tracing
from vigil.tracing.setup import SpanLineExporter


@pytest.mark.parametrize("batch", [False, True])
def test_every_exporter_gets_every_span(batch: bool) -> None:
    memory, stream = InMemorySpanExporter(), io.StringIO()
    tracing = setup_tracing(
        TelemetrySettings("api", "dev", sample_ratio=1.0), exporter=[memory, SpanLineExporter(stream)], batch=batch
    )
    assert tracing is not None
    for name in ("process-job", "llm-call"):
        with tracing.tracer.start_as_current_span(name):
            pass
    assert tracing.force_flush()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [span.name for span in memory.get_finished_spans()] == ["process-job", "llm-call"]
    assert [line["name"] for line in lines] == ["process-job", "llm-call"]
    assert {line["trace_id"] for line in lines} == {
        format(s.context.trace_id, "032x") for s in memory.get_finished_spans()
    }
    tracing.shutdown()


def test_one_exporter_still_works() -> None:
    memory = InMemorySpanExporter()
    tracing = setup_tracing(TelemetrySettings("api", "dev", sample_ratio=1.0), exporter=memory, batch=False)
    assert tracing is not None
    with tracing.tracer.start_as_current_span("update-status"):
        pass
    assert [span.name for span in memory.get_finished_spans()] == ["update-status"]
