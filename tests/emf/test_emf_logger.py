"""MetricsLogger end to end: every written line is valid EMF, accepted values round-trip, bad data is counted."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import threading
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from emf_helpers import assert_valid_emf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigil.emf import STANDARD_UNITS, ConfigError, InMemorySink, MetricsLogger, StdoutSink

DIMS = {"Service": "api", "Environment": "prod"}


def make(**kwargs: Any) -> tuple[MetricsLogger, InMemorySink]:
    sink = InMemorySink()
    return MetricsLogger("Vigil/API", kwargs.pop("dimensions", DIMS), sink, **kwargs), sink


def accepted(value: object) -> bool:
    """The oracle: finite real numbers within CloudWatch's range, bools and everything else refused."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    as_float = float(value) if not isinstance(value, int) or abs(value) < 2**400 else math.inf
    return math.isfinite(as_float) and abs(as_float) <= 2.0**360


def expected(value: object) -> float | int:
    if isinstance(value, int) and -(2**63) <= value <= 2**64 - 1:
        return value
    return float(value)  # type: ignore[arg-type]


numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=3),
    st.none(),
    st.decimals(allow_nan=False, allow_infinity=False, places=3),
)
metric_names = st.text(min_size=1, max_size=12, alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FF)).filter(
    lambda n: n not in DIMS and n != "_aws" and n.isprintable()
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    metrics=st.lists(
        st.tuples(
            metric_names,
            st.one_of(numbers, st.lists(numbers, max_size=230)),
            st.sampled_from(["Count", "None", "Milliseconds", "Bytes/Second"]),
        ),
        min_size=1,
        max_size=160,
    ),
    props=st.dictionaries(
        st.text(min_size=1, max_size=8),
        st.from_type(object).flatmap(lambda _: st.integers() | st.text() | st.floats()),
        max_size=4,
    ),
    high_res=st.booleans(),
)
def test_every_line_is_valid_emf_and_accepted_values_round_trip(
    metrics: list[tuple[str, Any, str]], props: dict[str, Any], high_res: bool
) -> None:
    logger, sink = make()
    want: dict[str, list[float | int]] = {}
    units: dict[str, str] = {}
    with logger.event() as event:
        for name, value, unit in metrics:
            if name in units and units[name] != unit:
                continue  # a unit conflict is dropped; covered by its own test
            units[name] = unit
            event.metric(name, value, unit, 1 if high_res else 60)
            items = value if isinstance(value, list) else [value]
            want.setdefault(name, []).extend(expected(v) for v in items if accepted(v))
        for key, prop in props.items():
            event.property(key, prop)
    got: dict[str, list[float | int]] = {}
    for line in sink.lines:
        doc = assert_valid_emf(line)
        assert doc["Service"] == "api"
        for metric in doc["_aws"]["CloudWatchMetrics"][0]["Metrics"]:
            assert metric["Unit"] == units[metric["Name"]]
            assert metric.get("StorageResolution", 60) == (1 if high_res else 60)
            value = doc[metric["Name"]]
            got.setdefault(metric["Name"], []).extend(value if isinstance(value, list) else [value])
    assert got == {name: values for name, values in want.items() if values}


dimension_values = st.one_of(st.text(max_size=1100), st.integers(), st.none())


@settings(max_examples=150, deadline=None)
@given(
    dims=st.dictionaries(st.text(max_size=260), dimension_values, max_size=35),
    namespace=st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=255).filter(
        lambda n: not n.startswith("AWS/")
    ),
)
def test_arbitrary_dimensions_never_produce_an_invalid_line(dims: dict[Any, Any], namespace: str) -> None:
    sink = InMemorySink()
    logger = MetricsLogger(namespace, None, sink)
    logger.put("requests", 1, "Count", dimensions=dims)
    with logger.event() as event:
        event.metric("latency", 3.5, "Milliseconds").dimension_sets(dims, list(dims)[:3])
    for line in sink.lines:
        doc = assert_valid_emf(line)
        assert doc["_aws"]["CloudWatchMetrics"][0]["Namespace"] == namespace
    if not sink.lines:
        assert logger.stats.values_dropped  # nothing written means lost values were counted


