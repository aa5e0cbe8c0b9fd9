"""HealthApp behind a real uvicorn server on 127.0.0.1, probed over real HTTP."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import jsonschema

from vigil.health import MEDIA_TYPE, HealthApp, HealthRegistry, Observation, Status
from vigil.health.checks import tcp_check
from vigil.health.serve import RunningServer

TOKEN = "probe-token"
Serve = Callable[[Any], RunningServer]
Get = Callable[..., Any]
TcpListener = Any


def service(listener_port: int) -> HealthRegistry:
    registry = HealthRegistry(service_id="api", version="1.0.0", description="test service")
    registry.register("process", lambda: True, kind=["liveness", "readiness"])
    registry.register("db", tcp_check("127.0.0.1", listener_port), timeout=2.0, component_type="datastore")
    registry.register("warmup", lambda: True, kind="startup")
    return registry


def test_routes_statuses_and_details(
    http_get: Get, serve: Serve, tcp_listener: TcpListener, health_schema: dict[str, Any]
) -> None:
    server = serve(HealthApp(service(tcp_listener.port), tokens=[TOKEN]))
    for path in ("/health", "/health/live", "/health/ready", "/health/startup", "/health/ready/"):
        reply = http_get(server.url + path)
        assert (path, reply.status, reply.json()) == (path, 200, {"status": "pass"})
        assert reply.headers["content-type"] == MEDIA_TYPE
        assert reply.headers["cache-control"] == "no-store"
    detailed = http_get(server.url + "/health", token=TOKEN).json()
    jsonschema.validate(detailed, health_schema)
    assert set(detailed["checks"]) == {"db:responseTime", "process:responseTime", "warmup:responseTime"}
    assert detailed["checks"]["db:responseTime"][0]["componentType"] == "datastore"
    live = http_get(server.url + "/health/live", token=TOKEN).json()
    assert set(live["checks"]) == {"process:responseTime"}
    assert http_get(server.url + "/health", token="wrong").json() == {"status": "pass"}
    assert http_get(server.url + "/nope").status == 404
    assert http_get(server.url + "/health", method="POST").status == 405
    head = http_get(server.url + "/health", method="HEAD")
    assert (head.status, head.body) == (200, b"")


def test_stopped_dependency_gives_503_with_the_reason(
    http_get: Get, serve: Serve, tcp_listener: TcpListener, health_schema: dict[str, Any]
) -> None:
    server = serve(HealthApp(service(tcp_listener.port), tokens=[TOKEN], anonymous_cache_ttl=0))
    assert http_get(server.url + "/health/ready").status == 200
    tcp_listener.stop()
    reply = http_get(server.url + "/health/ready", token=TOKEN)
    assert reply.status == 503
    doc = reply.json()
    jsonschema.validate(doc, health_schema)
    db = doc["checks"]["db:responseTime"][0]
    assert (doc["status"], db["status"]) == ("fail", "fail")
    assert "ConnectionRefusedError" in db["output"]
    assert http_get(server.url + "/health/live").status == 200  # liveness does not depend on the db
    assert http_get(server.url + "/health/ready").json() == {"status": "fail"}


def test_hung_dependency_does_not_hang_the_probe(http_get: Get, serve: Serve) -> None:
    release = threading.Event()
    registry = HealthRegistry()
    registry.register("fast", lambda: True)
    registry.register("hung-sync", lambda: release.wait(60), timeout=0.3)

    async def hung_async() -> None:
        await asyncio.Event().wait()

    registry.register("hung-async", hung_async, timeout=0.3, critical=False)
    server = serve(HealthApp(registry, public_details=True))
    try:
        for _ in range(3):  # repeated probes: stuck threads are not piled up, each probe still answers
            t0 = time.monotonic()
            reply = http_get(server.url + "/health", timeout=15)
            assert time.monotonic() - t0 < 10  # did not hang
            doc = reply.json()
            assert reply.status == 503
            assert doc["checks"]["fast:responseTime"][0]["status"] == "pass"
            assert doc["checks"]["hung-sync:responseTime"][0]["status"] == "fail"
            assert doc["checks"]["hung-async:responseTime"][0]["output"] == "timed out after 0.3 s"
    finally:
        release.set()


def test_200_concurrent_probes_stay_correct(serve: Serve, tcp_listener: TcpListener) -> None:
    calls = 0
    lock = threading.Lock()

    def counted() -> Observation:
        nonlocal calls
        with lock:
            calls += 1
        time.sleep(0.05)
        return Observation(Status.WARN, value=1, unit="items", output="degraded")

    registry = service(tcp_listener.port)
    registry.register("queue", counted, critical=False, cache_ttl=30.0)
    server = serve(HealthApp(registry, tokens=[TOKEN]))

    async def burst() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=200)
        async with httpx.AsyncClient(base_url=server.url, timeout=30, limits=limits) as client:
            headers = {"Authorization": f"Bearer {TOKEN}"}
            return await asyncio.gather(*(client.get("/health/ready", headers=headers) for _ in range(200)))

    replies = asyncio.run(burst())
    assert [r.status_code for r in replies] == [200] * 200
    docs = [r.json() for r in replies]
    assert {d["status"] for d in docs} == {"warn"}
    assert all(d["checks"]["queue:responseTime"][0]["output"] == "degraded" for d in docs)
    assert all(d["checks"]["db:responseTime"][0]["status"] == "pass" for d in docs)
    assert calls == 1  # 200 probes, one call of the cached dependency


def test_flapping_check_with_ttl_does_not_stampede_its_dependency(serve: Serve) -> None:
    calls = 0
    lock = threading.Lock()

    def flapping() -> bool:
        nonlocal calls
        with lock:
            calls += 1
            n = calls
        time.sleep(0.1)  # a slow dependency: probes pile up while a refresh is in flight
        return n % 2 == 0

    registry = HealthRegistry()
    registry.register("flappy", flapping, cache_ttl=0.5)
    server = serve(HealthApp(registry))
    statuses: set[int] = set()
    t0 = time.monotonic()

    async def hammer() -> None:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            while time.monotonic() - t0 < 1.6:
                replies = await asyncio.gather(*(client.get("/health") for _ in range(20)))
                statuses.update(r.status_code for r in replies)

    asyncio.run(hammer())
    elapsed = time.monotonic() - t0
    # one call per TTL window (plus the in-flight refresh), however many probes arrived
    assert 2 <= calls <= elapsed / 0.5 + 2
    assert statuses == {200, 503}  # the flapping is visible, just not amplified


def test_mounted_under_a_root_path(http_get: Get, serve: Serve) -> None:
    registry = HealthRegistry()
    registry.register("self", lambda: True, kind="liveness")
    inner = HealthApp(registry)

    async def mounted(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/ops/health"):
            scope = dict(scope, root_path="/ops/health")  # what Starlette's Mount("/ops/health") passes on
        await inner(scope, receive, send)

    server = serve(mounted)
    assert http_get(server.url + "/ops/health/live").json() == {"status": "pass"}
    assert http_get(server.url + "/ops/health").status == 200
