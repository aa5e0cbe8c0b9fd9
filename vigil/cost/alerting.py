"""Pricing of the alerting mechanisms the plan creates besides alarms: Route 53 health checks (probes),
Synthetics canary runs, and alarms' automatic actions (OpsItems, Lambda requests, scaling). Their alarms, and the
delivery-failure alarms, are metric alarms of the plan (:mod:`vigil.cost.alarms`)."""

from __future__ import annotations

import re

from vigil.cost.items import LineItem
from vigil.cost.prices import PriceTable
from vigil.plan.types import CanaryPlan, CompositeAlarmPlan, HealthCheckPlan, MetricAlarmPlan

#: Optional Route 53 features a probe uses: HTTPS (and SNI), string matching, a 10 s interval.
HTTPS, STRING_MATCH, FAST = "HTTPS", "string matching", "10 s interval"
_RATE = re.compile(r"^rate\((\d+) minutes?\)$")


def probe_features(check: HealthCheckPlan) -> list[str]:
    """The optional (separately billed) features of a planned health check."""
    features = [HTTPS] if check.type.startswith("HTTPS") else []
    if check.search_string:
        features.append(STRING_MATCH)
    if check.request_interval == 10:
        features.append(FAST)
    return features


def probe_items(check: HealthCheckPlan, prices: PriceTable) -> list[LineItem]:
    """The health check of one probe (basic + optional features), named by its alarm.

    >>> from vigil.cost.prices import load_prices
    >>> check = HealthCheckPlan("vigil-dev-api-down", "vigil-dev-api-down", "HTTPS_STR_MATCH", "x.example", 443, "/",
    ...                         "ok", 30, 3, ("us-east-1",))
    >>> [round(i.monthly_usd, 2) for i in probe_items(check, load_prices())]
    [0.75, 4.0]
    """
    features = probe_features(check)
    basic, extra = prices.health_check_usd, prices.health_check_feature_usd
    items = [LineItem("alarm", check.alarm_name, "Route 53 health check (basic)", 1, "health check", basic, basic)]
    if features:
        n = len(features)
        label = f"Route 53 health check options ({', '.join(features)})"
        items.append(LineItem("alarm", check.alarm_name, label, n, "option", extra, n * extra))
    return items


def every_minutes(schedule: str) -> int:
    """The minutes between runs of a ``rate(N minutes)`` schedule.

    >>> every_minutes("rate(5 minutes)"), every_minutes("rate(1 minute)")
    (5, 1)
    """
    match = _RATE.match(schedule)
    if match is None:
        raise ValueError(f"unsupported canary schedule {schedule!r} (expected rate(N minutes))")
    return int(match.group(1))


def canary_items(canary: CanaryPlan, prices: PriceTable) -> list[LineItem]:
    """The runs of a smoke-flow canary in a month, named by its alarm."""
    minutes = every_minutes(canary.schedule)
    runs = prices.logs.minutes_per_month / minutes
    run_usd = prices.canary_run_usd
    label = f"Synthetics canary runs (every {minutes} min)"
    return [LineItem("alarm", canary.alarm_name, label, runs, "run", run_usd, runs * run_usd)]


def action_items(alarm: MetricAlarmPlan | CompositeAlarmPlan, prices: PriceTable) -> list[LineItem]:
    """The automatic actions of one alarm, each at the price table's assumed runs a month (``alarm_actions``).

    >>> from vigil.cost.prices import load_prices
    >>> from vigil.plan.alarm_actions import AlarmActionPlan
    >>> from vigil.plan.types import NO_ACTIONS
    >>> a = MetricAlarmPlan("worker-down", "heartbeat", "P1", "", "LessThanThreshold", 3, None, "breaching", NO_ACTIONS,
    ...     automations=(AlarmActionPlan("ops_item", "ALARM", "arn:aws:ssm:us-east-1:1:opsitem:1"),))
    >>> [(i.item, i.quantity, round(i.monthly_usd, 4)) for i in action_items(a, load_prices())]
    [('OpsCenter OpsItems (assumed 10 a month)', 10.0, 0.0267)]
    """
    runs = prices.action_runs_per_month
    items: list[LineItem] = []
    for action in alarm.automations:
        if action.kind == "ops_item":
            usd = prices.opsitem_usd
            item, unit = f"OpsCenter OpsItems (assumed {runs:g} a month)", "OpsItem"
        elif action.kind in ("lambda", "restart"):
            usd = prices.lambda_request_usd
            item, unit = f"Lambda action requests (assumed {runs:g} a month)", "request"
        else:
            usd = 0.0
            item, unit = "Application Auto Scaling step policy (no charge; added tasks billed by ECS)", "policy"
        quantity = runs if action.kind != "scale" else 1.0
        items.append(LineItem("alarm", alarm.name, item, quantity, unit, usd, quantity * usd))
    return items
