"""Plan of an SLO: per window pair, two child ratio alarms (short, long) and one composite that pages.

Each child is the metric math ``FILL(bad, 0) / total`` summed over one window (``period`` = the window,
one evaluation period, threshold = the burn-rate ratio, no actions). The composite
``ALARM(short) AND ALARM(long)`` carries the name of the window pair and the severity's actions.
"""

from __future__ import annotations

from vigil.plan.alarm_context import AlarmContext
from vigil.plan.types import NO_ACTIONS, CompositeAlarmPlan, MetricAlarmPlan, MetricQueryPlan
from vigil.spec.models.alarms import SloSpec
from vigil.spec.slo import BurnRateAlarm, expand_slo, window_label

RATIO_EXPRESSION = "FILL(bad, 0) / total"


def _child(ac: AlarmContext, slo_name: str, slo: SloSpec, burn: BurnRateAlarm, window: int) -> MetricAlarmPlan:
    short = window == burn.window.short
    name = burn.short_name if short else burn.long_name
    label = window_label(window)
    service = ac.service(slo.total.namespace)
    queries = (
        MetricQueryPlan(id="bad", return_data=False, metric=ac.metric(slo.bad, window)),
        MetricQueryPlan(id="total", return_data=False, metric=ac.metric(slo.total, window)),
        MetricQueryPlan(id="ratio", return_data=True, expression=RATIO_EXPRESSION, label=f"error ratio over {label}"),
    )
    text = (
        f"SLO {slo_name} ({slo.objective:g}%): error ratio over {label} above {burn.threshold:g} "
        f"({burn.window.factor:g}x burn). Child of {ac.names.alarm_name(burn.name)}; no actions of its own."
    )
    return MetricAlarmPlan(
        name=ac.names.alarm_name(name),
        kind="slo-window",
        severity=burn.severity,
        description=ac.description(burn.severity, text, slo.runbook, spec_name=slo_name),
        comparison_operator="GreaterThanThreshold",
        evaluation_periods=1,
        datapoints_to_alarm=None,
        treat_missing_data="notBreaching",
        actions=NO_ACTIONS,
        threshold=burn.threshold,
        metric_queries=queries,
        tags={**ac.tags(burn.severity, service, dict(slo.tags)), "slo": slo_name},
        spec_name=name,
    )


def plan_slo(ac: AlarmContext, name: str, slo: SloSpec) -> tuple[list[MetricAlarmPlan], list[CompositeAlarmPlan]]:
    """The child metric alarms and the paging composites of one SLO (3 alarms per window pair)."""
    children: list[MetricAlarmPlan] = []
    parents: list[CompositeAlarmPlan] = []
    service = ac.service(slo.total.namespace)
    for burn in expand_slo(name, slo):
        short = _child(ac, name, slo, burn, burn.window.short)
        long = _child(ac, name, slo, burn, burn.window.long)
        children.extend((short, long))
        text = (
            f"SLO {name} ({slo.objective:g}%) {burn.tier}: error budget burning {burn.window.factor:g}x over both "
            f"{window_label(burn.window.short)} and {window_label(burn.window.long)}. {slo.description}"
        )
        parents.append(
            CompositeAlarmPlan(
                name=ac.names.alarm_name(burn.name),
                kind="slo",
                severity=burn.severity,
                description=ac.description(burn.severity, text, slo.runbook, spec_name=name),
                alarm_rule=f'ALARM("{short.name}") AND ALARM("{long.name}")',
                children=(short.name, long.name),
                actions=ac.actions(burn.severity, slo.notify_pages or burn.tier != "page"),
                tags={**ac.tags(burn.severity, service, dict(slo.tags)), "slo": name},
                spec_name=burn.name,
            )
        )
    return children, parents
