"""Dependency instrumentation (vigil.tracing.dependencies): client spans from OpenTelemetry's maintained
instrumentations on the service's provider, and db.query.duration from the same SQL spans; no import cost."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("opentelemetry.instrumentation.sqlalchemy", reason="the deps extra is not installed")

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from vigil.emf import MetricsLogger
from vigil.emf.sinks import InMemorySink
from vigil.health.serve import serve_in_thread
from vigil.spec import load_project
from vigil.tracing import TelemetrySettings, setup_tracing
from vigil.tracing.dependencies import instrument_dependencies, uninstrument_dependencies

ROOT = Path(__file__).resolve().parents[2]


async def _hello(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture
def instrumented() -> Iterator[tuple[InMemorySpanExporter, InMemorySink, Any]]:
    import sqlalchemy

    exporter = InMemorySpanExporter()
    tracing = setup_tracing(TelemetrySettings("api", "test", "1.0", sample_ratio=1.0), exporter=exporter, batch=False)
    sink = InMemorySink()
    api = load_project(ROOT).project.namespaces["Vigil/API"]
    metrics = MetricsLogger.from_catalog(api, dimensions={"Service": "api", "Environment": "test"}, sink=sink)
    engine = sqlalchemy.create_engine("sqlite://")
    names = instrument_dependencies(
        tracing, metrics=metrics, engines=[engine], libraries=("httpx", "requests", "sqlalchemy")
    )
    assert names == ("httpx", "requests", "sqlalchemy")
    yield exporter, sink, engine
    uninstrument_dependencies(names)


def test_sql_queries_get_client_spans_and_db_query_duration_with_the_same_trace(instrumented: Any) -> None:
    import sqlalchemy

    exporter, sink, engine = instrumented
    with engine.connect() as conn:
        conn.execute(sqlalchemy.text("select 1"))
    sql = [s for s in exporter.get_finished_spans() if (s.attributes or {}).get("db.system")]
    assert sql
    assert all(s.kind == SpanKind.CLIENT for s in sql)
    lines = [json.loads(line) for line in sink.lines if "db.query.duration" in line]
    assert len(lines) == len(sql)
    assert {line["trace_id"] for line in lines} == {f"{s.context.trace_id:032x}" for s in sql}
    assert all(line["db.query.duration"] >= 0 for line in lines)


def test_http_clients_get_client_spans(instrumented: Any) -> None:
    import httpx
    import requests

    exporter, sink, _ = instrumented
    with serve_in_thread(_hello) as server:
        assert httpx.get(server.url + "/x", timeout=5).status_code == 200
        assert requests.get(server.url + "/y", timeout=5).status_code == 200
    clients = [s for s in exporter.get_finished_spans() if s.kind == SpanKind.CLIENT]
    assert len(clients) >= 2
    assert {
        (s.attributes or {}).get("http.request.method") or (s.attributes or {}).get("http.method") for s in clients
    } == {"GET"}
    assert not [line for line in sink.lines if "db.query.duration" in line]  # HTTP spans are not queries


def test_importing_vigil_tracing_loads_no_instrumentation() -> None:
    code = "import sys, vigil.tracing, vigil.middleware; print([m for m in sys.modules if 'instrumentation' in m])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
