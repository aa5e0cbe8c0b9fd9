"""VigilMiddleware on plain ASGI, Starlette and FastAPI: ids in and out, request metrics from the catalog, errors."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from vigil.emf import InMemorySink, MetricsLogger
from vigil.emf.log_formatter import JsonFormatter
from vigil.middleware import (
    UNMATCHED,
    MiddlewareError,
    RequestMetrics,
    VigilMiddleware,
    current_ids,
    outgoing_headers,
    set_route,
)
from vigil.spec import load_project
from vigil.spec.models.metrics import MetricNamespaceSpec

ROOT = Path(__file__).resolve().parents[2]
API: MetricNamespaceSpec = load_project(ROOT).project.namespaces["Vigil/API"]
PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


class Service:
    """A tiny plain-ASGI service that routes itself and reports the template with ``set_route``."""

    def __init__(self) -> None:
        self.seen: list[Any] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        path = scope["path"]
        self.seen.append((current_ids(), outgoing_headers()))
        logging.getLogger("svc").info("handling %s", path)
        if path == "/boom":
            raise RuntimeError("handler bug")
        if path.startswith("/sessions/"):
            set_route(scope, "/sessions/{id}/answers", "questionnaire")
            status = 200
        else:
            status = 404
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture
def sink() -> InMemorySink:
    return InMemorySink()


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("api", environment="test"))
    loggers = [logging.getLogger("svc"), logging.getLogger("vigil.middleware")]
    for log in loggers:
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    yield stream
    for log in loggers:
        log.removeHandler(handler)


def _app(sink: InMemorySink, service: Service | None = None, **options: Any) -> VigilMiddleware:
    logger = MetricsLogger.from_catalog(API, dimensions={"Service": "api", "Environment": "test"}, sink=sink)
    return VigilMiddleware(service or Service(), metrics=RequestMetrics(logger, API), **options)


def _client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://t")


def _get(app: Any, path: str, **kwargs: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        async with _client(app) as client:
            return await client.request(kwargs.pop("method", "GET"), path, **kwargs)

    return asyncio.run(go())


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().split("\n") if line]


def test_ids_are_read_echoed_and_put_in_logs_and_emf_properties(sink: InMemorySink, log_lines: io.StringIO) -> None:
    service = Service()
    app = _app(sink, service)
    response = _get(app, "/sessions/s-1/answers", headers={"X-Correlation-ID": "req-7", "traceparent": PARENT})
    assert response.headers["x-correlation-id"] == "req-7"
    ids, outgoing = service.seen[0]
    assert (ids.correlation_id, ids.trace.trace_id) == ("req-7", PARENT.split("-")[1])
    assert outgoing["x-correlation-id"] == "req-7"
    assert outgoing["traceparent"].split("-")[1] == PARENT.split("-")[1]
    assert outgoing["traceparent"].split("-")[2] != PARENT.split("-")[2]  # our own span id, child of the caller's
    (line,) = _lines(log_lines)
    assert (line["correlation_id"], line["trace_id"]) == ("req-7", PARENT.split("-")[1])
    for event in sink.events():
        assert (event["correlation_id"], event["trace_id"]) == ("req-7", PARENT.split("-")[1])
        dims = {d for s in event["_aws"]["CloudWatchMetrics"][0]["Dimensions"] for d in s}
        assert not dims & {"correlation_id", "trace_id"}
    assert current_ids() is None  # nothing leaks out of the request


def test_bad_or_missing_ids_are_replaced(sink: InMemorySink) -> None:
    service = Service()
    app = _app(sink, service)
    first = _get(app, "/sessions/s-1/answers", headers={"X-Correlation-ID": "two words\n", "traceparent": "00-zz"})
    second = _get(app, "/sessions/s-1/answers")
    ids = [first.headers["x-correlation-id"], second.headers["x-correlation-id"]]
    assert all(len(i) == 32 and int(i, 16) for i in ids)
    assert ids[0] != ids[1]
    traces = [seen[0].trace.trace_id for seen in service.seen]
    assert all(len(t) == 32 for t in traces)
    assert traces[0] != traces[1]


def _metrics(sink: InMemorySink) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for event in sink.events():
        for directive in event["_aws"]["CloudWatchMetrics"]:
            for metric in directive["Metrics"]:
                found.setdefault(metric["Name"], []).append({"event": event, "sets": directive["Dimensions"]})
    return found


def test_request_metrics_follow_the_catalog_dimension_sets(sink: InMemorySink) -> None:
    app = _app(sink)
    _get(app, "/sessions/s-1/answers", method="POST", content=b"x" * 42)
    _get(app, "/sessions/s-2/answers")
    found = _metrics(sink)
    assert {"http.requests", "http.request.duration", "http.request.size"} <= found.keys()
    assert "http.errors" not in found
    for name, emitted in found.items():
        declared = {tuple(s) for s in API.metric_dimension_sets(name)}
        for item in emitted:
            assert {tuple(s) for s in item["sets"]} <= declared, name
            assert item["event"]["Endpoint"] == "/sessions/{id}/answers"  # the template, never the raw path
            assert item["event"]["EndpointGroup"] == "questionnaire"
    sizes = [item["event"]["http.request.size"] for item in found["http.request.size"]]
    assert sizes == [42, 0]
    requests = found["http.requests"][0]
    assert ["Service", "Environment", "EndpointGroup", "StatusClass"] in requests["sets"]
    assert requests["event"]["StatusClass"] == "2xx"
    assert app.metrics is not None
    assert app.metrics.drops.snapshot() == {}  # nothing dropped


def test_unknown_paths_share_one_endpoint_value_and_count_as_errors(sink: InMemorySink) -> None:
    app = _app(sink)
    for path in ("/wp-admin.php", "/random/123"):
        _get(app, path)
    found = _metrics(sink)
    assert {item["event"]["Endpoint"] for item in found["http.requests"]} == {UNMATCHED}
    assert {item["event"]["StatusClass"] for item in found["http.errors"]} == {"4xx"}


def test_an_exception_is_logged_with_its_fingerprint_counted_as_5xx_and_propagated(
    sink: InMemorySink, log_lines: io.StringIO
) -> None:
    app = _app(sink, routes=["/boom"])
    response = _get(app, "/boom", headers={"X-Correlation-ID": "req-err"})
    assert response.status_code == 500
    error = next(line for line in _lines(log_lines) if line["level"] == "ERROR")
    assert error["correlation_id"] == "req-err"
    assert error["error"]["type"] == "RuntimeError"
    assert len(error["error"]["fingerprint"]) == 16
    assert "GET /boom" in error["message"]
    found = _metrics(sink)
    assert {item["event"]["StatusClass"] for item in found["http.errors"]} == {"5xx"}


def test_excluded_paths_and_other_scope_types_record_no_metrics(sink: InMemorySink) -> None:
    calls: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        calls.append(scope["type"])
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b""})

    wrapped = _app(sink, app, exclude=["/health"])  # type: ignore[arg-type]
    response = _get(wrapped, "/health/ready")
    assert "x-correlation-id" in response.headers

    async def lifespan() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "lifespan.startup"}

        async def send(message: Any) -> None:
            raise AssertionError("the test app sends nothing on lifespan")

        await wrapped({"type": "lifespan"}, receive, send)

    asyncio.run(lifespan())
    assert calls == ["http", "lifespan"]
    assert sink.events() == []


def test_starlette_and_fastapi_route_templates(sink: InMemorySink) -> None:
    from fastapi import FastAPI
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def plan(request: Any) -> PlainTextResponse:
        return PlainTextResponse("ok")

    starlette_app = Starlette(routes=[Route("/plans/{plan_id}", plan)])
    fastapi_app = FastAPI()

    @fastapi_app.get("/jobs/{job_id}")
    async def job(job_id: str) -> dict[str, str]:
        return {"id": job_id}

    for app, path, template in (
        (starlette_app, "/plans/p-9", "/plans/{plan_id}"),
        (fastapi_app, "/jobs/j-3", "/jobs/{job_id}"),
    ):
        sink.clear()
        logger = MetricsLogger.from_catalog(API, dimensions={"Service": "api", "Environment": "test"}, sink=sink)
        assert _get(VigilMiddleware(app, metrics=RequestMetrics(logger, API)), path).status_code == 200
        assert {item["event"]["Endpoint"] for item in _metrics(sink)["http.requests"]} == {template}


def test_fastapi_add_middleware(sink: InMemorySink) -> None:
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/sessions/{session_id}/question")
    async def question(session_id: str) -> dict[str, Any]:
        return {"ids": outgoing_headers()}

    logger = MetricsLogger.from_catalog(API, dimensions={"Service": "api", "Environment": "test"}, sink=sink)
    app.add_middleware(VigilMiddleware, metrics=RequestMetrics(logger, API))
    response = _get(app, "/sessions/s-1/question", headers={"X-Correlation-ID": "fa-1"})
    assert response.json()["ids"]["x-correlation-id"] == "fa-1"
    assert response.headers["x-correlation-id"] == "fa-1"
    assert {item["event"]["Endpoint"] for item in _metrics(sink)["http.requests"]} == {
        "/sessions/{session_id}/question"
    }


def test_a_catalog_without_usable_sets_is_refused_at_start_up() -> None:
    spec = MetricNamespaceSpec.model_validate(
        {
            "version": "vigil/v1",
            "namespace": "Vigil/Test",
            "service": "t",
            "dimensions": {"Service": {}, "Tenant": {"cardinality": 5}},
            "dimension_sets": {"tenant": ["Service", "Tenant"]},
            "metrics": {"http.requests": {"unit": "Count", "dimension_sets": ["tenant"]}},
        }
    )
    logger = MetricsLogger("Vigil/Test", {"Service": "t"}, InMemorySink())
    with pytest.raises(MiddlewareError, match="declare one in the catalog"):
        RequestMetrics(logger, spec)


def test_importing_the_middleware_does_not_import_the_tracing_sdk() -> None:
    code = (
        "import sys, vigil.middleware, vigil.tracing; "
        "print(sorted(m for m in sys.modules if m.startswith('opentelemetry.sdk') or m == 'vigil.spec'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_status_already_sent_is_kept_when_the_app_fails_later(sink: InMemorySink) -> None:
    async def streaming(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"X-Correlation-ID", b"app-own")]})
        raise ConnectionResetError("client went away mid-stream")

    app = _app(sink, streaming, routes=["/stream"])  # type: ignore[arg-type]
    sent: list[Any] = []

    async def run() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b""}

        async def send(message: Any) -> None:
            sent.append(message)

        with pytest.raises(ConnectionResetError):
            await app({"type": "http", "method": "GET", "path": "/stream", "headers": []}, receive, send)

    asyncio.run(run())
    assert [name for name, _ in sent[0]["headers"]] == [b"X-Correlation-ID"]  # the app's own id, not a second one
    assert {item["event"]["StatusClass"] for item in _metrics(sink)["http.requests"]} == {"2xx"}


def test_an_app_that_sends_nothing_counts_as_500(sink: InMemorySink) -> None:
    async def silent(scope: dict[str, Any], receive: Any, send: Any) -> None:
        return None

    app = _app(sink, silent, routes=["/quiet"])  # type: ignore[arg-type]

    async def run() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b""}

        async def send(message: Any) -> None:
            raise AssertionError("the app sent nothing, so the middleware sends nothing")

        await app({"type": "http", "method": "GET", "path": "/quiet", "headers": []}, receive, send)

    asyncio.run(run())
    assert {item["event"]["StatusClass"] for item in _metrics(sink)["http.errors"]} == {"5xx"}
