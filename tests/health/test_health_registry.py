from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest

from vigil.health import HealthRegistry, Observation, Status
from vigil.health.metrics import DURATION_METRIC, STATUS_METRIC


class Recorder:
    """A MetricsEmitter that records calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, float, str, dict[str, str] | None]] = []

    def put(
        self,
        name: str,
        value: float,
        unit: str = "None",
        *,
        dimensions: dict[str, str] | None = None,
        properties: dict[str, Any] | None = None,
    ) -> None:
        self.calls.append((name, value, unit, dimensions))


def test_checks_run_concurrently_so_a_probe_takes_the_slowest_not_the_sum() -> None:
    registry = HealthRegistry()
    for i in range(4):
        registry.register(f"sync{i}", lambda: time.sleep(0.4))

    async def slow_async() -> None:
        await asyncio.sleep(0.4)

    registry.register("async", slow_async)
    t0 = time.monotonic()
    report = registry.run_sync()
    elapsed = time.monotonic() - t0
    assert report.status is Status.PASS
    assert len(report.results) == 5
    assert elapsed < 1.6  # sequential would take 2.0 s


def test_critical_failure_fails_noncritical_failure_warns() -> None:
    registry = HealthRegistry()
    registry.register("core", lambda: True)
    registry.register("optional", lambda: False, critical=False)
    report = registry.run_sync()
    assert report.status is Status.WARN
    assert report.http_status == 200
    registry.register("db", lambda: False)
    report = registry.run_sync()
    assert report.status is Status.FAIL
    assert report.http_status == 503
    assert [r.name for r in report.failing()] == ["db", "optional"]


def test_warn_observation_makes_probe_warn() -> None:
    registry = HealthRegistry()
    registry.register("disk", lambda: Observation(Status.WARN, value=90.0, unit="percent"))
    assert registry.run_sync().status is Status.WARN


def test_every_execution_is_emitted_once_as_health_metrics() -> None:
    recorder = Recorder()
    registry = HealthRegistry(emitter=recorder)
    registry.register("db", lambda: True)
    registry.register("queue", lambda: False, critical=False)

    async def burst() -> None:
        await asyncio.gather(*(registry.run() for _ in range(20)))  # concurrent probes share each call

    asyncio.run(burst())
    status = {c[3]["Check"]: c[1] for c in recorder.calls if c[0] == STATUS_METRIC and c[3]}
    assert status == {"db": 1.0, "queue": 0.0}
    durations = [c for c in recorder.calls if c[0] == DURATION_METRIC]
    assert len(durations) == 2
    assert all(c[2] == "Milliseconds" and c[1] >= 0 for c in durations)


def test_a_broken_emitter_does_not_break_the_probe(caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        def put(self, *args: object, **kwargs: object) -> None:
            raise RuntimeError("sink down")

    registry = HealthRegistry(emitter=Broken())  # type: ignore[arg-type]
    registry.register("db", lambda: True)
    assert registry.run_sync().status is Status.PASS
    assert "could not emit health metrics" in caplog.text


def test_real_emf_logger_receives_health_metrics() -> None:
    from vigil import emf

    sink = emf.InMemorySink()
    logger = emf.MetricsLogger("Vigil/API", dimensions={"Service": "api", "Environment": "test"}, sink=sink)
    registry = HealthRegistry(emitter=logger)
    registry.register("db", lambda: False)
    registry.run_sync()
    events = [json.loads(line) for line in sink.lines]
    by_metric = {m["Name"]: e for e in events for d in e["_aws"]["CloudWatchMetrics"] for m in d["Metrics"]}
    assert by_metric[STATUS_METRIC][STATUS_METRIC] == 0
    assert by_metric[STATUS_METRIC]["Check"] == "db"
    assert by_metric[DURATION_METRIC]["Check"] == "db"
