"""The comparable state of a stack: resources by (kind, name), each a flat mapping of field -> plain value.

Both sides of a drift check are built in this shape: :func:`expected_state` from the plan (what ``pulumi up``
creates) and :mod:`vigil.verify.deployed` from boto3 reads. Values are normalized the same way on both sides
(sorted action lists, dimensions as ``{name: value}``, dashboard bodies parsed), so equal means equal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from vigil.plan.alarm_actions import AlarmActionPlan, ScalingPolicyPlan
from vigil.plan.types import (
    ActionsPlan,
    CompositeAlarmPlan,
    MetricAlarmPlan,
    MetricQueryPlan,
    StackPlan,
    SubscriptionPlan,
)

Kind = str  # "metric alarm", "composite alarm", "dashboard", "log group", "metric filter", "topic", "subscription"
Fields = dict[str, Any]
#: A field whose expected value is only known by shape (a secret endpoint): a predicate and its description.
Matcher = tuple[Callable[[Any], bool], str]


@dataclass
class State:
    """Resources of one stack by ``(kind, name)``; ``matchers`` hold fields compared by predicate."""

    resources: dict[tuple[Kind, str], Fields] = field(default_factory=dict)
    matchers: dict[tuple[Kind, str], dict[str, Matcher]] = field(default_factory=dict)

    def add(self, kind: Kind, name: str, fields: Fields) -> None:
        """Record one resource."""
        self.resources[(kind, name)] = fields


#: Where AWS Chatbot's SNS subscriptions deliver (one https subscription per channel and topic).
CHATBOT_ENDPOINT = "https://global.sns-api.chatbot.amazonaws.com"
#: Key of the delivery-failure topic in a topic-ARN mapping (severity topics are keyed "P1".."P4").
DELIVERY = "delivery"


def topic_arns(plan: StackPlan) -> dict[str, str]:
    """Planned topic ARNs: ``"P1"``.. per severity, and ``"delivery"`` for the delivery-failure topic."""
    arns = {t.severity.value: t.arn for t in plan.routing.topics}
    if plan.routing.delivery is not None:
        arns[DELIVERY] = plan.routing.delivery.topic_arn
    return arns


def action_topic(actions: ActionsPlan, topics: Mapping[str, str]) -> str | None:
    """The topic an alarm's actions publish to: its severity's, or the delivery-failure topic."""
    if actions.severity is None:
        return None
    return topics.get(DELIVERY if actions.target == "delivery" else actions.severity.value)


#: An alarm state -> its DescribeAlarms field.
STATE_FIELD = {"ALARM": "AlarmActions", "OK": "OKActions", "INSUFFICIENT_DATA": "InsufficientDataActions"}
#: Application Auto Scaling puts a random id in a policy's ARN; drift compares the ARN with ``*`` in its place.
_POLICY_ID = re.compile(r"^(arn:aws[a-zA-Z-]*:autoscaling:[^:]*:[^:]*:scalingPolicy:)[^:]+(:resource/)")


def policy_arn_shape(region: str, account_id: str, policy: ScalingPolicyPlan) -> str:
    """The ARN of a planned scaling policy, its id replaced by ``*`` (what :func:`comparable_action` makes of it).

    >>> from vigil.plan.alarm_actions import ScalingPolicyPlan
    >>> policy_arn_shape("us-east-1", "1", ScalingPolicyPlan("p", "service/c/s", 1, 60, 0.0, None))
    'arn:aws:autoscaling:us-east-1:1:scalingPolicy:*:resource/ecs/service/c/s:policyName/p'
    """
    return (
        f"arn:aws:autoscaling:{region}:{account_id}:scalingPolicy:*:resource/"
        f"{policy.service_namespace}/{policy.resource_id}:policyName/{policy.name}"
    )


def comparable_action(arn: str) -> str:
    """A deployed action ARN as drift compares it: a scaling policy's random id replaced by ``*``."""
    return _POLICY_ID.sub(r"\1*\2", arn)


