"""Custom metrics: one billed metric per combination of dimension values, per dimension set.

A metric emitted with dimension sets ``[Service, Environment]`` and ``[Service, Environment, Endpoint]``
(cardinalities 1, 1, 25) is 1 + 25 = 26 custom metrics. Storage resolution does not change the metric price
(a high-resolution metric is still one metric); it only matters to alarms with a 10 s or 30 s period.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from vigil.cost.items import LineItem
from vigil.cost.prices import PriceTable
from vigil.spec.models import MetricNamespaceSpec


def set_cardinality(namespace: MetricNamespaceSpec, dimensions: Iterable[str]) -> int:
    """The number of distinct value combinations of ``dimensions`` (undeclared dimensions count as 1).

    >>> from vigil.spec.models import MetricNamespaceSpec
    >>> ns = MetricNamespaceSpec(version="vigil/v1", namespace="Vigil/API", service="api",
    ...                          dimensions={"Endpoint": {"cardinality": 25}, "Method": {"cardinality": 5}})
    >>> set_cardinality(ns, ["Endpoint", "Method", "Service"])
    125
    """
    return math.prod(namespace.dimensions[d].cardinality if d in namespace.dimensions else 1 for d in dimensions)


def metric_count(namespace: MetricNamespaceSpec, metric: str) -> int:
    """Billed custom metrics of one catalog metric: the sum over its dimension sets of their cardinalities.

    A dimension set the namespace does not declare is skipped (the validator reports it).
    """
    return sum(set_cardinality(namespace, dims) for dims in namespace.metric_dimension_sets(metric))


def metric_counts(catalog: Mapping[str, MetricNamespaceSpec]) -> dict[str, int]:
    """Billed custom metrics by ``<namespace>:<metric>``, sorted by name.

    Catalog metrics count through their dimension sets; a metric filter whose metric is not in the catalog
    counts one metric per combination of its dimensions' values.
    """
    counts: dict[str, int] = {}
    for ns_name, namespace in catalog.items():
        for metric in namespace.metrics:
            counts[f"{ns_name}:{metric}"] = metric_count(namespace, metric)
        filters = namespace.log_group.metric_filters.values() if namespace.log_group else ()
        for metric_filter in filters:
            key = f"{ns_name}:{metric_filter.metric}"
            if metric_filter.metric not in namespace.metrics and key not in counts:
                counts[key] = set_cardinality(namespace, metric_filter.dimensions)
    return dict(sorted(counts.items()))


def metric_items(catalog: Mapping[str, MetricNamespaceSpec], prices: PriceTable) -> list[LineItem]:
    """One line item per metric, at the blended tier rate of the project's total metric count.

    Volume tiers apply to the total, so every metric gets the same average price per metric:
    the items sum exactly to the tiered cost of the total.
    """
    counts = metric_counts(catalog)
    total = sum(counts.values())
    if total == 0:
        return []
    blended = prices.metric_cost(total) / total
    return [
        LineItem("metrics", name, "custom metrics", count, "metric", blended, count * blended)
        for name, count in counts.items()
        if count > 0
    ]
