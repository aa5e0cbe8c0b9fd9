"""``Alarms``: metric, math, anomaly, heartbeat, probe, composite and SLO burn-rate alarms with routed actions
and automatic ones (Lambda, OpsItem, scaling: :mod:`.alarm_actions`).

Probe alarms read the ``HealthCheckStatus`` of a Route 53 health check created here first; delivery-failure
alarms publish to the delivery-failure topic; composites may carry an actions suppressor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from vigil.plan.alarm_actions import AlarmActionPlan
from vigil.plan.naming import Naming
from vigil.plan.types import ActionsPlan, AlarmsPlan, CompositeAlarmPlan, MetricAlarmPlan, MetricQueryPlan
from vigil.spec.models.common import Severity

from .alarm_actions import action_arns, restarter, scalable_targets
from .canaries import artifact_bucket, canary
from .probes import health_check
from .providers import RegionalProviders


@dataclass(frozen=True)
class AlarmsArgs:
    """The planned alarms and the topic ARN of each routed severity."""

    plan: AlarmsPlan
    topic_arns: Mapping[Severity, pulumi.Input[str]]
    tags: Mapping[str, str] = field(default_factory=dict)
    delivery_topic_arn: pulumi.Input[str] | None = None


def metric_query(q: MetricQueryPlan) -> aws.cloudwatch.MetricAlarmMetricQueryArgsDict:
    """One ``metric_queries`` entry: a metric with its stat and period, or an expression."""
    entry: aws.cloudwatch.MetricAlarmMetricQueryArgsDict = {"id": q.id, "return_data": q.return_data}
    if q.label:
        entry["label"] = q.label
    if q.expression is not None:
        entry["expression"] = q.expression
    if q.metric is not None:
        entry["metric"] = {
            "namespace": q.metric.namespace,
            "metric_name": q.metric.metric_name,
            "dimensions": dict(q.metric.dimensions),
            "period": q.metric.period,
            "stat": q.metric.stat,
        }
    return entry


class Alarms(pulumi.ComponentResource):
    """Every planned alarm; composites depend on the alarms their rule references.

    Example::

        >>> args = AlarmsArgs(plan=stack_plan.alarms, topic_arns=routing.topic_arns)  # doctest: +SKIP
        >>> alarms = Alarms("alarms", args)  # doctest: +SKIP

    Attribute ``alarm_arns``: alarm name -> ARN.
    """

    alarm_arns: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: AlarmsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("vigil:alarms:Alarms", name, None, opts)
        self._topics = args.topic_arns
        self._delivery = args.delivery_topic_arn
        self._tags = dict(args.tags)
        route53 = RegionalProviders("route53", self)
        self._check_ids: dict[str, pulumi.Output[str]] = {
            c.alarm_name: health_check(c, self._tags, route53.options(c.region)).id for c in args.plan.health_checks
        }
        if args.plan.canaries:
            bucket = artifact_bucket(args.plan.canaries[0].bucket_name, self._tags, self)
            for plan in args.plan.canaries:
                canary(plan, bucket, self._tags, self)
        self._targets = scalable_targets(args.plan.scalable_targets, self._tags, self)
        self._restarter = restarter(args.plan.restarter, self._tags, self) if args.plan.restarter else None
        created: dict[str, pulumi.Resource] = {}
        self.alarm_arns = {}
        for alarm in args.plan.metric_alarms:
            resource = self._metric_alarm(alarm)
            created[alarm.name], self.alarm_arns[alarm.name] = resource, resource.arn
        for composite in args.plan.composite_alarms:
            needs = [*composite.children, *([composite.suppressor.alarm] if composite.suppressor else [])]
            after = [created[c] for c in needs if c in created]
            resource_c = self._composite(composite, after)
            created[composite.name], self.alarm_arns[composite.name] = resource_c, resource_c.arn
        # The count, not the 1,000 ARNs: registering every ARN as a component output costs more than it tells.
        self.register_outputs(
            {
                "alarm_count": len(self.alarm_arns),
                "health_check_count": len(self._check_ids),
                "canary_count": len(args.plan.canaries),
                "scalable_target_count": len(self._targets),
            }
        )

    def _actions(
        self, actions: ActionsPlan, automations: tuple[AlarmActionPlan, ...] = ()
    ) -> dict[str, list[pulumi.Input[str]]]:
        """The severity topic's actions, then the alarm's automatic ones (their permissions and policies made here)."""
        topic: pulumi.Input[str] | None = None
        if actions.target == "delivery":
            topic = self._delivery
        elif actions.severity is not None:
            topic = self._topics.get(actions.severity)
        extra = action_arns(automations, self._targets, self, self._restarter)
        if topic is None:
            return extra
        return {
            "alarm_actions": ([topic] if actions.alarm else []) + extra["alarm_actions"],
            "ok_actions": ([topic] if actions.ok else []) + extra["ok_actions"],
            "insufficient_data_actions": ([topic] if actions.insufficient_data else [])
            + extra["insufficient_data_actions"],
        }

    def _metric_alarm(self, a: MetricAlarmPlan) -> aws.cloudwatch.MetricAlarm:
        actions = self._actions(a.actions, a.automations)
        single = a.metric is not None and not a.metric_queries
        dimensions: dict[str, pulumi.Input[str]] | None = dict(a.metric.dimensions) if single and a.metric else None
        if a.name in self._check_ids and dimensions is not None:
            dimensions["HealthCheckId"] = self._check_ids[a.name]
        return aws.cloudwatch.MetricAlarm(
            Naming.logical("alarm", a.name),
            name=a.name,
            alarm_description=a.description,
            comparison_operator=a.comparison_operator,
            evaluation_periods=a.evaluation_periods,
            datapoints_to_alarm=a.datapoints_to_alarm,
            threshold=a.threshold,
            threshold_metric_id=a.threshold_metric_id,
            treat_missing_data=a.treat_missing_data,
            namespace=a.metric.namespace if single and a.metric else None,
            metric_name=a.metric.metric_name if single and a.metric else None,
            dimensions=dimensions,
            period=a.metric.period if single and a.metric else None,
            statistic=a.statistic if single else None,
            extended_statistic=a.extended_statistic if single else None,
            evaluate_low_sample_count_percentiles=a.evaluate_low_sample_count_percentile,
            metric_queries=[metric_query(q) for q in a.metric_queries] or None,
            actions_enabled=True,
            alarm_actions=actions["alarm_actions"],
            ok_actions=actions["ok_actions"],
            insufficient_data_actions=actions["insufficient_data_actions"],
            tags={**self._tags, **a.tags},
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _composite(self, a: CompositeAlarmPlan, after: list[pulumi.Resource]) -> aws.cloudwatch.CompositeAlarm:
        actions = self._actions(a.actions, a.automations)
        return aws.cloudwatch.CompositeAlarm(
            Naming.logical("composite-alarm", a.name),
            alarm_name=a.name,
            alarm_description=a.description,
            alarm_rule=a.alarm_rule,
            actions_enabled=True,
            alarm_actions=actions["alarm_actions"],
            ok_actions=actions["ok_actions"],
            insufficient_data_actions=actions["insufficient_data_actions"],
            actions_suppressor=(
                {
                    "alarm": a.suppressor.alarm,
                    "wait_period": a.suppressor.wait_period,
                    "extension_period": a.suppressor.extension_period,
                }
                if a.suppressor
                else None
            ),
            tags={**self._tags, **a.tags},
            opts=pulumi.ResourceOptions(parent=self, depends_on=after),
        )
