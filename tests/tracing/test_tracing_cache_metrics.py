"""cache.hits / cache.misses from OpenTelemetry's Redis instrumentation hooks, on fakeredis (a redis.Redis whose
commands go through the instrumented ``execute_command``): client spans and catalog metrics from the same
commands, sampled or not."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("opentelemetry.instrumentation.redis", reason="the deps extra is not installed")
fakeredis = pytest.importorskip("fakeredis", reason="fakeredis (test-only) is not installed")

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter  # noqa: E402
from opentelemetry.trace import SpanKind  # noqa: E402

from vigil.emf import MetricsLogger  # noqa: E402
from vigil.emf.sinks import InMemorySink  # noqa: E402
from vigil.spec import load_project  # noqa: E402
from vigil.tracing import TelemetrySettings, setup_tracing  # noqa: E402
from vigil.tracing.dependencies import instrument_dependencies, uninstrument_dependencies  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def counts(sink: InMemorySink) -> dict[tuple[str, str], float]:
    """(metric, Cache) -> summed value over the EMF lines."""
    out: dict[tuple[str, str], float] = {}
    for raw in sink.lines:
        line = json.loads(raw)
        for name in ("cache.hits", "cache.misses"):
            if name in line:
                key = (name, line["Cache"])
                out[key] = out.get(key, 0) + line[name]
    return out


@pytest.fixture(params=[1.0, 0.0], ids=["sampled", "unsampled"])
def redis_client(request: pytest.FixtureRequest) -> Iterator[tuple[Any, InMemorySpanExporter, InMemorySink, float]]:
    exporter = InMemorySpanExporter()
    ratio = request.param
    tracing = setup_tracing(TelemetrySettings("api", "test", "1.0", sample_ratio=ratio), exporter=exporter, batch=False)
    sink = InMemorySink()
    api = load_project(ROOT).project.namespaces["Vigil/API"]
    metrics = MetricsLogger.from_catalog(api, dimensions={"Service": "api", "Environment": "test"}, sink=sink)
    names = instrument_dependencies(tracing, metrics=metrics, libraries=("redis",))
    assert names == ("redis",)
    yield fakeredis.FakeRedis(), exporter, sink, ratio
    uninstrument_dependencies(names)


def test_reads_count_hits_and_misses_per_cache(redis_client: Any) -> None:
    client, exporter, sink, ratio = redis_client
    client.set("session:1", "a")
    client.set("plan:7", "p")
    assert client.get("session:1") == b"a"
    assert client.get("session:2") is None
    assert client.mget(["plan:7", "plan:8", "plan:9"]) == [b"p", None, None]
    assert client.hget("rate-limit:u1", "n") is None
    assert counts(sink) == {
        ("cache.hits", "session"): 1,
        ("cache.misses", "session"): 1,
        ("cache.hits", "plan"): 1,
        ("cache.misses", "plan"): 2,
        ("cache.misses", "rate-limit"): 1,
    }
    spans = exporter.get_finished_spans()
    if ratio:
        assert [s.name for s in spans] == ["SET", "SET", "GET", "GET", "MGET", "HGET"]
        assert all(s.kind == SpanKind.CLIENT for s in spans)
    else:
        assert spans == ()  # metrics do not depend on sampling


def test_writes_and_other_commands_count_nothing(redis_client: Any) -> None:
    client, _, sink, _ = redis_client
    client.set("session:1", "a")
    client.delete("session:1")
    client.incr("rate-limit:u1")
    assert counts(sink) == {}
