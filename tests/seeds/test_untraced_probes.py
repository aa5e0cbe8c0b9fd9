"""Health probes are not traced: with ``exclude=["/health"]`` a probe gets ids but no server span (seed 004:
"Don't trace health checks"), while an API request still gets one."""

from __future__ import annotations

import asyncio
from typing import Any

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from vigil.middleware import VigilMiddleware
from vigil.tracing import TelemetrySettings, setup_tracing


async def _ok(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


def _request(app: Any, path: str) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "headers": []}
    asyncio.run(app(scope, receive, send))
    return sent


def test_excluded_probe_paths_get_no_server_span_and_keep_their_correlation_id() -> None:
    exporter = InMemorySpanExporter()
    tracing = setup_tracing(TelemetrySettings("api", "test", "1.0", sample_ratio=1.0), exporter=exporter, batch=False)
    app = VigilMiddleware(_ok, tracing=tracing, routes=["/sessions"], exclude=["/health"])
    for path in ("/health/ready", "/health/live", "/health"):
        sent = _request(app, path)
        assert sent[0]["status"] == 200
        assert any(name == b"x-correlation-id" for name, _ in sent[0]["headers"])
    assert exporter.get_finished_spans() == ()
    _request(app, "/sessions")
    assert [s.name for s in exporter.get_finished_spans()] == ["GET /sessions"]
