"""Apply a plan to an endpoint with boto3: what the demo and the tests use instead of ``pulumi up``.

It creates what the components create, with the same names, tags and arguments (log groups with retention,
metric filters, one SNS topic per severity and the delivery-failure topic with their subscriptions and filter
policies, AWS Chatbot's subscriptions, metric alarms including metric-math and anomaly alarms, composite alarms,
the scalable targets and step scaling policies of ``scale`` actions, dashboards), so ``vigil verify`` finds no
drift afterwards. Not created: KMS keys, topic policies, the dead-letter queue, Chatbot channels themselves,
canaries, Logs Insights query definitions, Lambda permissions and Vigil's restart function (an alarm's action list
still names it, as the components set it). It is meant
for an emulator (moto); against AWS use ``pulumi up``. Composite alarms the endpoint does not implement are
listed in :attr:`Applied.skipped`, never silently dropped.

Safety: moto POSTs every publish to http(s) subscription endpoints. Subscriptions to endpoints that are not
on a loopback address are skipped unless ``subscribe_external=True`` (for drift tests that never publish).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from vigil.plan.alarm_actions import AlarmActionPlan
from vigil.plan.types import CompositeAlarmPlan, MetricAlarmPlan, MetricQueryPlan, StackPlan, SubscriptionPlan
from vigil.verify.aws import AwsTarget, is_loopback_url
from vigil.verify.state import CHATBOT_ENDPOINT, DELIVERY, STATE_FIELD, actions_fields

Endpoints = Callable[[str, bool], str | None]  # (config key, secret) -> endpoint value or None


@dataclass
class Applied:
    """Topic ARN per severity (``"P1"``) and ``"delivery"``, subscription ARNs per topic name, what was skipped."""

    topic_arns: dict[str, str] = field(default_factory=dict)
    subscriptions: dict[str, list[str]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def _tags(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]


def _query(q: MetricQueryPlan) -> dict[str, Any]:
    entry: dict[str, Any] = {"Id": q.id, "ReturnData": q.return_data}
    if q.label:
        entry["Label"] = q.label
    if q.expression is not None:
        entry["Expression"] = q.expression
    if q.metric is not None:
        m = q.metric
        metric = {
            "Namespace": m.namespace,
            "MetricName": m.metric_name,
            "Dimensions": [{"Name": k, "Value": v} for k, v in sorted(m.dimensions.items())],
        }
        entry["MetricStat"] = {"Metric": metric, "Period": m.period, "Stat": m.stat}
    return entry


def _with_automations(
    fields: dict[str, Any], automations: tuple[AlarmActionPlan, ...], policy_arns: Mapping[str, str]
) -> dict[str, Any]:
    """The action lists with the alarm's automatic actions added (a scaling policy only once it exists)."""
    out = {k: list(v) for k, v in fields.items()}
    for action in automations:
        arn = action.arn or (policy_arns.get(action.policy.name) if action.policy else None)
        if arn is not None:
            out[STATE_FIELD[action.state]].append(arn)
    return out


