"""http.client.duration from finished HTTP client spans (seed 004 HttpClient metrics), with the attributes the
maintained instrumentations set (current and older semantic conventions); other spans emit nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from vigil.emf import InMemorySink, MetricsLogger
from vigil.tracing import TelemetrySettings, setup_tracing
from vigil.tracing.dependencies import HttpClientDurationProcessor

ROOT = Path(__file__).resolve().parents[2]


def _run(kind: SpanKind, attributes: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
    sink = InMemorySink()
    exporter = InMemorySpanExporter()
    tracing = setup_tracing(TelemetrySettings("api", "prod", sample_ratio=1.0), exporter=exporter, batch=False)
    assert tracing is not None
    metrics = MetricsLogger("Vigil/API", {"Service": "api", "Environment": "prod"}, sink)
    tracing.provider.add_span_processor(HttpClientDurationProcessor(metrics))
    with tracing.tracer.start_as_current_span("POST", kind=kind, attributes=attributes):
        pass
    (span,) = exporter.get_finished_spans()
    assert span.context is not None
    return sink.events(), f"{span.context.trace_id:032x}"


@pytest.mark.parametrize(
    ("attributes", "host"),
    [
        (
            {"http.request.method": "POST", "server.address": "jobs.internal", "http.response.status_code": 202},
            "jobs.internal",
        ),
        ({"http.method": "GET", "net.peer.name": "billing.internal", "http.status_code": 200}, "billing.internal"),
        ({"http.request.method": "GET", "url.full": "https://api.openai.com/v1/chat"}, "api.openai.com"),
        ({"http.method": "GET"}, "unknown"),
    ],
)
def test_an_http_client_span_is_one_datum_per_dependency(attributes: dict[str, Any], host: str) -> None:
    events, trace_id = _run(SpanKind.CLIENT, attributes)
    (event,) = events
    assert event["Dependency"] == host
    assert 0 <= event["http.client.duration"] < 1000
    assert event["trace_id"] == trace_id
    (directive,) = event["_aws"]["CloudWatchMetrics"]
    assert directive["Dimensions"] == [["Service", "Environment"], ["Service", "Environment", "Dependency"]]
    assert directive["Metrics"] == [{"Name": "http.client.duration", "Unit": "Milliseconds"}]


@pytest.mark.parametrize(
    ("kind", "attributes"),
    [
        (SpanKind.SERVER, {"http.request.method": "GET", "server.address": "self"}),  # our own request
        (SpanKind.CLIENT, {"db.system": "postgresql"}),  # SQL: db.query.duration's job
        (SpanKind.INTERNAL, {"http.method": "GET"}),
    ],
)
def test_other_spans_emit_nothing(kind: SpanKind, attributes: dict[str, Any]) -> None:
    assert _run(kind, attributes)[0] == []


def test_the_metric_and_its_dimension_sets_are_in_the_catalog() -> None:
    api = yaml.safe_load((ROOT / "metrics" / "api.yaml").read_text())
    declared = api["metrics"]["http.client.duration"]
    assert declared["unit"] == "Milliseconds"
    sets = {tuple(api["dimension_sets"][name]) for name in declared["dimension_sets"]}
    assert sets == {("Service", "Environment"), ("Service", "Environment", "Dependency")}
