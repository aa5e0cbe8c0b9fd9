"""Plan of every alarm: static, math, anomaly, heartbeat, composite, and SLO burn-rate alarms."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property

from vigil.plan.canary import plan_canary
from vigil.plan.dashboards import dashboard_url
from vigil.plan.errors import PlanError
from vigil.plan.probes import plan_delivery_alarms, plan_probe
from vigil.plan.rules import render_rule
from vigil.plan.slo import plan_slo
from vigil.plan.types import (
    NO_ACTIONS,
    ActionsPlan,
    AlarmsPlan,
    CanaryPlan,
    CompositeAlarmPlan,
    HealthCheckPlan,
    MetricAlarmPlan,
    MetricQueryPlan,
    MetricStatPlan,
    Namer,
    RoutingPlan,
    StackContext,
    SuppressorPlan,
)
from vigil.spec.models.alarms import (
    AlarmBase,
    AnomalyAlarm,
    CanaryAlarm,
    CompositeAlarm,
    HeartbeatAlarm,
    MathAlarm,
    MetricRef,
    ProbeAlarm,
    StaticAlarm,
)
from vigil.spec.models.common import Severity, render_template
from vigil.spec.models.dashboards import AlarmStatusWidget
from vigil.spec.models.project import Project
from vigil.spec.slo import page_alarm_names

#: CloudWatch's limit on AlarmDescription.
MAX_DESCRIPTION = 1024
#: In a description, replaced by the alarm's threshold in this stack (after ``vigil:overrides``).
THRESHOLD = "${threshold}"
STANDARD_STATISTICS = frozenset({"SampleCount", "Average", "Sum", "Minimum", "Maximum"})
_PERCENTILE = re.compile(r"^(p|tm|wm|tc|ts|pr|iqm)", re.IGNORECASE)


@dataclass(frozen=True)
class AlarmContext:
    """What every alarm planner needs besides the alarm itself."""

    ctx: StackContext
    names: Namer
    project: Project
    routing: RoutingPlan

    @cached_property
    def rule_names(self) -> tuple[dict[str, str], dict[str, tuple[str, ...]], frozenset[str]]:
        """What composite rules may reference, computed once per plan: enabled alarms (spec -> physical name),
        SLOs (name -> their page alarms), and alarms absent from this stack (disabled, or traffic-only)."""
        enabled = self.project.enabled_alarms()
        alarm_names = {n: self.names.alarm_name(n) for n in enabled}
        slo_alarms = {
            n: tuple(self.names.alarm_name(a) for a in page_alarm_names(n, slo))
            for n, slo in self.project.enabled_slos().items()
        }
        return alarm_names, slo_alarms, frozenset(n for n in self.project.alarms if n not in enabled)

    def service(self, namespace: str) -> str:
        """The service that emits a namespace (the namespace itself when it is not in the catalog)."""
        spec = self.project.namespaces.get(namespace)
        return spec.service if spec is not None else namespace

    def metric(self, ref: MetricRef, period: int) -> MetricStatPlan:
        """A catalog metric with its dimension templates rendered for this stack."""
        service = self.service(ref.namespace)
        dims = {
            k: render_template(
                v,
                environment=self.ctx.environment,
                service=service,
                stack=self.ctx.stack,
                ecs_cluster=self.ctx.ecs_cluster,
            )
            for k, v in sorted(ref.dimensions.items())
        }
        return MetricStatPlan(ref.namespace, ref.metric, dims, ref.period or period, ref.statistic)

    def expression(self, expression: str) -> str:
        """A metric math expression with the stack's values in it (``${ai_daily_budget_usd}``)."""
        try:
            return render_template(
                expression,
                environment=self.ctx.environment,
                stack=self.ctx.stack,
                ecs_cluster=self.ctx.ecs_cluster,
                ai_daily_budget_usd=self.ctx.ai_daily_budget_usd,
            )
        except ValueError as exc:
            raise PlanError(f"stack {self.ctx.stack!r}: {exc}") from None

    def actions(self, severity: Severity, notify: bool = True) -> ActionsPlan:
        """The actions of a severity's topic (none when the alarm does not notify on its own, the severity is
        not routed, or nobody listens)."""
        topic = self.routing.topic(severity)
        if not notify or topic is None or not topic.alarm_actions:
            return NO_ACTIONS
        return ActionsPlan(severity, True, topic.ok_actions, topic.insufficient_data_actions)

    def dashboard_url(self, spec_name: str, dashboard: str | None) -> str | None:
        """The console URL of ``dashboard``, or else of the first dashboard whose alarm widget shows the alarm."""
        if dashboard is None:
            shows = (
                d
                for d, spec in sorted(self.project.dashboards.items())
                for w in spec.widgets
                if isinstance(w, AlarmStatusWidget) and spec_name in w.alarms
            )
            dashboard = next(shows, None)
        if dashboard is None or dashboard not in self.project.dashboards:
            return None
        return dashboard_url(self.ctx.region, self.names.dashboard_name(dashboard))

    def runbook_url(self, runbook: str | None) -> str | None:
        """An https runbook as is; a project path published under the stack's runbook base URL."""
        if runbook is None or runbook.startswith("https://"):
            return runbook
        base = self.ctx.runbook_base_url
        return f"{base.rstrip('/')}/{runbook.lstrip('./')}" if base else runbook

    def description(
        self, severity: Severity, text: str, runbook: str | None, *, spec_name: str = "", dashboard: str | None = None
    ) -> str:
        """``[P1] text Runbook: <url> Dashboard: <url>``, cut to CloudWatch's 1024 characters (links kept whole).

        The text says what broke, the impact and the first step; the links are where on-call goes next.
        """
        url = self.runbook_url(runbook)
        board = self.dashboard_url(spec_name, dashboard) if spec_name or dashboard else None
        tail = (f" Runbook: {url}" if url else "") + (f" Dashboard: {board}" if board else "")
        head = f"[{severity.value}] {text.strip()}".rstrip()
        room = MAX_DESCRIPTION - len(tail)
        if len(head) > room:
            head = head[: max(room - 1, 0)] + "…"
        return (head + tail)[:MAX_DESCRIPTION]

    def tags(self, severity: Severity, service: str, extra: dict[str, str]) -> dict[str, str]:
        """User tags, then the ones Vigil owns (severity, service, managed-by, stack)."""
        return {**extra, "severity": severity.value, "service": service, "managed-by": "vigil", "stack": self.ctx.stack}


