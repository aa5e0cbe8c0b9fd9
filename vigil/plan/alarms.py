"""Plan of every alarm: static, math, anomaly, heartbeat, composite, and SLO burn-rate alarms."""

from __future__ import annotations

from dataclasses import replace

from vigil.plan.alarm_actions import plan_actions, scalable_targets
from vigil.plan.alarm_context import AlarmContext, metric_alarm
from vigil.plan.alarm_rules import composite_rule_words, render_rule
from vigil.plan.canary import plan_canary
from vigil.plan.errors import PlanError
from vigil.plan.naming import Naming
from vigil.plan.probes import plan_delivery_alarms, plan_probe
from vigil.plan.restarter import plan_restarter, restarter_name
from vigil.plan.slo import plan_slo
from vigil.plan.types import (
    AlarmsPlan,
    CanaryPlan,
    CompositeAlarmPlan,
    HealthCheckPlan,
    MetricAlarmPlan,
    MetricQueryPlan,
    RoutingPlan,
    StackContext,
    SuppressorPlan,
)
from vigil.spec.models.alarms import (
    AnomalyAlarm,
    CanaryAlarm,
    CompositeAlarm,
    HeartbeatAlarm,
    MathAlarm,
    ProbeAlarm,
    StaticAlarm,
)
from vigil.spec.models.project import Project

#: Retention of the restart function's own log group when the stack sets no ``vigil:retention_days``.
DEFAULT_FUNCTION_LOG_DAYS = 30
#: In a composite's description: its rule as this stack plans it (``vigil.plan.alarm_rules.composite_rule_words``).
RULE = "${rule}"


def plan_static(ac: AlarmContext, name: str, alarm: StaticAlarm | HeartbeatAlarm) -> MetricAlarmPlan:
    """One metric and statistic against a threshold; a heartbeat is ``Sum < min_count``, missing = breaching."""
    metric = ac.metric(alarm.metric, alarm.period)
    service = ac.service(alarm.metric.namespace)
    if isinstance(alarm, HeartbeatAlarm):
        metric = replace(metric, stat="Sum")
        return metric_alarm(
            ac,
            name,
            alarm,
            service,
            kind="heartbeat",
            comparison_operator="LessThanThreshold",
            threshold=alarm.min_count,
            metric=metric,
        )
    threshold, note = ac.threshold_in_metric_unit(name, alarm)
    planned = metric_alarm(
        ac,
        name,
        alarm,
        service,
        kind="static",
        comparison_operator=alarm.comparison,
        threshold=threshold,
        metric=metric,
        note=note,
        shown_threshold=alarm.threshold,
    )
    low_samples = alarm.evaluate_low_sample_count_percentile
    return replace(planned, evaluate_low_sample_count_percentile=low_samples) if low_samples else planned


def _expression_id(taken: set[str]) -> str:
    return next(i for i in ("e1", "expr", "result", "e_1") if i not in taken)


def plan_math(ac: AlarmContext, name: str, alarm: MathAlarm) -> MetricAlarmPlan:
    """Metric queries for each metric (``return_data`` false) and the expression (the only one returned)."""
    queries = [
        MetricQueryPlan(id=mid, return_data=False, metric=ac.metric(ref, alarm.period))
        for mid, ref in sorted(alarm.metrics.items())
    ]
    eid = _expression_id(set(alarm.metrics))
    expression = ac.expression(alarm.expression)
    queries.append(MetricQueryPlan(id=eid, return_data=True, expression=expression, label=alarm.label or name))
    service = ac.service(next(iter(alarm.metrics.values())).namespace)
    return metric_alarm(
        ac,
        name,
        alarm,
        service,
        kind="math",
        comparison_operator=alarm.comparison,
        threshold=alarm.threshold,
        metric_queries=tuple(queries),
    )


def plan_anomaly(ac: AlarmContext, name: str, alarm: AnomalyAlarm) -> MetricAlarmPlan:
    """``ANOMALY_DETECTION_BAND(m1, band)`` as the threshold metric of the alarm on ``m1``."""
    queries = (
        MetricQueryPlan(id="m1", return_data=True, metric=ac.metric(alarm.metric, alarm.period)),
        MetricQueryPlan(
            id="ad1",
            return_data=True,
            expression=f"ANOMALY_DETECTION_BAND(m1, {alarm.band:g})",
            label=f"{alarm.metric.metric} (expected)",
        ),
    )
    service = ac.service(alarm.metric.namespace)
    return metric_alarm(
        ac,
        name,
        alarm,
        service,
        kind="anomaly",
        comparison_operator=alarm.comparison,
        threshold_metric_id="ad1",
        metric_queries=queries,
    )