def actions_fields(
    actions: ActionsPlan,
    topics: Mapping[str, str],
    automations: tuple[AlarmActionPlan, ...] = (),
    where: tuple[str, str] = ("", ""),
) -> Fields:
    """Alarm, OK and insufficient-data action ARNs (sorted), as the components set them.

    ``where`` (region, account) shapes the ARNs of scaling policies, which only exist once created.
    """
    topic = action_topic(actions, topics)
    out: Fields = {
        "AlarmActions": [topic] if topic and actions.alarm else [],
        "OKActions": [topic] if topic and actions.ok else [],
        "InsufficientDataActions": [topic] if topic and actions.insufficient_data else [],
    }
    for action in automations:
        arn = action.arn or (policy_arn_shape(*where, action.policy) if action.policy else None)
        if arn is not None:
            out[STATE_FIELD[action.state]].append(arn)
    return {k: sorted(v) for k, v in out.items()}


def dimensions(pairs: Mapping[str, str]) -> dict[str, str]:
    """Dimensions as a sorted ``{name: value}`` mapping."""
    return dict(sorted(pairs.items()))


def query_fields(q: MetricQueryPlan) -> Fields:
    """One metric query of a math or anomaly alarm, as DescribeAlarms' ``Metrics`` entries compare."""
    entry: Fields = {"Id": q.id, "ReturnData": q.return_data, "Label": q.label or None, "Expression": q.expression}
    if q.metric is not None:
        m = q.metric
        entry["MetricStat"] = {
            "Namespace": m.namespace,
            "MetricName": m.metric_name,
            "Dimensions": dimensions(m.dimensions),
            "Period": m.period,
            "Stat": m.stat,
        }
    return {k: v for k, v in entry.items() if v is not None}


def metric_alarm_fields(a: MetricAlarmPlan, topics: Mapping[str, str], where: tuple[str, str] = ("", "")) -> Fields:
    """The compared fields of a metric alarm."""
    single = a.metric is not None and not a.metric_queries
    fields: Fields = {
        "AlarmDescription": a.description,
        "ComparisonOperator": a.comparison_operator,
        "EvaluationPeriods": a.evaluation_periods,
        "DatapointsToAlarm": a.datapoints_to_alarm,
        "Threshold": a.threshold,
        "ThresholdMetricId": a.threshold_metric_id,
        "TreatMissingData": a.treat_missing_data,
        "Namespace": a.metric.namespace if single and a.metric else None,
        "MetricName": a.metric.metric_name if single and a.metric else None,
        "Dimensions": dimensions(a.metric.dimensions) if single and a.metric else {},
        "Period": a.metric.period if single and a.metric else None,
        "Statistic": a.statistic if single else None,
        "ExtendedStatistic": a.extended_statistic if single else None,
        "Metrics": [query_fields(q) for q in a.metric_queries],
        **actions_fields(a.actions, topics, a.automations, where),
    }
    return fields


def composite_alarm_fields(a: CompositeAlarmPlan, topics: Mapping[str, str]) -> Fields:
    """The compared fields of a composite alarm."""
    actions = actions_fields(a.actions, topics, a.automations)
    return {"AlarmDescription": a.description, "AlarmRule": a.alarm_rule, **actions}


def subscription_key(topic: str, protocol: str, index: int) -> str:
    """Name of the ``index``-th expected subscription of a protocol on a topic (``vigil-dev-p1/email#1``)."""
    return f"{topic}/{protocol}#{index}"


def _subscription(sub: SubscriptionPlan, value: str | None) -> tuple[Fields, dict[str, Matcher]]:
    if value is not None:
        return {"Protocol": sub.protocol, "Endpoint": sub.endpoint_template.format(value)}, {}
    prefix, _, suffix = sub.endpoint_template.partition("{}")

    def shaped(endpoint: Any) -> bool:
        return isinstance(endpoint, str) and endpoint.startswith(prefix) and endpoint.endswith(suffix)

    shape = f"{prefix}<vigil:{sub.config_key}>{suffix}" if prefix or suffix else f"<vigil:{sub.config_key}>"
    return {"Protocol": sub.protocol}, {"Endpoint": (shaped, f"a secret endpoint shaped {shape}")}


