"""Catalog binding: start-up errors for typos, typed handles, drops (not exceptions) on the emit path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from emf_helpers import assert_valid_emf

from vigil.emf import CatalogError, ConfigError, InMemorySink, MetricsLogger, UnknownMetricError
from vigil.spec.models.metrics import MetricNamespaceSpec

DEFAULTS = {"Service": "api", "Environment": "prod"}


def spec(**changes: Any) -> MetricNamespaceSpec:
    data = yaml.safe_load((Path(__file__).parent / "catalog_api.yaml").read_text())
    data.update(changes)
    return MetricNamespaceSpec.model_validate(data)


def bound() -> tuple[MetricsLogger, InMemorySink]:
    sink = InMemorySink()
    return MetricsLogger.from_catalog(spec(), dimensions=DEFAULTS, sink=sink), sink


def test_handle_emits_catalog_unit_and_every_declared_set_within_the_keys() -> None:
    logger, sink = bound()
    logger.metric("http.requests").put(1, Endpoint="/jobs")
    logger.metric("http.requests").put(2)
    logger.metric("http.request.duration").put(12.5, Endpoint="/jobs")
    docs = [assert_valid_emf(x) for x in sink.lines]
    assert docs[0]["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [
        ["Service", "Environment"],
        ["Service", "Environment", "Endpoint"],
    ]
    assert docs[1]["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["Service", "Environment"]]
    assert docs[2]["_aws"]["CloudWatchMetrics"][0]["Metrics"] == [
        {"Name": "http.request.duration", "Unit": "Milliseconds", "StorageResolution": 1}
    ]


def test_undeclared_metric_handle_fails_at_start_up_with_a_suggestion() -> None:
    logger, _ = bound()
    with pytest.raises(UnknownMetricError, match=r"did you mean 'http\.requests'"):
        logger.metric("http.request")


def test_catalog_errors_at_bind_time() -> None:
    with pytest.raises(CatalogError, match="Endpoints"):
        MetricsLogger.from_catalog(spec(), dimensions={"Endpoints": "/x"}, sink=InMemorySink())
    bad_unit = spec(metrics={"x": {"unit": "Milisecond", "dimension_sets": ["service"]}})
    with pytest.raises(CatalogError, match="did you mean 'Milliseconds'"):
        MetricsLogger.from_catalog(bad_unit, dimensions=DEFAULTS, sink=InMemorySink())
    bad_set = spec(metrics={"x": {"unit": "Count", "dimension_sets": ["nope"]}})
    with pytest.raises(CatalogError, match="nope"):
        MetricsLogger.from_catalog(bad_set, dimensions=DEFAULTS, sink=InMemorySink())
    with pytest.raises(ConfigError):
        MetricsLogger("Vigil/API", DEFAULTS, InMemorySink()).metric("http.requests")


def test_mismatches_on_the_emit_path_are_dropped_and_counted() -> None:
    logger, sink = bound()
    logger.metric("http.request.duration").put(5.0)  # needs Endpoint
    logger.metric("queue.depth").put(3, Endpoint="/x")  # queue.depth has no endpoint set
    logger.put("http.requestz", 1, "Count")  # undeclared via the free-form API
    logger.put("http.requests", 1, "Seconds")  # wrong unit
    assert sink.lines == []
    assert logger.stats.values_dropped == {"dimension_set_mismatch": 2, "undeclared_metric": 1, "unit_mismatch": 1}
    logger.put("http.requests", 4)  # unit None is filled in from the catalog
    assert assert_valid_emf(sink.lines[0])["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Unit"] == "Count"


def test_event_keeps_only_metrics_allowed_under_its_dimension_sets() -> None:
    logger, sink = bound()
    with logger.event() as event:
        event.metric("http.requests", 1).metric("queue.depth", 7).metric("http.request.duration", 3.0)
    doc = assert_valid_emf(sink.lines[0])
    assert [m["Name"] for m in doc["_aws"]["CloudWatchMetrics"][0]["Metrics"]] == ["http.requests", "queue.depth"]
    assert "http.request.duration" not in doc
    assert logger.stats.values_dropped == {"dimension_set_mismatch": 1}