def split_statistic(stat: str) -> tuple[str | None, str | None]:
    """``(statistic, extended_statistic)``: standard statistics go first, percentiles and trimmed ones second.

    >>> split_statistic("Sum"), split_statistic("p99")
    (('Sum', None), (None, 'p99'))
    """
    if stat in STANDARD_STATISTICS:
        return stat, None
    if _PERCENTILE.match(stat):
        return None, stat
    raise PlanError(f"unknown statistic {stat!r}")


def metric_alarm(
    ac: AlarmContext,
    name: str,
    alarm: AlarmBase,
    service: str,
    *,
    kind: str,
    comparison_operator: str,
    threshold: float | None = None,
    threshold_metric_id: str | None = None,
    metric: MetricStatPlan | None = None,
    metric_queries: tuple[MetricQueryPlan, ...] = (),
) -> MetricAlarmPlan:
    """A metric alarm with the fields every kind shares filled from the spec (name, actions, tags...)."""
    statistic, extended = split_statistic(metric.stat) if metric is not None else (None, None)
    return MetricAlarmPlan(
        name=ac.names.alarm_name(name),
        kind=kind,
        severity=alarm.severity,
        description=ac.description(
            alarm.severity,
            alarm.description.replace(THRESHOLD, f"{threshold:g}") if threshold is not None else alarm.description,
            alarm.runbook,
            spec_name=name,
            dashboard=alarm.dashboard,
        ),
        comparison_operator=comparison_operator,
        evaluation_periods=alarm.evaluation_periods,
        datapoints_to_alarm=alarm.datapoints_to_alarm,
        treat_missing_data="breaching" if alarm.traffic == "expected" else alarm.treat_missing_data,
        actions=ac.actions(alarm.severity, alarm.notify),
        threshold=threshold,
        threshold_metric_id=threshold_metric_id,
        metric=metric,
        statistic=statistic,
        extended_statistic=extended,
        metric_queries=metric_queries,
        tags=ac.tags(alarm.severity, service, dict(alarm.tags)),
    )


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
    return metric_alarm(
        ac,
        name,
        alarm,
        service,
        kind="static",
        comparison_operator=alarm.comparison,
        threshold=alarm.threshold,
        metric=metric,
    )


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
            alarm.severity, alarm.description, alarm.runbook, spec_name=name, dashboard=alarm.dashboard
        ),
        alarm_rule=rule,
        children=children,
        actions=ac.actions(alarm.severity, alarm.notify),
        tags=ac.tags(alarm.severity, alarm.tags.get("service", "platform"), dict(alarm.tags)),
        suppressor=suppressor,
    )


def plan_alarms(ctx: StackContext, names: Namer, project: Project, routing: RoutingPlan) -> AlarmsPlan:
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
    return AlarmsPlan(
        tuple(metric), tuple(slo_composites) + _composite_order(composites), tuple(checks), tuple(canaries)
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