def _topics(state: State, plan: StackPlan, config: Callable[[str], str | None]) -> None:
    """Severity topics and the delivery-failure topic, their subscriptions, and AWS Chatbot's subscriptions."""
    topics = [(t.name, t.arn, t.subscriptions) for t in plan.routing.topics]
    if plan.routing.delivery is not None:
        d = plan.routing.delivery
        topics.append((d.topic_name, d.topic_arn, d.subscriptions))
    for name, arn, subscriptions in topics:
        state.add("topic", name, {"TopicArn": arn})
        counts: dict[str, int] = {}
        for sub in subscriptions:
            counts[sub.protocol] = counts.get(sub.protocol, 0) + 1
            key = subscription_key(name, sub.protocol, counts[sub.protocol])
            fields, matchers = _subscription(sub, None if sub.secret else config(sub.config_key))
            state.add("subscription", key, fields)
            if matchers:
                state.matchers[("subscription", key)] = matchers
    by_severity = {t.severity: t.name for t in plan.routing.topics}
    # SNS keeps one subscription per topic, protocol and endpoint, so every Chatbot channel (Slack or Teams) of a
    # topic shares the one https subscription to Chatbot's endpoint; Chatbot fans the message out to them.
    channels_of: dict[str, list[str]] = {}
    for channel in plan.routing.chat_channels:
        for severity in channel.severities:
            if severity in by_severity:
                channels_of.setdefault(by_severity[severity], []).append(f"{channel.kind} channel {channel.name}")
    for topic, channels in channels_of.items():
        key = f"{topic}/chatbot:{'+'.join(c.rsplit(' ', 1)[1] for c in channels)}"
        state.add("subscription", key, {"Protocol": "https"})
        shape = f"AWS Chatbot ({', '.join(channels)}) at {CHATBOT_ENDPOINT}"
        state.matchers[("subscription", key)] = {"Endpoint": (_is_chatbot, shape)}


def _is_chatbot(endpoint: Any) -> bool:
    return isinstance(endpoint, str) and endpoint.rstrip("/") == CHATBOT_ENDPOINT


def expected_state(plan: StackPlan, config: Callable[[str], str | None]) -> State:
    """What the plan deploys, by ``(kind, name)``.

    ``config(key)`` gives the plain value of ``vigil:<key>``; a secret or unset value is compared by shape only
    (``https://events.pagerduty.com/integration/<key>/enqueue``), since Vigil never reads secrets.
    """
    state = State()
    topics = topic_arns(plan)
    for ns in plan.namespaces:
        if ns.log_group is not None:
            state.add("log group", ns.log_group.name, {"retentionInDays": ns.log_group.retention_days})
        for mf in ns.metric_filters:
            transformation: Fields = {
                "metricName": mf.metric_name,
                "metricNamespace": mf.namespace,
                "metricValue": mf.value,
                "defaultValue": mf.default_value,
                "dimensions": dimensions(mf.dimensions),
            }
            fields: Fields = {"filterPattern": mf.pattern, "metricTransformation": transformation}
            state.add("metric filter", f"{mf.log_group_name}:{mf.name}", fields)
    _topics(state, plan, config)
    for alarm in plan.alarms.metric_alarms:
        where = (plan.context.region, plan.context.account_id)
        state.add("metric alarm", alarm.name, metric_alarm_fields(alarm, topics, where))
    for composite in plan.alarms.composite_alarms:
        state.add("composite alarm", composite.name, composite_alarm_fields(composite, topics))
    for board in plan.dashboards:
        state.add("dashboard", board.name, {"DashboardBody": json.loads(board.body)})
    return state
