"""Read a deployed stack with boto3 into the comparable :class:`~vigil.verify.state.State` shape.

Only what Vigil manages is read as "extra": alarms tagged ``managed-by=vigil`` for this stack, dashboards with
the stack's dashboard prefix, topics named ``vigil-<env>-*``, log groups tagged for this stack under the planned
log groups' top folder, and every filter and subscription inside the planned log groups and topics.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from vigil.plan.types import StackPlan
from vigil.verify.aws import AwsTarget
from vigil.verify.state import Fields, State, comparable_action, dimensions

T = TypeVar("T")

#: What moto's server (the emulator of the demo and tests) does not implement, by resource kind.
EMULATOR_GAPS = {"composite alarm": "composite alarms (PutCompositeAlarm)"}


@dataclass(frozen=True)
class Subscription:
    """A deployed SNS subscription."""

    topic: str
    protocol: str
    endpoint: str
    arn: str
    pending: bool


@dataclass
class Deployed:
    """The deployed state, the raw subscriptions per topic, and the kinds that could not be read."""

    state: State = field(default_factory=State)
    subscriptions: dict[str, list[Subscription]] = field(default_factory=dict)
    not_checked: dict[str, str] = field(default_factory=dict)  # kind -> why


def _paged(target: AwsTarget, service: Any, method: str, key: str, **kwargs: Any) -> Iterator[Any]:
    for page in target.client(service).get_paginator(method).paginate(**kwargs):
        yield from page.get(key, [])


def _tags(target: AwsTarget, arn: str) -> dict[str, str]:
    tags = target.client("cloudwatch").list_tags_for_resource(ResourceARN=arn).get("Tags", [])
    return {t["Key"]: t["Value"] for t in tags}


def _metric_alarm(raw: dict[str, Any]) -> Fields:
    metrics: list[Fields] = []
    for q in raw.get("Metrics") or []:
        entry: Fields = {"Id": q["Id"], "ReturnData": q.get("ReturnData", True)}
        for key in ("Label", "Expression"):
            if q.get(key):
                entry[key] = q[key]
        if "MetricStat" in q:
            stat, metric = q["MetricStat"], q["MetricStat"]["Metric"]
            entry["MetricStat"] = {
                "Namespace": metric.get("Namespace"),
                "MetricName": metric.get("MetricName"),
                "Dimensions": dimensions({d["Name"]: d["Value"] for d in metric.get("Dimensions", [])}),
                "Period": stat.get("Period"),
                "Stat": stat.get("Stat"),
            }
        metrics.append(entry)
    return {
        "AlarmDescription": raw.get("AlarmDescription"),
        "ComparisonOperator": raw.get("ComparisonOperator"),
        "EvaluationPeriods": raw.get("EvaluationPeriods"),
        "DatapointsToAlarm": raw.get("DatapointsToAlarm"),
        "Threshold": raw.get("Threshold"),
        "ThresholdMetricId": raw.get("ThresholdMetricId"),
        "TreatMissingData": raw.get("TreatMissingData", "missing"),
        "Namespace": raw.get("Namespace"),
        "MetricName": raw.get("MetricName"),
        "Dimensions": dimensions({d["Name"]: d["Value"] for d in raw.get("Dimensions", [])}),
        "Period": raw.get("Period"),
        "Statistic": raw.get("Statistic"),
        "ExtendedStatistic": raw.get("ExtendedStatistic"),
        "Metrics": metrics,
        **_actions(raw),
    }


def _actions(raw: dict[str, Any]) -> Fields:
    keys = ("AlarmActions", "OKActions", "InsufficientDataActions")
    return {k: sorted(comparable_action(a) for a in raw.get(k) or []) for k in keys}


class _Reader:
    def __init__(self, target: AwsTarget, plan: StackPlan) -> None:
        self.target, self.plan, self.out = target, plan, Deployed()

    def guarded(self, kind: str, read: Callable[[], None]) -> None:
        """Run one reader; an operation the endpoint does not implement marks the kind as not checked."""
        if self.target.emulator and kind in EMULATOR_GAPS:
            self.out.not_checked[kind] = f"the endpoint does not implement {EMULATOR_GAPS[kind]}"
            return
        try:
            read()
        except Exception as exc:
            from botocore.exceptions import ClientError

            status = (
                exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") if isinstance(exc, ClientError) else None
            )
            if status in (500, 501) or "not implemented" in str(exc).lower():
                self.out.not_checked[kind] = f"the endpoint does not implement the call ({type(exc).__name__}: {exc})"[
                    :300
                ]
                return
            raise

    def alarms(self) -> None:
        planned = set(self.plan.alarms.names())
        stack = self.plan.context.stack
        for raw in _paged(self.target, "cloudwatch", "describe_alarms", "MetricAlarms", AlarmTypes=["MetricAlarm"]):
            if raw["AlarmName"] in planned or self._ours(raw["AlarmArn"], stack):
                self.out.state.add("metric alarm", raw["AlarmName"], _metric_alarm(raw))

    def composites(self) -> None:
        planned = set(self.plan.alarms.names())
        stack = self.plan.context.stack
        for raw in _paged(
            self.target, "cloudwatch", "describe_alarms", "CompositeAlarms", AlarmTypes=["CompositeAlarm"]
        ):
            if raw["AlarmName"] in planned or self._ours(raw["AlarmArn"], stack):
                fields = {
                    "AlarmDescription": raw.get("AlarmDescription"),
                    "AlarmRule": raw.get("AlarmRule"),
                    **_actions(raw),
                }
                self.out.state.add("composite alarm", raw["AlarmName"], fields)

    def _ours(self, arn: str, stack: str) -> bool:
        tags = _tags(self.target, arn)
        return tags.get("managed-by") == "vigil" and tags.get("stack") == stack

    def dashboards(self) -> None:
        cw = self.target.client("cloudwatch")
        planned = {d.name for d in self.plan.dashboards}
        prefix = _common_prefix(sorted(planned))
        for entry in _paged(self.target, "cloudwatch", "list_dashboards", "DashboardEntries"):
            name = entry["DashboardName"]
            if name in planned or (prefix and name.startswith(prefix)):
                body = cw.get_dashboard(DashboardName=name)["DashboardBody"]
                self.out.state.add("dashboard", name, {"DashboardBody": json.loads(body)})

    def log_groups(self) -> None:
        planned = {ns.log_group.name for ns in self.plan.namespaces if ns.log_group}
        folders = sorted({"/" + name.strip("/").split("/")[0] + "/" for name in planned})
        logs = self.target.client("logs")
        for folder in folders:
            for group in _paged(self.target, "logs", "describe_log_groups", "logGroups", logGroupNamePrefix=folder):
                name = group["logGroupName"]
                if name not in planned:
                    tags = logs.list_tags_for_resource(resourceArn=group["arn"].removesuffix(":*")).get("tags", {})
                    if tags.get("managed-by") != "vigil" or tags.get("stack") != self.plan.context.stack:
                        continue
                self.out.state.add("log group", name, {"retentionInDays": group.get("retentionInDays")})

    def metric_filters(self) -> None:
        for ns in self.plan.namespaces:
            if ns.log_group is None or ("log group", ns.log_group.name) not in self.out.state.resources:
                continue
            for mf in _paged(
                self.target, "logs", "describe_metric_filters", "metricFilters", logGroupName=ns.log_group.name
            ):
                t = (mf.get("metricTransformations") or [{}])[0]
                transformation: Fields = {
                    "metricName": t.get("metricName"),
                    "metricNamespace": t.get("metricNamespace"),
                    "metricValue": t.get("metricValue"),
                    "defaultValue": t.get("defaultValue"),
                    "dimensions": dimensions(t.get("dimensions") or {}),
                }
                fields: Fields = {"filterPattern": mf.get("filterPattern"), "metricTransformation": transformation}
                self.out.state.add("metric filter", f"{ns.log_group.name}:{mf['filterName']}", fields)

    def topics(self) -> None:
        sns = self.target.client("sns")
        planned = {t.name for t in self.plan.routing.topics}
        if self.plan.routing.delivery is not None:
            planned.add(self.plan.routing.delivery.topic_name)
        prefixes = {name.rsplit("-", 1)[0] + "-" for name in planned}
        for topic in _paged(self.target, "sns", "list_topics", "Topics"):
            arn = topic["TopicArn"]
            name = arn.rsplit(":", 1)[-1]
            if name not in planned and not any(name.startswith(p) for p in prefixes):
                continue
            self.out.state.add("topic", name, {"TopicArn": arn})
            subs = []
            for sub in _paged(self.target, "sns", "list_subscriptions_by_topic", "Subscriptions", TopicArn=arn):
                pending = sub["SubscriptionArn"] == "PendingConfirmation"
                if not pending:
                    attrs = sns.get_subscription_attributes(SubscriptionArn=sub["SubscriptionArn"])["Attributes"]
                    pending = attrs.get("PendingConfirmation") == "true"
                subs.append(Subscription(name, sub["Protocol"], sub["Endpoint"], sub["SubscriptionArn"], pending))
            self.out.subscriptions[name] = subs


def _common_prefix(names: list[str]) -> str:
    if not names:
        return ""
    first, last = names[0], names[-1]
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    prefix = first[:n]
    return prefix if prefix.endswith("-") else prefix[: prefix.rfind("-") + 1]


def read_deployed(target: AwsTarget, plan: StackPlan) -> Deployed:
    """Read every kind of resource Vigil manages for the plan's stack from ``target``.

    >>> deployed = read_deployed(AwsTarget("us-east-1", "http://127.0.0.1:5000"), plan)  # doctest: +SKIP
    >>> deployed.not_checked  # doctest: +SKIP
    {'composite alarm': 'the endpoint does not implement composite alarms (PutCompositeAlarm)'}
    """
    reader = _Reader(target, plan)
    reader.guarded("metric alarm", reader.alarms)
    reader.guarded("composite alarm", reader.composites)
    reader.guarded("dashboard", reader.dashboards)
    reader.guarded("log group", reader.log_groups)
    reader.guarded("metric filter", reader.metric_filters)
    reader.guarded("topic", reader.topics)
    return reader.out
