"""Two services calling each other over loopback keep one trace, in spans, log lines and EMF lines."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from vigil.emf import InMemorySink, MetricsLogger
from vigil.emf.log_formatter import JsonFormatter
from vigil.health.serve import RunningServer, serve_in_thread
from vigil.middleware import RequestMetrics, VigilMiddleware, outgoing_headers, set_route, trace_properties
from vigil.spec import load_project
from vigil.tracing import TelemetrySettings, llm_call, process_job, record_llm_usage, setup_tracing, tool_execution

ROOT = Path(__file__).resolve().parents[2]
NAMESPACES = load_project(ROOT).project.namespaces

pytestmark = pytest.mark.integration


@dataclass
class Node:
    """One service: its spans, EMF lines and JSON log lines."""

    name: str
    spans: InMemorySpanExporter
    sink: InMemorySink
    logs: io.StringIO
    server: RunningServer | None = None

    def log_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.logs.getvalue().split("\n") if line]


def _send_json(status: int, payload: dict[str, Any]) -> list[dict[str, Any]]:
    body = json.dumps(payload).encode()
    start = {"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]}
    return [start, {"type": "http.response.body", "body": body}]


async def _lifespan(receive: Any, send: Any) -> None:
    while True:
        message = await receive()
        await send({"type": message["type"] + ".complete"})
        if message["type"] == "lifespan.shutdown":
            return


def _node(name: str, namespace: str, app: Any, *, http_metrics: bool) -> tuple[Node, VigilMiddleware, MetricsLogger]:
    exporter = InMemorySpanExporter()
    tracing = setup_tracing(TelemetrySettings(name, "test", "3.1.0", sample_ratio=1.0), exporter=exporter, batch=False)
    sink = InMemorySink()
    logger = MetricsLogger.from_catalog(
        NAMESPACES[namespace], dimensions={"Service": name, "Environment": "test"}, sink=sink
    )
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(name, environment="test", release="3.1.0"))
    log = logging.getLogger(f"twosvc.{name}")
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False
    node = Node(name, exporter, sink, stream)
    metrics = RequestMetrics(logger, NAMESPACES[namespace]) if http_metrics else None
    return node, VigilMiddleware(app, metrics=metrics, tracing=tracing), logger


@pytest.fixture
def two_services() -> Iterator[tuple[Node, Node]]:
    worker_tracer: list[Any] = []
    worker_metrics: list[MetricsLogger] = []

    async def worker_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        await receive()
        with process_job("j-7", job_type="implement", mode="genius", tracer=worker_tracer[0]):
            with llm_call("anthropic", "claude-sonnet", tracer=worker_tracer[0]) as span:
                record_llm_usage(span, input_tokens=1200, output_tokens=300, cost_usd=0.01)
            logging.getLogger("twosvc.worker").info("job done")
            worker_metrics[0].put("job.completed", 1, "Count", properties=trace_properties())
            with pytest.raises(TimeoutError), tool_execution("run-tests", tracer=worker_tracer[0]):
                raise TimeoutError("tests hung")
        for message in _send_json(202, {"job": "j-7"}):
            await send(message)

    worker, worker_mw, logger = _node("worker", "Vigil/Worker", worker_app, http_metrics=False)
    assert worker_mw.tracing is not None
    worker_tracer.append(worker_mw.tracing.tracer)
    worker_metrics.append(logger)
    worker.server = serve_in_thread(worker_mw)

    async def api_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        await receive()
        set_route(scope, "/plans/{id}/approve", "plans")
        logging.getLogger("twosvc.api").info("approving plan")
        assert worker.server is not None
        async with httpx.AsyncClient() as client:
            answer = await client.post(f"{worker.server.url}/jobs", headers=outgoing_headers(), content=b"{}")
        for message in _send_json(200, {"worker_status": answer.status_code}):
            await send(message)

    api, api_mw, _ = _node("api", "Vigil/API", api_app, http_metrics=True)
    api.server = serve_in_thread(api_mw)
    yield api, worker
    api.server.stop()
    worker.server.stop()


def test_one_trace_across_two_services_in_spans_logs_and_emf(two_services: tuple[Node, Node]) -> None:
    api, worker = two_services
    assert api.server is not None
    response = httpx.post(f"{api.server.url}/plans/p-1/approve", headers={"X-Correlation-ID": "flow-1"}, timeout=10)
    assert response.json() == {"worker_status": 202}
    # the server span ends just after the last byte is sent, so the client can be a little ahead of it
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not (
        api.spans.get_finished_spans() and len(worker.spans.get_finished_spans()) == 4
    ):
        time.sleep(0.01)

    (api_span,) = api.spans.get_finished_spans()
    worker_spans = {s.name: s for s in worker.spans.get_finished_spans()}
    assert set(worker_spans) == {"POST unmatched", "process-job", "llm-call", "tool-execution"}
    trace_id = api_span.context.trace_id
    assert all(s.context.trace_id == trace_id for s in worker_spans.values())
    server = worker_spans["POST unmatched"]
    assert server.kind is SpanKind.SERVER
    assert server.parent is not None
    assert server.parent.span_id == api_span.context.span_id  # the worker continues the api's span
    assert worker_spans["process-job"].parent.span_id == server.context.span_id  # type: ignore[union-attr]
    assert worker_spans["llm-call"].attributes["gen_ai.usage.input_tokens"] == 1200  # type: ignore[index]
    assert worker_spans["tool-execution"].status.status_code is StatusCode.ERROR
    assert api_span.name == "POST /plans/{id}/approve"
    assert api_span.attributes["http.route"] == "/plans/{id}/approve"  # type: ignore[index]
    assert api_span.resource.attributes["service.name"] == "api"
    assert api_span.resource.attributes["deployment.environment.name"] == "test"

    hex_trace = format(trace_id, "032x")
    for node in (api, worker):
        lines = node.log_lines()
        assert lines, f"{node.name} logged nothing"
        assert {(line["trace_id"], line["correlation_id"]) for line in lines} == {(hex_trace, "flow-1")}
        events = node.sink.events()
        assert events, f"{node.name} emitted no EMF line"
        assert {(e["trace_id"], e["correlation_id"]) for e in events} == {(hex_trace, "flow-1")}
    (done,) = worker.log_lines()
    assert done["context"]["job_id"] == "j-7"
    assert done["span_id"] == format(worker_spans["process-job"].context.span_id, "016x")