def test_put_writes_one_line_with_defaults_properties_and_timestamp() -> None:
    logger, sink = make(properties={"region": "eu-west-1"})
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    logger.put(
        "latency",
        12.5,
        "Milliseconds",
        dimensions={"Endpoint": "/jobs"},
        properties={"trace_id": "t-1"},
        resolution=1,
        timestamp=when,
    )
    (doc,) = [assert_valid_emf(line) for line in sink.lines]
    assert doc["_aws"]["Timestamp"] == int(when.timestamp() * 1000)
    directive = doc["_aws"]["CloudWatchMetrics"][0]
    assert directive["Dimensions"] == [["Service", "Environment", "Endpoint"]]
    assert directive["Metrics"] == [{"Name": "latency", "Unit": "Milliseconds", "StorageResolution": 1}]
    assert (doc["latency"], doc["Endpoint"], doc["trace_id"], doc["region"]) == (12.5, "/jobs", "t-1", "eu-west-1")


def test_event_with_several_dimension_sets_and_epoch_ms_timestamp() -> None:
    logger, sink = make()
    with logger.event() as event:
        event.metric("tokens", [10, 20], "Count").metric("tokens", 30, "Count").timestamp(1_700_000_000_123)
        event.dimension_sets([{"Model": "m1"}, {"Tool": "grep"}]).dimension_sets(["Service"])
    doc = assert_valid_emf(sink.lines[0])
    assert doc["_aws"]["Timestamp"] == 1_700_000_000_123
    assert doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [
        ["Service", "Environment", "Model"],
        ["Service", "Environment", "Tool"],
        ["Service"],
    ]
    assert doc["tokens"] == [10, 20, 30]


def test_150_metrics_and_250_values_split_into_valid_lines() -> None:
    logger, sink = make()
    with logger.event() as event:
        for i in range(150):
            event.metric(f"m{i}", i, "Count")
    assert [len(assert_valid_emf(x)["_aws"]["CloudWatchMetrics"][0]["Metrics"]) for x in sink.lines] == [100, 50]
    sink.clear()
    logger.put("samples", list(range(250)), "Milliseconds")
    values = [assert_valid_emf(x)["samples"] for x in sink.lines]
    assert values == [list(range(100)), list(range(100, 200)), list(range(200, 250))]


def test_bad_values_are_dropped_counted_and_warned_once(caplog: pytest.LogCaptureFixture) -> None:
    logger, sink = make()
    with caplog.at_level(logging.WARNING, logger="vigil.emf"):
        for bad in (float("nan"), float("nan"), float("inf"), True, "12", None):
            logger.put("latency", bad, "Milliseconds")
        logger.put("x" * 256, 1)
        logger.put("latency", 1, "Parsecs")
        logger.put("latency", 1, resolution=30)
    assert sink.lines == []
    assert logger.stats.values_dropped == {
        "non_finite": 3,
        "bool_value": 1,
        "non_numeric": 2,
        "metric_name_too_long": 1,
        "invalid_unit": 1,
        "invalid_resolution": 1,
    }
    assert logger.stats.other_dropped == {}
    warned = [r for r in caplog.records if "non_finite" in r.getMessage()]
    assert len(warned) == 1


def test_too_many_dimensions_drop_the_event_a_bad_dimension_value_only_itself() -> None:
    logger, sink = make()
    logger.put("requests", 1, "Count", dimensions={f"D{i}": "x" for i in range(29)})
    assert sink.lines == []
    assert logger.stats.values_dropped == {"too_many_dimensions": 1}
    logger.put("requests", 2, "Count", dimensions={"Endpoint": "x" * 1025, "Model": "m1"})
    logger.put("requests", 3, "Count", dimensions={"Endpoint": ""})
    docs = [assert_valid_emf(line) for line in sink.lines]
    assert [d["requests"] for d in docs] == [2, 3]
    assert [d["_aws"]["CloudWatchMetrics"][0]["Dimensions"] for d in docs] == [
        [["Service", "Environment", "Model"]],
        [["Service", "Environment"]],
    ]
    assert all("Endpoint" not in d for d in docs)
    assert logger.stats.values_dropped == {"too_many_dimensions": 1}
    assert logger.stats.other_dropped == {"dimension_value_too_long": 1, "invalid_dimension_value": 1}


def test_names_that_collide_are_dropped() -> None:
    logger, sink = make()
    with logger.event() as event:
        event.metric("Service", 1).metric("ok", 2).property("ok", "shadow").property("Environment", "x")
    doc = assert_valid_emf(sink.lines[0])
    assert (doc["ok"], doc["Service"], doc["Environment"]) == (2, "api", "prod")
    assert logger.stats.values_dropped == {"name_collision": 1}
    assert logger.stats.other_dropped == {"name_collision": 2}


