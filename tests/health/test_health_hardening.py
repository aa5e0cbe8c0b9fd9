"""vigil.health against hostile checks and callers: string statuses, non-JSON observed values, blocking async
checks, non-ASCII tokens, anonymous probe floods, logging of failing checks, warn in the status metric."""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.emf import InMemorySink, MetricsLogger
from vigil.health import HealthApp, HealthRegistry, Observation, Status
from vigil.health.client import probe
from vigil.health.serve import RunningServer
from vigil.health.threads import run_blocking

Serve = Callable[[Any], RunningServer]
Get = Callable[..., Any]


@pytest.mark.parametrize(
    ("given_status", "critical", "expected", "http"),
    [
        ("fail", True, "fail", 503),
        ("FAIL", True, "fail", 503),
        (" warn ", True, "warn", 200),
        ("pass", True, "pass", 200),
        ("FAILED", True, "fail", 503),
        ("failed", False, "warn", 200),
    ],
)
def test_a_status_given_as_a_string_is_that_status_or_a_failure(
    given_status: str, critical: bool, expected: str, http: int, serve: Serve, http_get: Get
) -> None:
    registry = HealthRegistry()
    registry.register("dep", lambda: Observation(given_status, output="why"), critical=critical)  # type: ignore[arg-type]
    reply = http_get(serve(HealthApp(registry, public_details=True)).url + "/health")
    assert (reply.status, reply.json()["status"]) == (http, expected)
    entry = reply.json()["checks"]["dep:responseTime"][0]
    if given_status.strip().lower() in ("fail", "warn", "pass"):
        assert entry["status"] == given_status.strip().lower()
    else:
        assert (entry["status"], entry["output"]) == ("fail", f"check returned an unknown status {given_status}")