def metric_alarm_args(
    alarm: MetricAlarmPlan,
    topic_arns: Mapping[str, str],
    tags: Mapping[str, str],
    policy_arns: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """``PutMetricAlarm`` arguments of a planned metric alarm (single metric, math or anomaly band).

    ``policy_arns``: scaling policy name -> ARN of the policies created for the alarm's ``scale`` actions.
    """
    args: dict[str, Any] = {
        "AlarmName": alarm.name,
        "AlarmDescription": alarm.description,
        "ActionsEnabled": True,
        "ComparisonOperator": alarm.comparison_operator,
        "EvaluationPeriods": alarm.evaluation_periods,
        "TreatMissingData": alarm.treat_missing_data,
        "Tags": _tags({**tags, **alarm.tags}),
        **_with_automations(actions_fields(alarm.actions, topic_arns), alarm.automations, policy_arns or {}),
    }
    optional = {
        "Threshold": alarm.threshold,
        "ThresholdMetricId": alarm.threshold_metric_id,
        "DatapointsToAlarm": alarm.datapoints_to_alarm,
    }
    args.update({k: v for k, v in optional.items() if v is not None})
    if alarm.metric_queries:
        args["Metrics"] = [_query(q) for q in alarm.metric_queries]
    elif alarm.metric is not None:
        m = alarm.metric
        args.update(Namespace=m.namespace, MetricName=m.metric_name, Period=m.period)
        args["Dimensions"] = [{"Name": k, "Value": v} for k, v in sorted(m.dimensions.items())]
        if alarm.extended_statistic:
            args["ExtendedStatistic"] = alarm.extended_statistic
        else:
            args["Statistic"] = alarm.statistic
    return args


def composite_alarm_args(
    alarm: CompositeAlarmPlan, topic_arns: Mapping[str, str], tags: Mapping[str, str]
) -> dict[str, Any]:
    """``PutCompositeAlarm`` arguments of a planned composite alarm."""
    return {
        "AlarmName": alarm.name,
        "AlarmDescription": alarm.description,
        "AlarmRule": alarm.alarm_rule,
        "ActionsEnabled": True,
        "Tags": _tags({**tags, **alarm.tags}),
        **_with_automations(actions_fields(alarm.actions, topic_arns), alarm.automations, {}),
    }


class _Applier:
    def __init__(self, target: AwsTarget, plan: StackPlan, subscribe_external: bool) -> None:
        self.target, self.plan, self.subscribe_external = target, plan, subscribe_external
        self.tags = {"managed-by": "vigil", "stack": plan.context.stack}
        self.out = Applied()

    def logs(self) -> None:
        logs = self.target.client("logs")
        for ns in self.plan.namespaces:
            if ns.log_group is None:
                continue
            logs.create_log_group(logGroupName=ns.log_group.name, tags={**self.tags, **ns.log_group.tags})
            logs.put_retention_policy(logGroupName=ns.log_group.name, retentionInDays=ns.log_group.retention_days)
            for mf in ns.metric_filters:
                transformation: dict[str, Any] = {
                    "metricName": mf.metric_name,
                    "metricNamespace": mf.namespace,
                    "metricValue": mf.value,
                }
                if mf.default_value is not None:
                    transformation["defaultValue"] = mf.default_value
                if mf.dimensions:
                    transformation["dimensions"] = dict(mf.dimensions)
                logs.put_metric_filter(
                    logGroupName=mf.log_group_name,
                    filterName=mf.name,
                    filterPattern=mf.pattern,
                    metricTransformations=[transformation],
                )

    def topic(
        self,
        name: str,
        key: str,
        subscriptions: Sequence[SubscriptionPlan],
        tags: Mapping[str, str],
        endpoint_of: Endpoints,
    ) -> str:
        """Create one topic (``key``: "P1".. or "delivery") and its subscriptions; returns its ARN."""
        sns = self.target.client("sns")
        arn = str(sns.create_topic(Name=name, Tags=_tags({**self.tags, **tags}))["TopicArn"])
        self.out.topic_arns[key] = arn
        for sub in subscriptions:
            value = endpoint_of(sub.config_key, sub.secret)
            what = f"{name}: {sub.kind} subscription (vigil:{sub.config_key})"
            if value is None:
                self.out.skipped.append(f"{what}: {'secret' if sub.secret else 'value'} not given")
                continue
            attributes = {"RawMessageDelivery": "true"} if sub.raw_message_delivery else {}
            if sub.filter_policy:
                attributes.update(FilterPolicy=sub.filter_policy, FilterPolicyScope="MessageBody")
            self.subscribe(name, arn, sub.protocol, sub.endpoint_template.format(value), attributes, what)
        return arn

    def subscribe(
        self, topic: str, arn: str, protocol: str, endpoint: str, attributes: dict[str, str], what: str
    ) -> None:
        """One subscription; http(s) endpoints outside loopback only with ``subscribe_external``."""
        if protocol == "https" and endpoint.startswith(("http://", "https://")):
            if not is_loopback_url(endpoint) and not self.subscribe_external:
                self.out.skipped.append(f"{what}: {urlparse(endpoint).hostname} is not loopback; not subscribed")
                return
            protocol = urlparse(endpoint).scheme  # a plain-http loopback receiver
        response = self.target.client("sns").subscribe(
            TopicArn=arn, Protocol=protocol, Endpoint=endpoint, Attributes=attributes, ReturnSubscriptionArn=True
        )
        self.out.subscriptions.setdefault(topic, []).append(response["SubscriptionArn"])

    def chat_channels(self) -> None:
        """AWS Chatbot channels subscribe to their topics over https (only with ``subscribe_external``)."""
        arns = {t.severity: (t.name, self.out.topic_arns.get(t.severity.value)) for t in self.plan.routing.topics}
        for channel in self.plan.routing.chat_channels:
            for severity in channel.severities:
                name, arn = arns.get(severity, ("", None))
                if arn is not None:
                    what = f"{name}: AWS Chatbot {channel.kind} channel {channel.name}"
                    self.subscribe(name, arn, "https", CHATBOT_ENDPOINT, {}, what)

    def scaling(self) -> dict[str, str]:
        """Scalable targets and the step policies on them; returns policy name -> ARN.

        Registering a target needs its ECS service to exist at the endpoint (Application Auto Scaling checks):
        a target that cannot be registered is listed in ``skipped``, with its policies.
        """
        aas = self.target.client("application-autoscaling")
        registered: set[str] = set()
        for t in self.plan.alarms.scalable_targets:
            try:
                aas.register_scalable_target(
                    ServiceNamespace=t.service_namespace,
                    ResourceId=t.resource_id,
                    ScalableDimension=t.scalable_dimension,
                    MinCapacity=t.min_capacity,
                    MaxCapacity=t.max_capacity,
                )
            except aas.exceptions.ClientError as exc:
                self.out.skipped.append(f"scalable target {t.resource_id}: {exc.response['Error'].get('Message')}")
                continue
            registered.add(t.resource_id)
        arns: dict[str, str] = {}
        policies = [a.policy for m in self.plan.alarms.metric_alarms for a in m.automations if a.policy]
        for p in policies:
            if p.resource_id not in registered:
                self.out.skipped.append(f"scaling policy {p.name}: its scalable target is not registered")
                continue
            step: dict[str, float] = {"ScalingAdjustment": p.scaling_adjustment}
            step |= {"MetricIntervalLowerBound": p.lower_bound} if p.lower_bound is not None else {}
            step |= {"MetricIntervalUpperBound": p.upper_bound} if p.upper_bound is not None else {}
            arns[p.name] = aas.put_scaling_policy(
                PolicyName=p.name,
                ServiceNamespace=p.service_namespace,
                ResourceId=p.resource_id,
                ScalableDimension=p.scalable_dimension,
                PolicyType="StepScaling",
                StepScalingPolicyConfiguration={
                    "AdjustmentType": p.adjustment_type,
                    "Cooldown": p.cooldown,
                    "MetricAggregationType": p.metric_aggregation_type,
                    "StepAdjustments": [step],
                },
            )["PolicyARN"]
        return arns

    def alarms(self) -> None:
        cw = self.target.client("cloudwatch")
        policy_arns = self.scaling()
        for alarm in self.plan.alarms.metric_alarms:
            cw.put_metric_alarm(**metric_alarm_args(alarm, self.out.topic_arns, self.tags, policy_arns))
        for composite in self.plan.alarms.composite_alarms:
            if self.target.emulator:
                self.out.skipped.append(f"composite alarm {composite.name}: the emulator does not implement it")
                continue
            cw.put_composite_alarm(**composite_alarm_args(composite, self.out.topic_arns, self.tags))

    def dashboards(self) -> None:
        cw = self.target.client("cloudwatch")
        for board in self.plan.dashboards:
            cw.put_dashboard(DashboardName=board.name, DashboardBody=board.body)


def apply_plan(
    target: AwsTarget,
    plan: StackPlan,
    config: Callable[[str], str | None] = lambda key: None,
    secrets: Mapping[str, str] | None = None,
    *,
    subscribe_external: bool = False,
) -> Applied:
    """Create the plan's resources at ``target``; subscription endpoints come from ``config`` and ``secrets``.

    Example::

        >>> loaded = load_stack_plan(".", "dev", account_id="123456789012")  # doctest: +SKIP
        >>> applied = apply_plan(target, loaded.plan, loaded.config_value, {"chat_webhook_url": hook})  # doctest: +SKIP
        >>> applied.topic_arns["P1"]  # doctest: +SKIP
        'arn:aws:sns:us-east-1:123456789012:vigil-dev-p1'
    """
    secrets = dict(secrets or {})
    applier = _Applier(target, plan, subscribe_external)

    def endpoint_of(key: str, secret: bool) -> str | None:
        return secrets.get(key) if secret else (config(key) or secrets.get(key))

    applier.logs()
    for topic in plan.routing.topics:
        applier.topic(topic.name, topic.severity.value, topic.subscriptions, topic.tags, endpoint_of)
    if plan.routing.delivery is not None:
        d = plan.routing.delivery
        applier.topic(d.topic_name, DELIVERY, d.subscriptions, d.tags, endpoint_of)
    applier.chat_channels()
    applier.alarms()
    applier.dashboards()
    return applier.out
