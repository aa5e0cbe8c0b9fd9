"""Pre-bound metric sets: checked once at bind time, emitted at close to hand-built JSON cost, never raising."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from emf_helpers import assert_valid_emf
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.emf import CatalogError, ConfigError, InMemorySink, MetricsLogger
from vigil.spec.models.metrics import MetricNamespaceSpec

DIMS = {"Service": "api", "Environment": "prod"}


def make(**kwargs: Any) -> tuple[MetricsLogger, InMemorySink]:
    sink = InMemorySink()
    return MetricsLogger("Vigil/API", DIMS, sink, **kwargs), sink


def without_time(doc: dict[str, Any]) -> dict[str, Any]:
    return {**doc, "_aws": {**doc["_aws"], "Timestamp": 0}}


def test_emit_writes_the_same_line_as_the_event_builder() -> None:
    logger, sink = make(properties={"region": "eu"})
    llm = logger.metric_set({"tokens": "Count", "latency": ("Milliseconds", 1)}, dimensions={"Model": "m1"})
    llm.emit(1200, 830.5, properties={"job_id": "j-1"})
    with logger.event() as event:
        event.metric("tokens", 1200, "Count").metric("latency", 830.5, "Milliseconds", 1)
        event.dimensions(Model="m1").property("job_id", "j-1")
    fast, general = (assert_valid_emf(x) for x in sink.lines)
    assert without_time(fast) == without_time(general)
    assert fast["_aws"]["CloudWatchMetrics"][0]["Metrics"][1] == {
        "Name": "latency",
        "Unit": "Milliseconds",
        "StorageResolution": 1,
    }
    assert llm.names == ("tokens", "latency")


def test_unusual_values_take_the_general_path_and_lose_only_themselves() -> None:
    logger, sink = make()
    pair = logger.metric_set({"a": "Count", "b": "Count"})
    pair.emit(float("nan"), 2)
    pair.emit([1, 2], True)
    pair.emit(1, 2, timestamp=1_700_000_000)
    pair.emit(1, 2, properties={"_aws": "x", "Service": "y", "ok": "\ud800"})
    pair.emit(1)  # wrong number of values
    docs = [assert_valid_emf(x) for x in sink.lines]
    assert [(d.get("a"), d.get("b")) for d in docs] == [(None, 2), ([1, 2], None), (1, 2), (1, 2)]
    assert docs[2]["_aws"]["Timestamp"] == 1_700_000_000_000
    assert (docs[3]["Service"], docs[3]["ok"], "_aws" in docs[3]) == ("api", "\ufffd", True)
    assert logger.stats.values_dropped == {"non_finite": 1, "bool_value": 1, "value_count_mismatch": 1}
    assert logger.stats.other_dropped == {"invalid_property": 1, "name_collision": 1}


def test_more_than_100_metrics_are_split_into_valid_lines() -> None:
    logger, sink = make()
    wide = logger.metric_set({f"m{i}": "Count" for i in range(150)})
    wide.emit(*range(150), properties={"job_id": "j"})
    wide.emit(*range(149), "bad")
    docs = [assert_valid_emf(x) for x in sink.lines]
    assert [len(d["_aws"]["CloudWatchMetrics"][0]["Metrics"]) for d in docs] == [100, 50, 100, 49]
    assert [d["m120"] for d in docs[:2] if "m120" in d] == [120]
    assert all(d["job_id"] == "j" for d in docs[:2])
    assert logger.stats.values_dropped == {"non_numeric": 1}


@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.integers(min_value=-(2**70), max_value=2**70), st.floats(), st.booleans(), st.none()),
        min_size=3,
        max_size=3,
    )
)
def test_every_valid_value_survives(values: list[Any]) -> None:
    logger, sink = make()
    logger.metric_set({"a": "Count", "b": "Bytes", "c": "None"}).emit(*values)
    got = {k: v for line in sink.lines for k, v in assert_valid_emf(line).items() if k in "abc"}
    for name, value in zip("abc", values, strict=True):
        valid = type(value) in (int, float) and value == value and abs(value) <= 2.0**360
        assert (name in got) == valid
        if valid:
            assert got[name] == (value if type(value) is float or -(2**63) <= value < 2**64 else float(value))


def test_bad_declarations_raise_at_bind_time() -> None:
    logger, _ = make()
    for metrics, dims in (
        ({}, None),
        ({"": "Count"}, None),
        ({"a": "Parsecs"}, None),
        ({"a": ("Count", 30)}, None),
        ({"Service": "Count"}, None),
        ({"a": "Count"}, {"Bad": ""}),
        ({"a": "Count"}, {f"D{i}": "x" for i in range(29)}),
    ):
        with pytest.raises(ConfigError):
            logger.metric_set(metrics, dimensions=dims)  # type: ignore[arg-type]


def test_bound_to_a_catalog_declarations_are_checked_and_units_filled_in() -> None:
    data = yaml.safe_load((Path(__file__).parent / "catalog_api.yaml").read_text())
    sink = InMemorySink()
    logger = MetricsLogger.from_catalog(MetricNamespaceSpec.model_validate(data), dimensions=DIMS, sink=sink)
    with pytest.raises(CatalogError, match="undeclared_metric"):
        logger.metric_set({"http.requestz": "Count"})
    with pytest.raises(CatalogError, match="dimension_set_mismatch"):
        logger.metric_set({"http.request.duration": "Milliseconds"})  # needs Endpoint
    http = logger.metric_set({"http.requests": "None"}, dimensions={"Endpoint": "/jobs"})
    http.emit(3)
    doc = assert_valid_emf(sink.lines[0])
    assert doc["_aws"]["CloudWatchMetrics"][0]["Metrics"] == [{"Name": "http.requests", "Unit": "Count"}]
    assert doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [
        ["Service", "Environment"],
        ["Service", "Environment", "Endpoint"],
    ]


def test_a_failing_sink_is_counted_in_values() -> None:
    class Broken:
        def write(self, line: str) -> None:
            raise OSError("disk full")

        def flush(self) -> None: ...
        def close(self) -> None: ...

    logger = MetricsLogger("Vigil/API", DIMS, Broken())
    logger.metric_set({"a": "Count", "b": "Count"}).emit(1, 2)
    assert logger.stats.values_dropped == {"sink_error": 2}
