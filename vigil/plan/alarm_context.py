"""What every alarm planner shares: the :class:`AlarmContext` and :func:`metric_alarm`, the one builder of
the fields every metric alarm kind has (name, description with links, actions, tags).

The kind planners (``alarms``, ``canary``, ``probes``, ``slo``) import this module; it imports none of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from vigil.plan.alarm_actions import plan_actions
from vigil.plan.dashboards import dashboard_url
from vigil.plan.errors import PlanError
from vigil.plan.naming import Naming
from vigil.plan.restarter import restarter_name
from vigil.plan.types import (
    NO_ACTIONS,
    ActionsPlan,
    MetricAlarmPlan,
    MetricQueryPlan,
    MetricStatPlan,
    RoutingPlan,
    StackContext,
)
from vigil.spec import limits
from vigil.spec.enums import convert
from vigil.spec.models.alarms import AlarmBase, MetricRef, StaticAlarm
from vigil.spec.models.common import Severity
from vigil.spec.models.dashboards import AlarmStatusWidget
from vigil.spec.models.project import Project
from vigil.spec.slo import page_alarm_names

#: CloudWatch's limit on AlarmDescription.
MAX_DESCRIPTION = limits.ALARM_DESCRIPTION.value
#: In a description, replaced by the alarm's threshold in this stack (after ``vigil:overrides``).
THRESHOLD = "${threshold}"
STANDARD_STATISTICS = frozenset({"SampleCount", "Average", "Sum", "Minimum", "Maximum"})
_PERCENTILE = re.compile(r"^(p|tm|wm|tc|ts|pr|iqm)", re.IGNORECASE)


@dataclass(frozen=True)
class AlarmContext:
    """What every alarm planner needs besides the alarm itself."""

    ctx: StackContext
    names: Naming
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
        dims = {k: self.ctx.render(v, service) for k, v in sorted(ref.dimensions.items())}
        return MetricStatPlan(ref.namespace, ref.metric, dims, ref.period or period, ref.statistic)

    def expression(self, expression: str) -> str:
        """A metric math expression with the stack's values in it (``${ai_daily_budget_usd}``)."""
        try:
            return self.ctx.render(expression)
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

    def threshold_in_metric_unit(self, name: str, alarm: StaticAlarm) -> tuple[float, str]:
        """The threshold in the unit the metric is published in, and a note saying so when it was converted.

        CloudWatch compares datapoints in the metric's unit (an alarm's own ``Unit`` would only filter datapoints),
        so ``unit: Milliseconds, threshold: 600`` on a metric in Seconds deploys ``Threshold: 0.6``.
        """
        spec = self.project.namespaces.get(alarm.metric.namespace)
        declared = spec.metrics.get(alarm.metric.metric) if spec is not None else None
        if alarm.unit is None or declared is None or alarm.unit == declared.unit:
            return alarm.threshold, ""
        converted = convert(alarm.threshold, alarm.unit, declared.unit)
        if converted is None:
            raise PlanError(f"alarm {name!r}: cannot convert a threshold in {alarm.unit} to {declared.unit}")
        return converted, f"(threshold {alarm.threshold:g} {alarm.unit} = {converted:g} {declared.unit})"

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
    note: str = "",
    shown_threshold: float | None = None,
) -> MetricAlarmPlan:
    """A metric alarm with the fields every kind shares filled from the spec (name, actions, tags...).

    ``note`` is appended to the description (e.g. how the threshold was converted to the metric's unit);
    ``${threshold}`` in it shows ``shown_threshold`` (the spec's number, in the spec's unit) when given.
    """
    statistic, extended = split_statistic(metric.stat) if metric is not None else (None, None)
    shown = shown_threshold if shown_threshold is not None else threshold
    text = alarm.description.replace(THRESHOLD, f"{shown:g}") if shown is not None else alarm.description
    physical = ac.names.alarm_name(name)
    return MetricAlarmPlan(
        name=physical,
        kind=kind,
        severity=alarm.severity,
        description=ac.description(
            alarm.severity,
            f"{text.strip()} {note}".strip(),
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
        spec_name=name,
        automations=plan_actions(ac.ctx, physical, alarm.actions, comparison_operator, restarter_name(ac.names)),
    )
