"""RequestMetrics' fast path writes exactly the lines MetricsLogger would write for the same request."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.emf import InMemorySink, MetricsLogger
from vigil.middleware import UNMATCHED, RequestMetrics
from vigil.spec import load_project

ROOT = Path(__file__).resolve().parents[2]
API = load_project(ROOT).project.namespaces["Vigil/API"]
DEFAULTS = {"Service": "api", "Environment": "prod"}


def _without_timestamp(lines: list[str]) -> list[dict[str, Any]]:
    docs = [json.loads(line) for line in lines]
    for doc in docs:
        doc["_aws"].pop("Timestamp")
    return docs


def _reference(method: str, endpoint: str, group: str | None, status: int, duration: float, size: int) -> list[str]:
    """The same request through the public MetricsLogger API, one event per group of metrics with equal sets."""
    sink = InMemorySink()
    logger = MetricsLogger.from_catalog(API, dimensions=DEFAULTS, sink=sink)
    metrics = RequestMetrics(MetricsLogger("Vigil/API", DEFAULTS, InMemorySink()), API)
    dims = {"Method": method, "Endpoint": endpoint, "StatusClass": f"{status // 100}xx"}
    if group is not None:
        dims["EndpointGroup"] = group
    values = {"requests": 1, "errors": 1, "duration": round(duration, 3), "size": size}
    for sets, meta, roles in metrics._plans[(status >= 400, group is not None)]:
        event = logger.event()
        for role in roles:
            name = metrics._metrics[role][0]
            event.metric(name, values[role], meta[name][0])
        event.dimensions(dims).dimension_sets(*sets).property("trace_id", "t-1").emit()
    assert not logger.stats.values_dropped, logger.stats  # the reference path accepted every set and unit
    assert not logger.stats.other_dropped, logger.stats
    return sink.lines


@settings(max_examples=60, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "DELETE"]),
    endpoint=st.sampled_from(["/sessions/{id}/answers", "/jobs/{id}", "/plans/{id}/approve"]),
    group=st.none() | st.sampled_from(["sessions", "plans", "workspace"]),
    status=st.sampled_from([200, 201, 204, 301, 404, 422, 500, 503]),
    duration=st.floats(min_value=0, max_value=60_000, allow_nan=False),
    size=st.integers(min_value=0, max_value=10_000_000),
)
def test_fast_path_equals_the_logger_path(
    method: str, endpoint: str, group: str | None, status: int, duration: float, size: int
) -> None:
    sink = InMemorySink()
    metrics = RequestMetrics(MetricsLogger("Vigil/API", DEFAULTS, sink), API)
    metrics.record(method, endpoint, group, status, duration, size, {"trace_id": "t-1"})
    assert _without_timestamp(sink.lines) == _without_timestamp(
        _reference(method, endpoint, group, status, duration, size)
    )
    assert metrics.drops.snapshot() == {}


def test_values_cloudwatch_would_refuse_become_unmatched_and_are_counted() -> None:
    sink = InMemorySink()
    metrics = RequestMetrics(MetricsLogger("Vigil/API", DEFAULTS, sink), API)
    metrics.record("BREW", "/caf\u00e9/{id}", "x" * 2000, 999, 1.0, 0, {})
    endpoints = {json.loads(line)["Endpoint"] for line in sink.lines}
    groups = {json.loads(line).get("EndpointGroup") for line in sink.lines}
    assert endpoints == {UNMATCHED}
    assert groups == {UNMATCHED}
    assert {json.loads(line)["Method"] for line in sink.lines} == {"OTHER"}
    assert {json.loads(line)["StatusClass"] for line in sink.lines} == {"5xx"}
    assert metrics.drops.snapshot() == {"invalid_dimension_value": 2}


def test_a_failing_sink_never_reaches_the_request() -> None:
    class Broken(InMemorySink):
        def write(self, line: str) -> None:
            raise OSError("disk full")

    metrics = RequestMetrics(MetricsLogger("Vigil/API", DEFAULTS, Broken()), API)
    metrics.record("GET", "/jobs/{id}", None, 200, 1.0, 0, {})
    assert metrics.drops.snapshot() == {"internal_error": 1}
