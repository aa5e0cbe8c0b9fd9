"""``estimate(project)``: the monthly CloudWatch cost of a project, as a :class:`CostReport`."""

from __future__ import annotations

from vigil.cost.alarms import project_alarm_items
from vigil.cost.logs import log_items
from vigil.cost.metrics import metric_items
from vigil.cost.names import physical
from vigil.cost.prices import PriceTable, load_prices
from vigil.cost.report import CostReport, LineItem, sort_key
from vigil.spec.models import Project


def dashboard_items(project: Project, prices: PriceTable) -> list[LineItem]:
    """One line item per dashboard; the first ``dashboards_free`` by name are free.

    Items carry spec names; :func:`estimate` maps them to provisioned names (``vigil.cost.names``).
    """
    items: list[LineItem] = []
    for index, name in enumerate(sorted(project.dashboards)):
        if index < prices.dashboards_free:
            items.append(LineItem("dashboard", name, "dashboard (free allowance)", 1, "dashboard", 0.0, 0.0))
        else:
            usd = prices.dashboard_usd
            items.append(LineItem("dashboard", name, "dashboard", 1, "dashboard", usd, usd))
    return items


def assumptions(prices: PriceTable) -> tuple[str, ...]:
    """The assumptions behind every estimate, in words (shown by ``vigil cost`` and in the JSON report)."""
    logs = prices.logs
    return (
        f"{prices.region} list prices from {prices.source} as of {prices.as_of}.",
        "Custom metrics: one per combination of dimension values per dimension set; volume tiers apply to the "
        "stack's total and every metric is shown at the blended rate.",
        "Alarms: per metric queried (math expressions free); 10 s / 30 s periods at the high-resolution rate; "
        f"anomaly bands {prices.anomaly_metrics_per_alarm} metrics; composites flat; SLO pairs 2 math alarms + "
        "1 composite; disabled alarms cost nothing.",
        f"Dashboards: the first {prices.dashboards_free} are free.",
        f"Logs: declared ingestion + EMF at {logs.emf_bytes_per_event} B per event per metric (upper bound); "
        f"storage at steady state = monthly ingest x retention days / 30 x {logs.compression_ratio} compression, "
        f"never-expiring groups at {logs.never_expire_horizon_days} days.",
        *prices.notes,
    )


def estimate(project: Project, prices: PriceTable | None = None) -> CostReport:
    """Estimate the monthly CloudWatch cost of a loaded project (for its stack, when loaded with one).

    Example::

        >>> from vigil.spec.models import Project
        >>> ns = {"version": "vigil/v1", "namespace": "Vigil/API", "service": "api",
        ...       "dimensions": {"Endpoint": {"cardinality": 25}},
        ...       "dimension_sets": {"service": ["Service"], "endpoint": ["Service", "Endpoint"]},
        ...       "metrics": {"http.requests": {"unit": "Count", "dimension_sets": ["service", "endpoint"]}}}
        >>> report = estimate(Project(namespaces={"Vigil/API": ns}))
        >>> report.line_items[0].quantity, round(report.total_usd, 2)  # 1 + 25 metrics at $0.30
        (26, 7.8)
    """
    prices = prices or load_prices()
    items = physical(
        [
            *metric_items(project, prices),
            *project_alarm_items(project, prices),
            *dashboard_items(project, prices),
            *log_items(project, prices),
        ],
        project,
    )
    stack = project.stack
    return CostReport(
        line_items=tuple(sorted(items, key=sort_key)),
        stack=stack.name if stack else None,
        budget_usd=stack.budget_usd if stack else None,
        region=prices.region,
        currency=prices.currency,
        prices_source=prices.source,
        prices_as_of=prices.as_of,
        assumptions=assumptions(prices),
    )
