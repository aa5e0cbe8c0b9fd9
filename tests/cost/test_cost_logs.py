"""Log ingestion (declared + EMF) and steady-state storage over the effective retention."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

from vigil.cost import LineItem, PriceTable, estimate_project
from vigil.spec.models import MetricNamespaceSpec, Project

NamespaceFactory = Callable[..., MetricNamespaceSpec]
ProjectFactory = Callable[..., Project]
GIB = 1024**3


def _logs(report_items: tuple[LineItem, ...]) -> dict[str, float]:
    return {i.item: i.quantity for i in report_items if i.kind == "logs"}


def test_declared_ingestion_and_storage_at_steady_state(
    make_namespace: NamespaceFactory, make_project: ProjectFactory
) -> None:
    ns = make_namespace(log_group={"name": "/vigil/api", "retention_days": 30, "ingestion_gb_per_month": 100})
    report = estimate_project(make_project(namespaces={"Vigil/API": ns}))
    assert _logs(report.line_items) == pytest.approx({"ingestion": 100.0, "storage": 15.0})
    assert report.by_resource()["/vigil/dev/api"] == pytest.approx(100 * 0.50 + 15 * 0.03)


def test_emf_lines_count_as_ingestion(make_namespace: NamespaceFactory, make_project: ProjectFactory) -> None:
    metrics = {"a": {"unit": "Count", "events_per_minute": 1000}, "b": {"unit": "Count", "events_per_minute": 500}}
    ns = make_namespace(metrics=metrics, log_group={"name": "/vigil/api", "ingestion_gb_per_month": 0})
    ingest = _logs(estimate_project(make_project(namespaces={"Vigil/API": ns})).line_items)["ingestion"]
    assert ingest == pytest.approx(1500 * 300 * 43_800 / GIB)


@pytest.mark.parametrize(
    ("group_days", "stack", "days"),
    [
        (30, None, 30),
        (None, None, 30),  # no retention in the spec: the plan deploys its default (30 days), so that is priced
        (3653, None, 365),
        (30, {"retention_days": 365}, 365),  # the stack's retention wins over the log group's
        (30, {"retention_days": 365, "overrides": {"retention": {"Vigil/API": 7}}}, 7),
    ],
)
def test_storage_follows_the_effective_retention(
    make_namespace: NamespaceFactory,
    make_project: ProjectFactory,
    group_days: int | None,
    stack: dict[str, Any] | None,
    days: int,
) -> None:
    ns = make_namespace(log_group={"name": "/g", "retention_days": group_days, "ingestion_gb_per_month": 30})
    stored = _logs(estimate_project(make_project(stack=stack, namespaces={"Vigil/API": ns})).line_items)["storage"]
    assert stored == pytest.approx(30 * days / 30 * 0.15)


def test_namespace_without_log_group_has_no_log_cost(
    make_namespace: NamespaceFactory, make_project: ProjectFactory, prices: PriceTable
) -> None:
    ns = make_namespace(metrics={"a": {"unit": "Count", "events_per_minute": 1000}})
    report = estimate_project(make_project(namespaces={"Vigil/API": ns}), prices)
    assert report.totals["logs"] == 0.0
    assert math.isclose(report.total_usd, 0.30)


def test_queries_and_metric_filters_add_no_log_cost(make_namespace: NamespaceFactory) -> None:
    plain = make_namespace(log_group={"name": "/g"})
    busy = make_namespace(
        log_group={
            "name": "/g",
            "metric_filters": {"f": {"pattern": "x", "metric": "http.requests"}},
            "queries": {"q": {"query": "fields @timestamp"}},
        }
    )
    assert (
        estimate_project(Project(namespaces={"A": plain})).total_usd
        == estimate_project(Project(namespaces={"A": busy})).total_usd
    )