observed = st.one_of(
    st.floats(),
    st.integers(),
    st.text(),
    st.none(),
    st.booleans(),
    st.decimals(),
    st.binary(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.builds(object),
)


@settings(max_examples=60, deadline=None)
@given(
    value=observed,
    unit=st.one_of(st.none(), st.text(max_size=5), st.integers()),
    output=st.one_of(st.text(max_size=5), st.integers()),
)
def test_any_observation_renders_as_strict_json(
    value: Any, unit: Any, output: Any, health_schema: dict[str, Any]
) -> None:
    registry = HealthRegistry()
    registry.register("dep", lambda: Observation(Status.WARN, value=value, unit=unit, output=output))
    document = registry.run_sync().to_document(details=True)
    body = json.dumps(document, allow_nan=False)  # raises on NaN/inf or a non-JSON type
    jsonschema.validate(json.loads(body), health_schema)
    got = document["checks"]["dep:responseTime"][0]["observedValue"]
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        assert got == value
    elif isinstance(value, float):
        assert got == repr(value)  # 'nan', 'inf', '-inf'
    elif isinstance(value, int | str):
        assert got == value
    elif value is None:  # no value: the responseTime measurement reports the duration
        assert isinstance(got, float)


async def via_run_blocking(func: Callable[[], bool]) -> bool:
    return await run_blocking(func)


async def via_to_thread(func: Callable[[], bool]) -> bool:
    return await asyncio.to_thread(func)


async def via_default_executor(func: Callable[[], bool]) -> bool:
    return await asyncio.get_running_loop().run_in_executor(None, func)


@pytest.mark.parametrize("offload", [via_run_blocking, via_to_thread, via_default_executor])
def test_blocking_async_checks_cannot_starve_healthy_ones(
    offload: Callable[[Callable[[], bool]], Any], serve: Serve, http_get: Get
) -> None:
    release = threading.Event()
    calls = 0

    def hang() -> bool:
        nonlocal calls
        calls += 1
        release.wait(60)
        return True

    async def wedged() -> bool:
        return bool(await offload(hang))

    async def healthy() -> bool:
        return bool(await offload(lambda: True))

    registry = HealthRegistry(max_threads=3)
    registry.register("wedged", wedged, timeout=0.2, critical=False)
    registry.register("healthy", healthy, timeout=5.0)
    registry.register("sync-healthy", lambda: True, timeout=5.0)
    server = serve(HealthApp(registry, public_details=True, anonymous_cache_ttl=0))
    try:
        for _ in range(10):  # each probe: the wedged call is not repeated while its thread is stuck
            doc = http_get(server.url + "/health").json()
            assert doc["checks"]["healthy:responseTime"][0]["status"] == "pass"
            assert doc["checks"]["sync-healthy:responseTime"][0]["status"] == "pass"
            assert doc["checks"]["wedged:responseTime"][0]["status"] == "fail"
        assert calls == 1
        deadline = time.monotonic() + 10  # healthy calls' threads end just after their results
        while registry._pool.alive > 1:
            assert time.monotonic() < deadline, f"{registry._pool.alive} threads alive; only the wedged one may be"
            time.sleep(0.01)
    finally:
        release.set()


def test_blocking_calls_outside_checks_keep_the_loops_own_executor() -> None:
    registry = HealthRegistry()

    async def check() -> bool:
        return await asyncio.to_thread(lambda: threading.current_thread().name == "vigil-health-check")

    registry.register("c", check)

    async def main() -> tuple[bool, str]:
        report = await registry.run()
        outside = await asyncio.to_thread(lambda: threading.current_thread().name)
        return report.status is Status.PASS, outside

    passed, outside_thread = asyncio.run(main())
    assert passed  # inside the check: a health thread
    assert outside_thread.startswith("asyncio")  # the application's calls: the loop's default pool


def test_a_thread_budget_exhausted_fails_fast_instead_of_queueing() -> None:
    release = threading.Event()
    registry = HealthRegistry(max_threads=2)
    for name in ("a", "b"):
        registry.register(name, lambda: release.wait(60), timeout=0.1, critical=False)
    registry.register("c", lambda: True, timeout=5.0)
    try:
        first = {r.name: r for r in registry.run_sync().results}
        assert first["c"].status is Status.FAIL  # refused at once: 2 threads are stuck, max_threads=2
        assert "max_threads=2" in first["c"].output
    finally:
        release.set()


@pytest.mark.parametrize("token", ["clé-ß-🙂", "plain-ascii", "naïve"])
def test_non_ascii_tokens_match_over_http(token: str, serve: Serve) -> None:
    registry = HealthRegistry()
    registry.register("dep", lambda: True)
    server = serve(HealthApp(registry, tokens=[token]))
    assert probe(server.url + "/health", token=token).has_details  # vigil's client sends UTF-8
    assert not probe(server.url + "/health", token=token + "x").has_details
    parts = urlsplit(server.url)
    for encoding in ("utf-8", "latin-1"):
        try:
            header = f"Bearer {token}".encode(encoding)
        except UnicodeEncodeError:
            continue
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        conn.request("GET", "/health", headers={"Authorization": header})
        assert "checks" in json.loads(conn.getresponse().read()), encoding
        conn.close()


def test_anonymous_callers_share_one_run_per_ttl(serve: Serve, http_get: Get) -> None:
    calls = 0
    lock = threading.Lock()

    def counted() -> bool:
        nonlocal calls
        with lock:
            calls += 1
        time.sleep(0.05)
        return True

    registry = HealthRegistry()
    registry.register("dep", counted)
    server = serve(HealthApp(registry, tokens=["t"], anonymous_cache_ttl=60.0))
    threads = [threading.Thread(target=http_get, args=(server.url + "/health/ready",)) for _ in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for _ in range(20):
        assert http_get(server.url + "/health/ready").json() == {"status": "pass"}
    assert calls == 1  # 50 anonymous probes, one dependency call
    for _ in range(3):
        assert "checks" in http_get(server.url + "/health/ready", token="t").json()
    assert calls == 4  # authorized callers always get a fresh run


def test_failing_checks_are_logged_on_change_not_on_every_probe(caplog: pytest.LogCaptureFixture) -> None:
    state = {"ok": False}

    def flaky() -> Observation:
        return Observation(Status.PASS) if state["ok"] else Observation(Status.FAIL, output="db refused")

    registry = HealthRegistry()
    registry.register("db", flaky)
    registry.register("queue", lambda: Observation("warn", output="deep queue"), critical=False)  # type: ignore[arg-type]
    with caplog.at_level(logging.INFO, logger="vigil.health"):
        for _ in range(5):
            registry.run_sync()
        state["ok"] = True
        registry.run_sync()
        registry.run_sync()
    messages = [
        (r.levelno, re.sub(r"\d+ ms", "N ms", r.getMessage())) for r in caplog.records if r.name == "vigil.health"
    ]
    assert messages == [
        (logging.WARNING, "health check 'db': fail (critical, N ms): db refused"),
        (logging.INFO, "health check 'queue': warn (non-critical, N ms): deep queue"),
        (logging.INFO, "health check 'db' passes again"),
    ]


def test_warn_is_emitted_distinctly_from_pass_and_fail() -> None:
    sink = InMemorySink()
    registry = HealthRegistry(emitter=MetricsLogger("Vigil/API", {"Service": "api"}, sink))
    registry.register("p", lambda: True)
    registry.register("w", lambda: Observation(Status.WARN), critical=False)
    registry.register("f", lambda: False, critical=False)
    asyncio.run(registry.run())
    values = {e["Check"]: e["health.check.status"] for e in sink.events() if "health.check.status" in e}
    assert values == {"p": 1.0, "w": 0.5, "f": 0.0}


def test_observation_coerces_string_statuses() -> None:
    assert Observation("FAIL").status is Status.FAIL  # type: ignore[arg-type]
    assert Observation(Decimal(1)).status == Decimal(1)  # type: ignore[arg-type]  # left alone; the run fails it


statuses = st.one_of(
    st.sampled_from(list(Status)),
    st.sampled_from(["pass", "WARN", " fail ", "failed", "ok", ""]),
    st.text(max_size=4),
    st.integers(),
    st.none(),
)
returns = st.one_of(
    st.builds(Observation, status=statuses, value=observed, output=st.text(max_size=5)),  # type: ignore[arg-type]
    st.booleans(),
    st.none(),
    st.integers(),
    st.text(max_size=4),
    st.floats(),
)


@settings(max_examples=80, deadline=None)
@given(outcomes=st.lists(st.tuples(returns, st.booleans()), min_size=1, max_size=4))
def test_whatever_checks_return_the_verdict_is_consistent_and_valid(
    outcomes: list[tuple[Any, bool]], health_schema: dict[str, Any]
) -> None:
    registry = HealthRegistry()
    for i, (returned, critical) in enumerate(outcomes):
        registry.register(f"c{i}", lambda r=returned: r, critical=critical)
    report = registry.run_sync()
    document = json.loads(json.dumps(report.to_document(details=True), allow_nan=False))
    jsonschema.validate(document, health_schema)
    seen = [
        (document["checks"][f"c{i}:responseTime"][0]["status"], critical) for i, (_, critical) in enumerate(outcomes)
    ]
    expected = "fail" if ("fail", True) in seen else ("warn" if any(s != "pass" for s, _ in seen) else "pass")
    assert document["status"] == expected
    assert report.http_status == (503 if expected == "fail" else 200)
    for (status, _), (returned, _) in zip(seen, outcomes, strict=True):
        if isinstance(returned, Observation) and isinstance(returned.status, str):
            text = str.__str__(returned.status).strip().lower()
            assert status == (text if text in ("pass", "warn", "fail") else "fail")


def test_bad_thread_and_cache_settings_are_configuration_errors() -> None:
    from vigil.health import CheckConfigError

    for bad in (0, -1, 2.5):
        with pytest.raises(CheckConfigError, match="max_threads"):
            HealthRegistry(max_threads=bad)  # type: ignore[arg-type]
    for ttl in (-1.0, float("nan"), float("inf"), "5"):
        with pytest.raises(CheckConfigError, match="anonymous_cache_ttl"):
            HealthApp(HealthRegistry(), anonymous_cache_ttl=ttl)  # type: ignore[arg-type]
