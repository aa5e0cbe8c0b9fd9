"""EMF extraction as CloudWatch performs it, on lines written by vigil.emf, aws-embedded-metrics and Powertools.

Rules from the CloudWatch user guide, "Specification: Embedded metric format" (root node, metadata object,
MetricDirective, DimensionSet, MetricDefinition, target members) and the PutLogEvents API reference (events more
than 14 days older or 2 hours newer than ingestion are rejected).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.backtest import emf
from vigil.emf import InMemorySink, MetricsLogger
from vigil.emulator.store import MetricKey

T0 = 1_767_571_200_000  # 2026-01-05T00:00:00Z in ms


def doc(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "_aws": {
            "Timestamp": T0,
            "CloudWatchMetrics": [
                {
                    "Namespace": "Shop",
                    "Dimensions": [["Service"]],
                    "Metrics": [{"Name": "Latency", "Unit": "Milliseconds"}],
                }
            ],
        },
        "Service": "api",
        "Latency": 12,
    }
    base.update(overrides)
    return base


def directive(**fields: Any) -> dict[str, Any]:
    found = doc()
    found["_aws"]["CloudWatchMetrics"][0].update(fields)
    return found


def extract_line(line: str, reference: int | None = None) -> list[emf.Datapoint]:
    return emf.extract(emf.parse(line), reference)


def test_vigil_emf_lines_extract_every_metric_and_dimension_set() -> None:
    sink = InMemorySink()
    logger = MetricsLogger("Vigil/API", {"Service": "api", "Environment": "prod"}, sink)
    with logger.event() as event:
        event.metric("http.requests", 3, "Count").metric("http.request.duration", [10, 20, 30], "Milliseconds")
        event.dimension_sets(["Service", "Environment"], {"StatusClass": "2xx"}).timestamp(T0 + 1500)
    points = extract_line(sink.lines[0])
    got = {(p.key.metric, p.key.dimensions): (p.values, p.unit, p.timestamp) for p in points}
    service = (("Environment", "prod"), ("Service", "api"))
    status = (("Environment", "prod"), ("Service", "api"), ("StatusClass", "2xx"))
    assert got == {
        ("http.requests", service): ([3.0], "Count", T0 / 1000 + 1.5),
        ("http.requests", status): ([3.0], "Count", T0 / 1000 + 1.5),
        ("http.request.duration", service): ([10.0, 20.0, 30.0], "Milliseconds", T0 / 1000 + 1.5),
        ("http.request.duration", status): ([10.0, 20.0, 30.0], "Milliseconds", T0 / 1000 + 1.5),
    }


def test_vigil_emf_split_lines_of_150_values_lose_nothing() -> None:
    sink = InMemorySink()
    MetricsLogger("N", {"Service": "api"}, sink).put("m", list(range(150)), "Count", timestamp=T0)
    values = [v for line in sink.lines for p in extract_line(line) for v in p.values]
    assert len(sink.lines) == 2
    assert sorted(values) == [float(v) for v in range(150)]


def test_aws_embedded_metrics_lines_with_high_resolution() -> None:
    from aws_embedded_metrics.logger.metrics_context import MetricsContext
    from aws_embedded_metrics.serializers.log_serializer import LogSerializer
    from aws_embedded_metrics.storage_resolution import StorageResolution

    ctx = MetricsContext.empty()
    ctx.namespace = "Shop"
    ctx.set_dimensions([{"Service": "api"}])
    ctx.put_metric("Latency", 12, "Milliseconds")
    ctx.put_metric("Latency", 15, "Milliseconds")
    ctx.put_metric("Hits", 1, "Count", StorageResolution.HIGH)
    (line,) = LogSerializer.serialize(ctx)
    points = {p.key.metric: p for p in extract_line(line)}
    assert points["Latency"].values == [12.0, 15.0]
    assert not points["Latency"].high_resolution
    assert points["Hits"].high_resolution
    assert points["Hits"].key == MetricKey.of("Shop", "Hits", {"Service": "api"})


def test_powertools_lines() -> None:
    from aws_lambda_powertools.metrics import Metrics, MetricUnit

    metrics = Metrics(namespace="Shop", service="api")
    metrics.add_metric(name="Orders", unit=MetricUnit.Count, value=2)
    metrics.add_dimension(name="Region", value="eu")
    line = json.dumps(metrics.serialize_metric_set())
    (point,) = extract_line(line)
    assert point.key == MetricKey.of("Shop", "Orders", {"Region": "eu", "service": "api"})
    assert (point.values, point.unit) == ([2.0], "Count")


def test_several_directives_and_empty_dimension_set() -> None:
    found = doc(Hits=[1, 1])
    found["_aws"]["CloudWatchMetrics"].append({"Namespace": "Other", "Dimensions": [[]], "Metrics": [{"Name": "Hits"}]})
    points = emf.extract(found)
    assert [(p.key.namespace, p.key.metric, p.key.dimensions, p.unit) for p in points] == [
        ("Shop", "Latency", (("Service", "api"),), "Milliseconds"),
        ("Other", "Hits", (), "None"),
    ]


def test_plain_log_lines_are_not_emf() -> None:
    assert emf.parse('{"level": "INFO", "message": "hello"}') is None
    assert emf.parse("GET /health 200") is None


REJECTIONS = [
    ("invalid_json", '{"_aws": {"Timestamp": 1} trailing'),
    ("invalid_json", '["_aws"]'),
    ("invalid_metadata", json.dumps(doc(_aws={"Timestamp": T0}))),
    ("invalid_metadata", json.dumps(doc(_aws="x"))),
    ("invalid_timestamp", json.dumps(doc(_aws={"CloudWatchMetrics": []}))),
    ("invalid_timestamp", json.dumps(doc(_aws={"Timestamp": "2026-01-05", "CloudWatchMetrics": []}))),
    ("invalid_namespace", json.dumps(directive(Namespace=""))),
    ("invalid_namespace", json.dumps(directive(Namespace="x" * 256))),
    ("invalid_dimensions", json.dumps(directive(Dimensions=["Service"]))),
    (
        "too_many_dimensions",
        json.dumps({**directive(Dimensions=[[f"d{i}" for i in range(31)]]), **{f"d{i}": "v" for i in range(31)}}),
    ),
    ("missing_dimension_value", json.dumps(directive(Dimensions=[["Region"]]))),
    ("invalid_dimension_value", json.dumps(doc(Service=7))),
    ("invalid_dimension_value", json.dumps(doc(Service=""))),
    ("invalid_dimension_value", json.dumps(doc(Service=["api"]))),
    ("invalid_dimension_value", json.dumps(doc(Service="x" * 1025))),
    ("invalid_metrics", json.dumps(directive(Metrics={"Name": "Latency"}))),
    ("invalid_metrics", json.dumps(directive(Metrics=[{"Unit": "Count"}]))),
    (
        "too_many_metrics",
        json.dumps({**directive(Metrics=[{"Name": f"m{i}"} for i in range(101)]), **{f"m{i}": 1 for i in range(101)}}),
    ),
    ("invalid_unit", json.dumps(directive(Metrics=[{"Name": "Latency", "Unit": "Millis"}]))),
    ("invalid_storage_resolution", json.dumps(directive(Metrics=[{"Name": "Latency", "StorageResolution": 10}]))),
    ("missing_value", json.dumps(directive(Metrics=[{"Name": "Errors"}]))),
    ("invalid_value", json.dumps(doc(Latency="12"))),
    ("invalid_value", json.dumps(doc(Latency=True))),
    ("invalid_value", json.dumps(doc(Latency=[1, "2"]))),
    ("invalid_value", json.dumps(doc(Latency=[]))),
    ("invalid_value", json.dumps(doc(Latency=2**361))),
    # NaN is not JSON (RFC 8259): the whole event is not a valid EMF document
    (
        "invalid_json",
        '{"_aws": {"Timestamp": 1767571200000, "CloudWatchMetrics": [{"Namespace": "N", "Dimensions": [[]], "Metrics": [{"Name": "m"}]}]}, "m": NaN}',
    ),
    ("too_many_values", json.dumps(doc(Latency=list(range(101))))),
    ("event_too_large", json.dumps(doc(padding="x" * 1_048_576))),
]


@pytest.mark.parametrize(("reason", "line"), REJECTIONS, ids=[f"{r}-{i}" for i, (r, _) in enumerate(REJECTIONS)])
def test_lines_cloudwatch_rejects_are_refused_with_their_reason(reason: str, line: str) -> None:
    with pytest.raises(emf.Rejected) as raised:
        extract_line(line)
    assert raised.value.reason == reason
    assert str(raised.value) == emf.REASONS[reason]


def test_every_reason_has_a_test() -> None:
    assert {reason for reason, _ in REJECTIONS} | {"timestamp_too_old", "timestamp_too_new"} == set(emf.REASONS)


@pytest.mark.parametrize(
    ("offset_ms", "reason"),
    [
        (-14 * 86_400_000 - 1, "timestamp_too_old"),
        (-14 * 86_400_000, None),
        (2 * 3_600_000, None),
        (2 * 3_600_000 + 1, "timestamp_too_new"),
    ],
)
def test_timestamp_window_relative_to_ingestion(offset_ms: int, reason: str | None) -> None:
    line = json.dumps(doc(_aws={**doc()["_aws"], "Timestamp": T0 + offset_ms}))
    if reason is None:
        assert len(extract_line(line, reference=T0)) == 1
    else:
        with pytest.raises(emf.Rejected) as raised:
            extract_line(line, reference=T0)
        assert raised.value.reason == reason


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC._", min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(
    metrics=st.dictionaries(names, st.lists(st.floats(-1e9, 1e9), min_size=1, max_size=100), min_size=1, max_size=20),
    dims=st.dictionaries(st.sampled_from(["Region", "Zone", "Host"]), names, max_size=3),
)
def test_any_valid_document_yields_each_metric_under_each_set(
    metrics: dict[str, list[float]], dims: dict[str, str]
) -> None:
    metrics = {f"m_{k}": v for k, v in metrics.items()}
    sets = [[], sorted(dims)]
    document = {
        "_aws": {
            "Timestamp": T0,
            "CloudWatchMetrics": [{"Namespace": "N", "Dimensions": sets, "Metrics": [{"Name": n} for n in metrics]}],
        },
        **dims,
        **metrics,
    }
    points = extract_line(json.dumps(document))
    assert len(points) == len(metrics) * 2
    for point in points:
        assert point.values == metrics[point.key.metric]
        assert point.key.dimensions in ((), tuple(sorted(dims.items())))
