"""Alarm pricing, read from the plan: per alarm metric (standard or high resolution), anomaly bands, composites.

CloudWatch bills a metric alarm per metric it queries: an alarm on one metric is one, a metric math alarm one per
metric query (expressions are free), an anomaly detection alarm three (the metric and the band's upper and lower
bounds). An alarm metric evaluated with a 10 s or 30 s period is a high-resolution alarm metric; storage
resolution alone does not make it one. A composite alarm is a flat price. Whatever the plan creates is priced
(SLO window alarms and their composites, probe, canary and delivery-failure alarms) under the name it creates;
disabled alarms are not in the plan and cost nothing.
"""

from __future__ import annotations

from vigil.cost.alerting import action_items, canary_items, probe_items
from vigil.cost.items import LineItem
from vigil.cost.prices import PriceTable
from vigil.plan.types import AlarmsPlan, CompositeAlarmPlan, MetricAlarmPlan

#: Periods below this many seconds make an alarm metric high resolution.
HIGH_RESOLUTION_BELOW_SECONDS = 60

#: What a metric alarm kind's alarm metrics are called in the report.
LABELS = {
    "math": "metric math alarm metrics",
    "anomaly": "anomaly band alarm metrics",
    "slo-window": "SLO burn-rate alarm metrics",
}


def _periods(alarm: MetricAlarmPlan) -> list[int]:
    """The period of every metric the alarm queries (expressions are free)."""
    if alarm.metric is not None:
        return [alarm.metric.period]
    return [q.metric.period for q in alarm.metric_queries if q.metric is not None]


def metric_alarm_items(alarm: MetricAlarmPlan, prices: PriceTable) -> list[LineItem]:
    """Standard and high-resolution alarm metrics of one planned metric alarm, each if present.

    >>> from vigil.cost.prices import load_prices
    >>> from vigil.plan.types import MetricStatPlan, NO_ACTIONS
    >>> from vigil.spec.models.common import Severity
    >>> metric = MetricStatPlan("Vigil/Worker", "worker.heartbeat", {}, 10, "Sum")
    >>> alarm = MetricAlarmPlan("vigil-dev-worker-down", "heartbeat", Severity.P1, "", "LessThanThreshold", 3, None,
    ...                         "breaching", NO_ACTIONS, threshold=1, metric=metric, statistic="Sum")
    >>> [(i.item, i.monthly_usd) for i in metric_alarm_items(alarm, load_prices())]
    [('heartbeat alarm metrics (high-resolution)', 0.3)]
    """
    per_metric = prices.anomaly_metrics_per_alarm if alarm.kind == "anomaly" else 1
    label = LABELS.get(alarm.kind, f"{alarm.kind} alarm metrics")
    periods = _periods(alarm)
    high = sum(1 for p in periods if p < HIGH_RESOLUTION_BELOW_SECONDS) * per_metric
    standard = len(periods) * per_metric - high
    items: list[LineItem] = []
    for count, tier, usd in (
        (standard, "standard", prices.alarm_standard_metric_usd),
        (high, "high-resolution", prices.alarm_high_resolution_metric_usd),
    ):
        if count:
            items.append(LineItem("alarm", alarm.name, f"{label} ({tier})", count, "alarm metric", usd, count * usd))
    return items


def composite_items(alarm: CompositeAlarmPlan, prices: PriceTable) -> list[LineItem]:
    """A composite alarm's flat price (an SLO's paging composite is labelled as such)."""
    usd = prices.composite_alarm_usd
    label = "SLO burn-rate composite alarm" if alarm.kind == "slo" else "composite alarm"
    return [LineItem("alarm", alarm.name, label, 1, "alarm", usd, usd)]


def alarm_items(alarms: AlarmsPlan, prices: PriceTable) -> list[LineItem]:
    """Line items of every planned alarm, health check, canary and automatic alarm action."""
    items = [i for a in alarms.metric_alarms for i in metric_alarm_items(a, prices)]
    items += [i for a in alarms.composite_alarms for i in composite_items(a, prices)]
    items += [i for c in alarms.health_checks for i in probe_items(c, prices)]
    items += [i for c in alarms.canaries for i in canary_items(c, prices)]
    items += [i for a in alarms.metric_alarms for i in action_items(a, prices)]
    items += [i for c in alarms.composite_alarms for i in action_items(c, prices)]
    return items
