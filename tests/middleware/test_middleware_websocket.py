"""WebSocket connections through VigilMiddleware emit the catalog's ws.* metrics (metrics/dashboard.yaml): the
ASGI websocket messages a server sends and receives drive a real app behind the real middleware."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml

from vigil.emf import InMemorySink, MetricsLogger
from vigil.middleware import VigilMiddleware, WebSocketMetrics, close_reason
from vigil.middleware.websocket import REASONS, WebSocketMetricNames

ROOT = Path(__file__).resolve().parents[2]


async def echo(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Accept, echo every message, and close with the code a message asks for (``close:<code>``)."""
    assert (await receive())["type"] == "websocket.connect"
    await send({"type": "websocket.accept"})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        if message.get("text", "").startswith("close:"):
            await send({"type": "websocket.close", "code": int(message["text"][6:])})
            return
        if message.get("text") == "boom":
            raise RuntimeError("handler failed")
        await send({"type": "websocket.send", **{k: v for k, v in message.items() if k in ("text", "bytes")}})


def _connect(frames: Iterable[dict[str, Any]]) -> tuple[InMemorySink, WebSocketMetrics, list[dict[str, Any]]]:
    sink = InMemorySink()
    ws = WebSocketMetrics(MetricsLogger("Vigil/Dashboard", {"Service": "dashboard", "Environment": "dev"}, sink))
    sent: list[dict[str, Any]] = []
    inbound = [{"type": "websocket.connect"}, *frames]

    async def receive() -> dict[str, Any]:
        return inbound.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "websocket", "path": "/live", "headers": []}
    with contextlib.suppress(RuntimeError):  # the "boom" frame: the app's exception propagates, as for HTTP
        asyncio.run(VigilMiddleware(echo, websockets=ws)(scope, receive, send))
    return sink, ws, sent


def _values(sink: InMemorySink, name: str) -> list[Any]:
    out: list[Any] = []
    for event in sink.events():
        if name in event:
            value = event[name]
            out.extend(value if isinstance(value, list) else [value])
    return out


def test_a_connection_counts_its_messages_sizes_lifetime_and_close() -> None:
    frames = [
        {"type": "websocket.receive", "text": "hello"},
        {"type": "websocket.receive", "bytes": b"\x00" * 300},
        {"type": "websocket.disconnect", "code": 1000},
    ]
    sink, ws, sent = _connect(frames)
    assert [m["type"] for m in sent] == ["websocket.accept", "websocket.send", "websocket.send"]
    assert _values(sink, "ws.connections.opened") == [1]
    assert _values(sink, "ws.messages") == [4]  # two in, two echoed
    assert sorted(_values(sink, "ws.message.size")) == [5, 5, 300, 300]
    assert _values(sink, "ws.connections.active")[-1] == 0
    assert ws.active == 0
    (duration,) = _values(sink, "ws.connection.duration")
    assert 0 <= duration < 60
    reasons = [e["Reason"] for e in sink.events() if "ws.disconnects" in e]
    assert reasons == ["client_close"]


@pytest.mark.parametrize(
    ("frames", "reason"),
    [
        ([{"type": "websocket.receive", "text": "close:1001"}], "server_shutdown"),
        ([{"type": "websocket.receive", "text": "close:4401"}], "auth_expired"),
        ([{"type": "websocket.receive", "text": "close:4408"}], "idle_timeout"),
        ([{"type": "websocket.disconnect", "code": 1006}], "network"),
        ([{"type": "websocket.receive", "text": "boom"}], "error"),
    ],
)
def test_the_close_reason_is_one_of_the_catalog_values(frames: list[dict[str, Any]], reason: str) -> None:
    sink, _, _ = _connect(frames)
    assert [e["Reason"] for e in sink.events() if "ws.disconnects" in e] == [reason]


def test_every_reason_is_declared_and_every_metric_is_in_the_catalog() -> None:
    catalog = yaml.safe_load((ROOT / "metrics" / "dashboard.yaml").read_text())
    assert set(REASONS) == set(catalog["dimensions"]["Reason"]["values"])
    names = WebSocketMetricNames()
    assert {getattr(names, f) for f in names.__dataclass_fields__} <= set(catalog["metrics"])
    codes = [None, 1000, 1001, 1005, 1006, 1008, 1011, 1012, 4401, 4403, 4408, 4999]
    assert {close_reason(c, by_client=b) for c in codes for b in (True, False)} <= set(REASONS)


def test_sample_writes_the_gauge_when_nothing_is_open_and_batches_sizes() -> None:
    sink = InMemorySink()
    ws = WebSocketMetrics(MetricsLogger("Vigil/Dashboard", {"Service": "dashboard"}, sink))
    ws.sample()
    assert _values(sink, "ws.connections.active") == [0]
    for size in range(250):
        ws.message(size)
    ws.sample()
    assert sorted(_values(sink, "ws.message.size")) == list(range(250))
    assert max(len(e["ws.message.size"]) for e in sink.events() if "ws.message.size" in e) <= 100
    assert _values(sink, "ws.messages") == [250]


def test_without_websocket_metrics_the_scope_passes_through() -> None:
    sent: list[dict[str, Any]] = []
    inbound = [{"type": "websocket.connect"}, {"type": "websocket.disconnect", "code": 1000}]

    async def receive() -> dict[str, Any]:
        return inbound.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(VigilMiddleware(echo)({"type": "websocket", "path": "/", "headers": []}, receive, send))
    assert [m["type"] for m in sent] == ["websocket.accept"]