def plan_composite(ac: AlarmContext, name: str, alarm: CompositeAlarm) -> CompositeAlarmPlan:
    """The rule over enabled alarms and SLOs, with the severity's actions."""
    alarm_names, slo_alarms, absent = ac.rule_names
    rule, children = render_rule(alarm.rule, alarm_names=alarm_names, slo_alarms=slo_alarms, owner=name, absent=absent)
    sup = alarm.suppressor
    suppressor = SuppressorPlan(ac.names.alarm_name(sup.alarm), sup.wait_period, sup.extension_period) if sup else None
    return CompositeAlarmPlan(
        name=ac.names.alarm_name(name),
        kind="composite",
        severity=alarm.severity,
        description=ac.description(
            alarm.severity,
            alarm.description.replace(RULE, composite_rule_words(ac.project, name)),
            alarm.runbook,
            spec_name=name,
            dashboard=alarm.dashboard,
        ),
        alarm_rule=rule,
        children=children,
        actions=ac.actions(alarm.severity, alarm.notify),
        tags=ac.tags(alarm.severity, alarm.tags.get("service", "platform"), dict(alarm.tags)),
        suppressor=suppressor,
        spec_name=name,
        automations=plan_actions(ac.ctx, ac.names.alarm_name(name), alarm.actions, None, restarter_name(ac.names)),
    )


def plan_alarms(ctx: StackContext, names: Naming, project: Project, routing: RoutingPlan) -> AlarmsPlan:
    """Plan every enabled alarm and SLO of the project, sorted by name within each group.

    Composite alarms come after the metric alarms and SLO composites they reference, so creating them
    in order never references a missing alarm.
    """
    ac = AlarmContext(ctx, names, project, routing)
    metric: list[MetricAlarmPlan] = []
    slo_composites: list[CompositeAlarmPlan] = []
    composites: list[CompositeAlarmPlan] = []
    checks: list[HealthCheckPlan] = []
    canaries: list[CanaryPlan] = []
    for name, alarm in sorted(project.enabled_alarms().items()):
        if isinstance(alarm, CanaryAlarm):
            canary, canary_alarm = plan_canary(ac, name, alarm)
            canaries.append(canary)
            metric.append(canary_alarm)
        elif isinstance(alarm, ProbeAlarm):
            check, probe_alarm = plan_probe(ac, name, alarm)
            checks.append(check)
            metric.append(probe_alarm)
        elif isinstance(alarm, StaticAlarm | HeartbeatAlarm):
            metric.append(plan_static(ac, name, alarm))
        elif isinstance(alarm, MathAlarm):
            metric.append(plan_math(ac, name, alarm))
        elif isinstance(alarm, AnomalyAlarm):
            metric.append(plan_anomaly(ac, name, alarm))
        else:
            composites.append(plan_composite(ac, name, alarm))
    for name, slo in sorted(project.enabled_slos().items()):
        children, parents = plan_slo(ac, name, slo)
        metric.extend(children)
        slo_composites.extend(parents)
    metric.extend(plan_delivery_alarms(ac))
    targets = scalable_targets(a for m in metric for a in m.automations)
    planned: list[MetricAlarmPlan | CompositeAlarmPlan] = [*metric, *composites]
    restarts = {alarm.name: a.restart for alarm in planned for a in alarm.automations if a.restart}
    stack = project.stack
    retention = stack.retention_days if stack is not None and stack.retention_days else DEFAULT_FUNCTION_LOG_DAYS
    return AlarmsPlan(
        tuple(metric),
        tuple(slo_composites) + _composite_order(composites),
        tuple(checks),
        tuple(canaries),
        scalable_targets=targets,
        restarter=plan_restarter(ac.ctx, names, restarts, retention),
    )


def _composite_order(composites: list[CompositeAlarmPlan]) -> tuple[CompositeAlarmPlan, ...]:
    """Composites referencing other composites come after them (cycles are rejected by validation)."""
    done: dict[str, CompositeAlarmPlan] = {}
    pending = {c.name: c for c in composites}
    while pending:
        ready = [c for c in pending.values() if all(ch in done or ch not in pending for ch in c.children)]
        if not ready:
            raise PlanError(f"composite alarms reference each other in a cycle: {sorted(pending)}")
        for c in ready:
            done[c.name] = pending.pop(c.name)
    return tuple(done.values())
