"""Two example services over loopback: the api hands approved jobs to the other; one trace end to end."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from vigil.emf import InMemorySink
from vigil.health.serve import RunningServer
from vigil.tracing import TelemetrySettings, setup_tracing

Start = Callable[..., tuple[RunningServer, InMemorySink]]
pytestmark = pytest.mark.integration


def call(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_a_plan_approved_on_one_service_runs_on_the_other_in_the_same_trace(
    start_service: Start,
) -> None:
    exporters = {name: InMemorySpanExporter() for name in ("api", "worker")}
    tracings = {
        name: setup_tracing(TelemetrySettings(name, "test"), exporter=exporter, batch=False)
        for name, exporter in exporters.items()
    }
    worker, worker_sink = start_service(tracing=tracings["worker"])
    api, api_sink = start_service(tracing=tracings["api"], downstream=worker.url)
    sid = call("POST", api.url + "/sessions")["id"]
    for question, answer in (("q1", "api"), ("q2", "python"), ("q3", "genius")):
        call("POST", f"{api.url}/sessions/{sid}/answers", {"questionId": question, "answer": answer})
    plan = call("GET", f"{api.url}/sessions/{sid}/plan")
    decided = call("POST", f"{api.url}/plans/{plan['planId']}/approve", headers={"X-Correlation-ID": "demo-7"})
    job_id = decided["jobId"]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any(
        s.name == "process-job" for s in exporters["worker"].get_finished_spans()
    ):
        time.sleep(0.02)

    approve = next(s for s in exporters["api"].get_finished_spans() if s.name == "POST /plans/{id}/approve")
    trace_id = approve.context.trace_id
    spans = [s for s in exporters["worker"].get_finished_spans() if s.context.trace_id == trace_id]
    names = {s.name for s in spans}
    assert {"POST /jobs", "process-job", "llm-call", "tool-execution", "agent-loop"} <= names
    by_id = {s.context.span_id: s for s in spans}
    server = next(s for s in spans if s.name == "POST /jobs")
    assert server.parent is not None
    assert server.parent.span_id == approve.context.span_id
    job = next(s for s in spans if s.name == "process-job")
    assert job.attributes is not None
    assert job.attributes["vigil.job.id"] == job_id
    assert job.parent is not None
    assert by_id[job.parent.span_id].name == "POST /jobs"  # the queued job continues the request's trace

    hex_trace = format(trace_id, "032x")
    api_lines = [e for e in api_sink.events() if e.get("trace_id") == hex_trace]
    worker_lines = [e for e in worker_sink.events() if e.get("trace_id") == hex_trace]
    assert any("http.requests" in e for e in api_lines)
    assert any("http.requests" in e for e in worker_lines)
    assert any("job.claimed" in e for e in worker_lines)
    assert {e["correlation_id"] for e in api_lines + worker_lines if "http.requests" in e} == {"demo-7"}
