"""Built-in checks against real loopback peers (TCP listener, HTTP server, sqlite) and injected callables."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections import namedtuple
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from vigil.health import CheckConfigError, HealthApp, HealthRegistry, Observation, Status
from vigil.health.checks import (
    async_sql_ping,
    disk_space_check,
    event_loop_lag_check,
    heartbeat_check,
    http_check,
    llm_reachability,
    sql_ping,
    tcp_check,
)


def run_one(func: Any, **options: Any) -> tuple[Status, str, Any, str | None]:
    registry = HealthRegistry()
    registry.register("c", func, **options)
    result = registry.run_sync().results[0]
    return result.status, result.output, result.observed_value, result.observed_unit


def test_tcp_check_passes_on_a_listener_and_fails_when_it_stops(tcp_listener: Any) -> None:
    status, _, value, unit = run_one(tcp_check("127.0.0.1", tcp_listener.port))
    assert (status, unit) == (Status.PASS, "ms")
    assert value >= 0
    tcp_listener.stop()
    status, output, _, _ = run_one(tcp_check("127.0.0.1", tcp_listener.port))
    assert status is Status.FAIL
    assert output.startswith("ConnectionRefusedError")


def test_http_check_reports_status_and_latency(serve: Callable[[Any], Any]) -> None:
    registry = HealthRegistry()
    registry.register("ok", lambda: True, kind="liveness")
    registry.register("bad", lambda: False)
    server = serve(HealthApp(registry))
    status, _, value, unit = run_one(http_check(server.url + "/health/live"))
    assert (status, unit) == (Status.PASS, "ms")
    assert value > 0
    status, output, _, _ = run_one(http_check(server.url + "/health/ready"))
    assert status is Status.FAIL
    assert output == f"GET {server.url}/health/ready returned 503"
    status, _, _, _ = run_one(http_check(server.url + "/health/ready", expect={503}))
    assert status is Status.PASS


def test_http_check_rejects_non_http_urls() -> None:
    with pytest.raises(CheckConfigError, match="not an http"):
        http_check("ftp://127.0.0.1/")


def test_sql_ping_with_sqlite_and_a_broken_factory(tmp_path: Any) -> None:
    db = tmp_path / "app.db"
    assert run_one(sql_ping(lambda: sqlite3.connect(db)), component_type="datastore")[0] is Status.PASS
    status, output, _, _ = run_one(sql_ping(lambda: sqlite3.connect(db), query="SELECT * FROM missing"))
    assert status is Status.FAIL
    assert "no such table: missing" in output

    def refused() -> sqlite3.Connection:
        raise sqlite3.OperationalError("unable to open database file")

    assert run_one(sql_ping(refused))[1] == "OperationalError: unable to open database file"


def test_async_sql_ping() -> None:
    calls: list[str] = []

    async def fetchval() -> int:
        calls.append("SELECT 1")
        await asyncio.sleep(0)
        return 1

    assert run_one(async_sql_ping(fetchval))[0] is Status.PASS
    assert calls == ["SELECT 1"]


def test_heartbeat_freshness() -> None:
    now = time.time()
    assert run_one(heartbeat_check(lambda: now - 1, 5.0))[0] is Status.PASS
    status, output, age, unit = run_one(heartbeat_check(lambda: datetime.fromtimestamp(now - 30, UTC), 5.0))
    assert (status, unit) == (Status.FAIL, "s")
    assert age >= 30
    assert output.startswith("last heartbeat 30")
    assert run_one(heartbeat_check(lambda: None, 5.0))[1] == "no heartbeat received yet"
    with pytest.raises(CheckConfigError):
        heartbeat_check(lambda: None, 0)


def test_llm_reachability_sync_async_and_failing_probes() -> None:
    async def reachable() -> dict[str, str]:
        return {"model": "gpt-4o"}

    def unauthorized() -> None:
        raise PermissionError("401 invalid api key")

    assert run_one(llm_reachability(reachable))[0] is Status.PASS
    assert run_one(llm_reachability(lambda: False, provider="openai"))[1] == "LLM provider openai unreachable"
    assert run_one(llm_reachability(unauthorized))[1] == "PermissionError: 401 invalid api key"
    assert run_one(llm_reachability(lambda: time.sleep(5)), timeout=0.2)[1] == "timed out after 0.2 s"


def test_slow_sync_llm_probe_does_not_block_the_event_loop() -> None:
    registry = HealthRegistry()
    registry.register("llm", llm_reachability(lambda: time.sleep(0.5)), timeout=2.0)
    registry.register("lag", event_loop_lag_check(warn_ms=300, fail_ms=400), measurement="lag", timeout=2.0)
    report = registry.run_sync()
    lag = next(r for r in report.results if r.name == "lag")
    assert lag.status is Status.PASS, lag.observed_value  # the 0.5 s probe ran in a thread


def test_disk_space_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr("shutil.disk_usage", lambda path: usage(100, 90, 10))
    status, output, value, unit = run_one(disk_space_check("/data"), measurement="utilization")
    assert (status, value, unit) == (Status.WARN, 90.0, "percent")
    assert output == "/data: 90.0 % used, 10 bytes free"
    monkeypatch.setattr("shutil.disk_usage", lambda path: usage(100, 97, 3))
    assert run_one(disk_space_check("/data"), measurement="utilization")[0] is Status.FAIL
    with pytest.raises(CheckConfigError):
        disk_space_check(warn_used_percent=99, fail_used_percent=90)


def test_disk_space_on_the_real_filesystem(tmp_path: Any) -> None:
    status, _, value, unit = run_one(disk_space_check(tmp_path, warn_used_percent=100, fail_used_percent=100))
    assert unit == "percent"
    assert 0 <= value <= 100
    assert status in (Status.PASS, Status.FAIL)


def test_event_loop_lag_detects_a_blocked_loop() -> None:
    check = event_loop_lag_check(warn_ms=50, fail_ms=150, interval_s=0.01)

    async def main() -> Observation:
        task = asyncio.ensure_future(check())
        await asyncio.sleep(0)  # let the check start its sleep
        time.sleep(0.3)  # then block the loop, as a CPU-bound handler would
        return await task

    observation = asyncio.run(main())
    assert observation.status is Status.FAIL
    assert isinstance(observation.value, float)
    assert observation.value >= 150