def test_unit_conflict_keeps_the_first_unit() -> None:
    logger, sink = make()
    with logger.event() as event:
        event.metric("latency", 1, "Milliseconds").metric("latency", 2, "Seconds")
    assert assert_valid_emf(sink.lines[0])["latency"] == 1
    assert logger.stats.values_dropped == {"unit_conflict": 1}


def test_oversized_properties_drop_the_line_with_a_count() -> None:
    logger, sink = make()
    logger.put("requests", 1, "Count", properties={"blob": "x" * 1_100_000})
    assert sink.lines == []
    assert logger.stats.values_dropped == {"line_too_large": 1}


def test_huge_event_splits_by_bytes() -> None:
    logger, sink = make()
    with logger.event() as event:
        event.property("blob", "y" * 600_000)
        for i in range(4):
            event.metric(f"m{i}", i)
    lines = [assert_valid_emf(x) for x in sink.lines]
    assert sorted(k for doc in lines for k in doc if k.startswith("m")) == ["m0", "m1", "m2", "m3"]


def test_unserializable_property_is_stringified_not_fatal() -> None:
    logger, sink = make()
    logger.put("requests", 1, "Count", properties={"big": 2**80, "obj": object(), "nested": {1: "a"}})
    doc = assert_valid_emf(sink.lines[0])
    assert doc["requests"] == 1
    assert doc["big"] == str(2**80)
    assert doc["nested"] == {"1": "a"}


def test_bad_configuration_raises_at_construction() -> None:
    for namespace in ("", "AWS/Lambda", "x" * 256, "bad\nns"):
        with pytest.raises(ConfigError):
            MetricsLogger(namespace, None, InMemorySink())
    with pytest.raises(ConfigError):
        MetricsLogger("Ok", {"Service": ""}, InMemorySink())
    with pytest.raises(ConfigError):
        MetricsLogger("Ok", None, "ftp://nowhere")


def test_sink_chosen_by_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIGIL_EMF_SINK", "memory")
    assert isinstance(MetricsLogger("Ok").sink, InMemorySink)
    monkeypatch.delenv("VIGIL_EMF_SINK")
    assert isinstance(MetricsLogger("Ok").sink, StdoutSink)


def test_stdout_sink_writes_one_line_per_event(capsys: pytest.CaptureFixture[str]) -> None:
    logger = MetricsLogger("Vigil/API", DIMS, "stdout")
    logger.put("requests", 1, "Count")
    out = capsys.readouterr().out
    assert out.endswith("\n")
    assert out.count("\n") == 1
    assert_valid_emf(out.strip())
    assert logger.sink.stats.written == 1


def test_a_failing_sink_never_raises_into_the_caller() -> None:
    class Broken:
        def write(self, line: str) -> None:
            raise OSError("disk full")

        def flush(self) -> None: ...
        def close(self) -> None: ...

    logger = MetricsLogger("Vigil/API", DIMS, Broken())
    logger.put("requests", 1, "Count")
    assert logger.stats.values_dropped == {"sink_error": 1}


def test_threads_and_asyncio_tasks_emit_concurrently() -> None:
    logger, sink = make()

    def work() -> None:
        for i in range(200):
            logger.put("requests", i, "Count")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()

    async def task(n: int) -> None:
        for _ in range(50):
            logger.put("tasks", n, "Count")
            await asyncio.sleep(0)

    async def main() -> None:
        await asyncio.gather(*(task(n) for n in range(4)))

    asyncio.run(main())
    for t in threads:
        t.join()
    docs = [json.loads(x) for x in sink.lines]
    assert sum(1 for d in docs if "requests" in d) == 800
    assert sum(1 for d in docs if "tasks" in d) == 200


def test_units_match_botocore_standard_unit() -> None:
    import botocore.session

    model = botocore.session.get_session().get_service_model("cloudwatch")
    assert set(model.shape_for("StandardUnit").enum) == STANDARD_UNITS


def test_import_is_cheap() -> None:
    import subprocess
    import sys

    code = "import sys, vigil.emf; print(sorted(m for m in ('boto3', 'botocore', 'pydantic', 'pulumi', 'vigil.spec') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
