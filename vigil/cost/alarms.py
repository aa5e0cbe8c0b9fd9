"""Alarm pricing: per alarm metric (standard or high resolution), anomaly bands, composites and SLO pairs.

CloudWatch bills a metric alarm per metric it queries: a static or heartbeat alarm is one metric, a metric math
alarm one per metric in its ``metrics`` (expressions are free), an anomaly detection alarm three (the metric
and the band's upper and lower bounds). An alarm metric evaluated with a 10 s or 30 s period is a
high-resolution alarm metric; storage resolution alone does not make it one. A composite alarm is a flat price.
Each SLO window pair is two metric math alarms over ``bad`` and ``total`` (``<pair>-short``, ``<pair>-long``)
and one composite (``<pair>``), with the names of :func:`vigil.spec.slo.expand_slo`. Disabled alarms and SLOs
are not provisioned and cost nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from vigil.cost.prices import PriceTable
from vigil.cost.report import LineItem
from vigil.spec.models import (
    Alarm,
    AnomalyAlarm,
    CanaryAlarm,
    CompositeAlarm,
    HeartbeatAlarm,
    MathAlarm,
    MetricRef,
    ProbeAlarm,
    Project,
    SloSpec,
    StaticAlarm,
)
from vigil.spec.slo import expand_slo

#: Periods below this many seconds make an alarm metric high resolution.
HIGH_RESOLUTION_BELOW_SECONDS = 60


def _periods(alarm: StaticAlarm | MathAlarm | AnomalyAlarm | HeartbeatAlarm) -> list[int]:
    """The evaluation period of every metric the alarm queries (a reference's own period wins)."""
    refs: Iterable[MetricRef] = alarm.metrics.values() if isinstance(alarm, MathAlarm) else (alarm.metric,)
    return [ref.period or alarm.period for ref in refs]


def _metric_alarm_items(
    name: str, periods: list[int], per_metric: int, label: str, prices: PriceTable
) -> list[LineItem]:
    """Line items of one metric alarm: standard and high-resolution alarm metrics, each if present."""
    high = sum(1 for p in periods if p < HIGH_RESOLUTION_BELOW_SECONDS) * per_metric
    standard = len(periods) * per_metric - high
    items: list[LineItem] = []
    for count, tier, usd in (
        (standard, "standard", prices.alarm_standard_metric_usd),
        (high, "high-resolution", prices.alarm_high_resolution_metric_usd),
    ):
        if count:
            items.append(LineItem("alarm", name, f"{label} ({tier})", count, "alarm metric", usd, count * usd))
    return items


def alarm_items(name: str, alarm: Alarm, prices: PriceTable) -> list[LineItem]:
    """Line items of one alarm spec, priced by kind.

    >>> from vigil.cost.prices import load_prices
    >>> from vigil.spec.models import HeartbeatAlarm
    >>> ref = {"namespace": "Vigil/Worker", "metric": "worker.heartbeat"}
    >>> [i.monthly_usd for i in alarm_items("worker-down", HeartbeatAlarm(kind="heartbeat", severity="P1",
    ...                                      metric=ref), load_prices())]
    [0.1]
    """
    if isinstance(alarm, ProbeAlarm):  # without the stack's URL: priced as an https probe
        from vigil.cost.alerting import probe_items

        return probe_items(name, alarm, Project(), prices)
    if isinstance(alarm, CanaryAlarm):
        from vigil.cost.alerting import canary_items

        return canary_items(name, alarm, prices)
    if isinstance(alarm, CompositeAlarm):
        usd = prices.composite_alarm_usd
        return [LineItem("alarm", name, "composite alarm", 1, "alarm", usd, usd)]
    if isinstance(alarm, AnomalyAlarm):
        per_metric, label = prices.anomaly_metrics_per_alarm, "anomaly band alarm metrics"
    elif isinstance(alarm, MathAlarm):
        per_metric, label = 1, "metric math alarm metrics"
    else:
        per_metric, label = 1, f"{alarm.kind} alarm metrics"
    return _metric_alarm_items(name, _periods(alarm), per_metric, label, prices)


def slo_items(name: str, slo: SloSpec, prices: PriceTable) -> list[LineItem]:
    """Line items of one SLO: per window pair, two child metric math alarms and one composite."""
    periods = [slo.bad.period or HIGH_RESOLUTION_BELOW_SECONDS, slo.total.period or HIGH_RESOLUTION_BELOW_SECONDS]
    composite = prices.composite_alarm_usd
    items: list[LineItem] = []
    for pair in expand_slo(name, slo):
        items.append(LineItem("alarm", pair.name, "SLO burn-rate composite alarm", 1, "alarm", composite, composite))
        for child in (pair.short_name, pair.long_name):
            items.extend(_metric_alarm_items(child, periods, 1, "SLO burn-rate alarm metrics", prices))
    return items


def project_alarm_items(project: Project, prices: PriceTable) -> list[LineItem]:
    """Line items of every enabled alarm and SLO of the project, probes and delivery-failure alarms included."""
    from vigil.cost.alerting import canary_items, delivery_items, probe_items

    items: list[LineItem] = []
    for name, alarm in project.enabled_alarms().items():
        if isinstance(alarm, ProbeAlarm):
            items.extend(probe_items(name, alarm, project, prices))
        elif isinstance(alarm, CanaryAlarm):
            items.extend(canary_items(name, alarm, prices))
        else:
            items.extend(alarm_items(name, alarm, prices))
    items.extend(delivery_items(project, prices))
    for name, slo in project.enabled_slos().items():
        items.extend(slo_items(name, slo, prices))
    return items
