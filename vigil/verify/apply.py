"""Apply a plan to an endpoint with boto3: what the demo and the tests use instead of ``pulumi up``.

It creates what the components create, with the same names, tags and arguments (log groups with retention,
metric filters, one SNS topic per severity and its subscriptions, metric alarms including metric-math and
anomaly alarms, composite alarms, dashboards), so ``vigil verify`` finds no drift afterwards. It is meant
for an emulator (moto); against AWS use ``pulumi up``. Composite alarms the endpoint does not implement are
listed in :attr:`Applied.skipped`, never silently dropped.

Safety: moto POSTs every publish to http(s) subscription endpoints. Subscriptions to endpoints that are not
on a loopback address are skipped unless ``subscribe_external=True`` (for drift tests that never publish).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from vigil.plan.types import CompositeAlarmPlan, MetricAlarmPlan, MetricQueryPlan, StackPlan, TopicPlan
from vigil.verify.aws import AwsTarget, is_loopback_url


@dataclass
class Applied:
    """Topic ARN per severity (``"P1"``), subscription ARNs per topic name, and what was skipped (with why)."""

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


def _actions(severity_topic: str | None, alarm: bool, ok: bool, insufficient: bool) -> dict[str, list[str]]:
    topic = [severity_topic] if severity_topic else []
    return {
        "AlarmActions": topic if alarm else [],
        "OKActions": topic if ok else [],
        "InsufficientDataActions": topic if insufficient else [],
    }


def metric_alarm_args(alarm: MetricAlarmPlan, topic_arns: Mapping[str, str], tags: Mapping[str, str]) -> dict[str, Any]:
    """``PutMetricAlarm`` arguments of a planned metric alarm (single metric, math or anomaly band)."""
    a = alarm.actions
    topic = topic_arns.get(a.severity.value) if a.severity is not None else None
    args: dict[str, Any] = {
        "AlarmName": alarm.name,
        "AlarmDescription": alarm.description,
        "ActionsEnabled": True,
        "ComparisonOperator": alarm.comparison_operator,
        "EvaluationPeriods": alarm.evaluation_periods,
        "TreatMissingData": alarm.treat_missing_data,
        "Tags": _tags({**tags, **alarm.tags}),
        **_actions(topic, a.alarm, a.ok, a.insufficient_data),
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
    a = alarm.actions
    topic = topic_arns.get(a.severity.value) if a.severity is not None else None
    return {
        "AlarmName": alarm.name,
        "AlarmDescription": alarm.description,
        "AlarmRule": alarm.alarm_rule,
        "ActionsEnabled": True,
        "Tags": _tags({**tags, **alarm.tags}),
        **_actions(topic, a.alarm, a.ok, a.insufficient_data),
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

    def topic(self, topic: TopicPlan, endpoint_of: Callable[[str, bool], str | None]) -> None:
        sns = self.target.client("sns")
        arn = sns.create_topic(Name=topic.name, Tags=_tags({**self.tags, **topic.tags}))["TopicArn"]
        self.out.topic_arns[topic.severity.value] = arn
        subscribed = self.out.subscriptions.setdefault(topic.name, [])
        for sub in topic.subscriptions:
            value = endpoint_of(sub.config_key, sub.secret)
            what = f"{topic.name}: {sub.kind} subscription (vigil:{sub.config_key})"
            if value is None:
                self.out.skipped.append(f"{what}: {'secret' if sub.secret else 'value'} not given")
                continue
            endpoint = sub.endpoint_template.format(value)
            protocol: str = sub.protocol
            if protocol == "https" and endpoint.startswith(("http://", "https://")):
                if not is_loopback_url(endpoint) and not self.subscribe_external:
                    self.out.skipped.append(f"{what}: {urlparse(endpoint).hostname} is not loopback; not subscribed")
                    continue
                protocol = urlparse(endpoint).scheme  # a plain-http loopback receiver
            attributes = {"RawMessageDelivery": "true"} if sub.raw_message_delivery else {}
            response = sns.subscribe(
                TopicArn=arn, Protocol=protocol, Endpoint=endpoint, Attributes=attributes, ReturnSubscriptionArn=True
            )
            subscribed.append(response["SubscriptionArn"])

    def alarms(self) -> None:
        cw = self.target.client("cloudwatch")
        for alarm in self.plan.alarms.metric_alarms:
            cw.put_metric_alarm(**metric_alarm_args(alarm, self.out.topic_arns, self.tags))
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

        >>> loaded = load_stack(".", "dev", "123456789012")  # doctest: +SKIP
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
        applier.topic(topic, endpoint_of)
    applier.alarms()
    applier.dashboards()
    return applier.out
