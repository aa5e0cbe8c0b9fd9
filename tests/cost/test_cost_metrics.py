"""Custom metric counts: one billed metric per combination of dimension values, per dimension set."""

from __future__ import annotations

import math
from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from vigil.cost import PriceTable, estimate_project, load_prices
from vigil.cost.metrics import metric_counts
from vigil.spec.models import MetricNamespaceSpec, Project

NamespaceFactory = Callable[..., MetricNamespaceSpec]
ProjectFactory = Callable[..., Project]


API_SETS = {
    "service": ["Service", "Environment"],
    "endpoint": ["Service", "Environment", "Endpoint"],
    "endpoint-method": ["Service", "Environment", "Endpoint", "Method"],
}
API_DIMS = {"Service": 1, "Environment": 1, "Endpoint": 25, "Method": 5}


def test_a_metric_costs_the_product_of_cardinalities_summed_over_its_sets(
    make_namespace: NamespaceFactory, make_project: ProjectFactory, prices: PriceTable
) -> None:
    ns = make_namespace(API_DIMS, API_SETS, {"http.requests": {"unit": "Count", "dimension_sets": list(API_SETS)}})
    report = estimate_project(make_project(namespaces={"Vigil/API": ns}))
    (item,) = report.line_items
    assert (item.kind, item.name, item.quantity) == ("metrics", "Vigil/API:http.requests", 1 + 25 + 125)
    assert math.isclose(report.totals["metrics"], 151 * 0.30)


def test_high_resolution_metric_is_still_one_metric(
    make_namespace: NamespaceFactory, make_project: ProjectFactory
) -> None:
    standard = make_namespace(metrics={"m": {"unit": "Count"}})
    high = make_namespace(metrics={"m": {"unit": "Count", "resolution": 1}})
    assert (
        estimate_project(make_project(namespaces={"A": standard})).total_usd
        == estimate_project(make_project(namespaces={"A": high})).total_usd
        == 0.30
    )


def test_metric_filter_metric_outside_the_catalog_is_billed(make_namespace: NamespaceFactory) -> None:
    log_group = {
        "name": "/vigil/api",
        "metric_filters": {
            "errors": {"pattern": '{ $.level = "error" }', "metric": "error.total", "dimensions": {"Endpoint": "$.e"}},
            "declared": {"pattern": "x", "metric": "http.requests"},
        },
    }
    ns = make_namespace({"Endpoint": 25}, log_group=log_group)
    counts = metric_counts({"Vigil/API": ns})
    assert counts == {"Vigil/API:error.total": 25, "Vigil/API:http.requests": 1}


def test_tiers_are_blended_so_items_sum_to_the_tiered_total(
    make_namespace: NamespaceFactory, make_project: ProjectFactory, prices: PriceTable
) -> None:
    ns = make_namespace(
        {"Endpoint": 6_000}, {"e": ["Endpoint"]}, {m: {"unit": "Count", "dimension_sets": ["e"]} for m in ("a", "b")}
    )
    report = estimate_project(make_project(namespaces={"Vigil/API": ns}))
    assert [i.quantity for i in report.line_items] == [6_000, 6_000]
    assert math.isclose(report.total_usd, 10_000 * 0.30 + 2_000 * 0.10)
    assert report.line_items[0].unit_usd == report.line_items[1].unit_usd < 0.30


@given(
    cardinality=st.integers(min_value=1, max_value=50_000),
    extra=st.integers(min_value=1, max_value=50_000),
    metrics=st.integers(min_value=1, max_value=20),
)
def test_metric_cost_is_monotonic_in_cardinality(
    make_namespace: NamespaceFactory, cardinality: int, extra: int, metrics: int
) -> None:
    def cost(card: int) -> float:
        ns = make_namespace(
            {"Endpoint": card},
            {"e": ["Service", "Endpoint"]},
            {f"m{i}": {"unit": "Count", "dimension_sets": ["e"]} for i in range(metrics)},
        )
        return estimate_project(Project(namespaces={"Vigil/API": ns}), load_prices()).total_usd

    assert cost(cardinality) < cost(cardinality + extra)


def test_namespaces_are_priced_together(make_namespace: NamespaceFactory) -> None:
    one: MetricNamespaceSpec = make_namespace(
        {"Endpoint": 6_000}, {"e": ["Endpoint"]}, {"a": {"unit": "Count", "dimension_sets": ["e"]}}
    )
    two = one.model_copy(update={"namespace": "Vigil/Worker"})
    report = estimate_project(Project(namespaces={"Vigil/API": one, "Vigil/Worker": two}))
    assert math.isclose(report.total_usd, 10_000 * 0.30 + 2_000 * 0.10)
