"""``estimate(plan, catalog)``: the monthly CloudWatch cost of a stack's plan, as a :class:`CostReport`.

What the stack creates (alarms, health checks, canaries, dashboards, log groups and their retention) is read from
the plan, under the names the plan gives it; only what the plan does not describe comes from the catalog: how many
custom metrics the application emits (dimension cardinalities) and how much it logs (declared volumes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from vigil.cost.alarms import alarm_items
from vigil.cost.items import CostReport, LineItem, sort_key
from vigil.cost.logs import log_items
from vigil.cost.metrics import metric_items
from vigil.cost.prices import PriceTable, load_prices
from vigil.plan.types import DashboardPlan, StackPlan
from vigil.spec.models import MetricNamespaceSpec, Project

if TYPE_CHECKING:
    from vigil.plan.stack import LoadedStack


def dashboard_items(dashboards: tuple[DashboardPlan, ...], prices: PriceTable) -> list[LineItem]:
    """One line item per planned dashboard; the first ``dashboards_free`` by spec name are free."""
    items: list[LineItem] = []
    for index, board in enumerate(sorted(dashboards, key=lambda d: d.spec_name)):
        if index < prices.dashboards_free:
            items.append(LineItem("dashboard", board.name, "dashboard (free allowance)", 1, "dashboard", 0.0, 0.0))
        else:
            usd = prices.dashboard_usd
            items.append(LineItem("dashboard", board.name, "dashboard", 1, "dashboard", usd, usd))
    return items


def assumptions(prices: PriceTable) -> tuple[str, ...]:
    """The assumptions behind every estimate, in words (shown by ``vigil cost`` and in the JSON report)."""
    logs = prices.logs
    return (
        f"{prices.region} list prices from {prices.source} as of {prices.as_of}.",
        "Custom metrics: one per combination of dimension values per dimension set; volume tiers apply to the "
        "stack's total and every metric is shown at the blended rate.",
        "Alarms: every alarm the plan creates, per metric queried (math expressions free); 10 s / 30 s periods at "
        f"the high-resolution rate; anomaly bands {prices.anomaly_metrics_per_alarm} metrics; composites flat; "
        "disabled alarms cost nothing.",
        f"Dashboards: the first {prices.dashboards_free} are free.",
        f"Logs: declared ingestion + EMF at {logs.emf_bytes_per_event} B per event per metric (upper bound); "
        f"storage at steady state = monthly ingest x the plan's retention days / 30 x {logs.compression_ratio} "
        f"compression, retention over {logs.never_expire_horizon_days} days priced at that horizon.",
        *prices.notes,
    )


def estimate(
    plan: StackPlan,
    catalog: Mapping[str, MetricNamespaceSpec],
    *,
    budget_usd: float | None = None,
    prices: PriceTable | None = None,
) -> CostReport:
    """Estimate the monthly CloudWatch cost of a stack's plan; ``catalog`` is the project's metric namespaces.

    Commands call :func:`estimate_stack` with what :func:`vigil.plan.stack.load_stack_plan` returned.

    Example::

        >>> from vigil.plan.stack import load_stack_plan
        >>> loaded = load_stack_plan("tests/spec/good/minimal", "dev")
        >>> report = estimate(loaded.plan, loaded.project.namespaces)
        >>> sorted({i.kind for i in report.line_items}), report.stack
        (['alarm', 'dashboard', 'logs', 'metrics'], 'dev')
    """
    prices = prices or load_prices()
    items = [
        *metric_items(catalog, prices),
        *alarm_items(plan.alarms, prices),
        *dashboard_items(plan.dashboards, prices),
        *log_items(plan, catalog, prices),
    ]
    return CostReport(
        line_items=tuple(sorted(items, key=sort_key)),
        stack=plan.context.stack,
        budget_usd=budget_usd,
        region=prices.region,
        currency=prices.currency,
        prices_source=prices.source,
        prices_as_of=prices.as_of,
        assumptions=assumptions(prices),
    )


def estimate_stack(loaded: LoadedStack, prices: PriceTable | None = None) -> CostReport:
    """:func:`estimate` of a loaded stack, against its ``vigil:budget_usd``."""
    return estimate_project(loaded.project, prices, plan=loaded.plan)


def estimate_project(
    project: Project, prices: PriceTable | None = None, *, plan: StackPlan | None = None
) -> CostReport:
    """:func:`estimate` of a project already validated for its stack (planned with ``plan_stack`` unless ``plan``
    is given); a project loaded without a stack is reported as ``project``, not under an environment name.

    >>> report = estimate_project(Project())
    >>> report.total_usd, report.stack
    (0.0, None)
    """
    from vigil.plan.stack import plan_stack

    stack = project.stack
    budget = stack.budget_usd if stack is not None else None
    report = estimate(plan or plan_stack(project), project.namespaces, budget_usd=budget, prices=prices)
    return report if stack is not None else replace(report, stack=None)
