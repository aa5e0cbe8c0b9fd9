"""Plan of the alarms that do not read the app's own metrics: external probes and notification delivery.

- A probe (``kind: probe``) is a Route 53 health check on a public URL from the stack config and an alarm on
  ``AWS/Route53 HealthCheckStatus`` (Minimum < 1), missing data breaching.
- Delivery failures: per severity topic with subscribers, an alarm on ``AWS/SNS NumberOfNotificationsFailed``;
  and one on the dead-letter queue of https subscriptions. They publish to the delivery-failure topic, never
  to the topic whose deliveries fail. ``NumberOfNotificationsFailed`` counts every failed HTTP(S) *attempt*,
  retries included (SNS docs), but one per message that finally failed for email and SMS: a topic with HTTP(S)
  listeners (PagerDuty, webhooks, Chatbot) alarms only above the retries of one message
  (:data:`~vigil.plan.routing.HTTP_RETRIES`, the topic's planned delivery policy), so one retried attempt that
  then succeeds does not page; the final failure of a PagerDuty or webhook message is the dead-letter queue's
  alarm (exact, whatever the timing).
"""

from __future__ import annotations

from dataclasses import replace

from vigil.plan.alarm_context import AlarmContext, metric_alarm
from vigil.plan.errors import PlanError
from vigil.plan.routing import HTTP_RETRIES
from vigil.plan.types import ActionsPlan, HealthCheckPlan, MetricAlarmPlan, MetricStatPlan, TopicPlan
from vigil.spec.models.alarms import ProbeAlarm
from vigil.spec.models.common import Severity
from vigil.spec.rules.alerting import probe_target

#: Every Route 53 health checker region, used when a probe lists none.
DEFAULT_REGIONS = ("us-east-1", "us-west-2", "eu-west-1")


def plan_probe(ac: AlarmContext, name: str, alarm: ProbeAlarm) -> tuple[HealthCheckPlan, MetricAlarmPlan]:
    """The Route 53 health check of a probe and its ``HealthCheckStatus`` alarm.

    The URL is the stack's ``vigil:<url.config>`` value (validated by ``vigil check``).
    """
    stack = ac.project.stack
    url = stack.values.get(alarm.url.key) if stack else None
    target = probe_target(url) if isinstance(url, str) else "unset"
    if isinstance(target, str):
        raise PlanError(f"probe {name!r}: vigil:{alarm.url.key} is not a usable URL ({target}); run `vigil check`")
    scheme, host, port, path = target
    check_name = ac.names.health_check_name(name)
    alarm_name = ac.names.alarm_name(name)
    check = HealthCheckPlan(
        name=check_name,
        alarm_name=alarm_name,
        type=f"{scheme}_STR_MATCH" if alarm.search_string else scheme,
        fqdn=host,
        port=port,
        resource_path=path,
        search_string=alarm.search_string,
        request_interval=alarm.request_interval,
        failure_threshold=alarm.failure_threshold,
        regions=tuple(alarm.regions),
        tags={"Name": check_name, **ac.tags(alarm.severity, "probe", dict(alarm.tags))},
        region=ac.ctx.region_of("route53"),
        spec_name=name,
    )
    metric = MetricStatPlan("AWS/Route53", "HealthCheckStatus", {"HealthCheckId": check_name}, alarm.period, "Minimum")

    plan = metric_alarm(
        ac, name, alarm, "probe", kind="probe", comparison_operator="LessThanThreshold", threshold=1.0, metric=metric
    )
    plan = replace(plan, tags={**plan.tags, "url": f"{scheme.lower()}://{host}{path}"[:256]})
    return check, plan


def _delivery_alarm(
    ac: AlarmContext, severity: Severity, name: str, text: str, metric: MetricStatPlan, threshold: float = 0.0
) -> MetricAlarmPlan:
    return MetricAlarmPlan(
        name=ac.names.alarm_name(name),
        kind="delivery",
        severity=severity,
        description=ac.description(severity, text, None),
        comparison_operator="GreaterThanThreshold",
        evaluation_periods=1,
        datapoints_to_alarm=None,
        treat_missing_data="notBreaching",
        actions=ActionsPlan(severity, alarm=True, ok=True, target="delivery"),
        threshold=threshold,
        metric=metric,
        statistic="Sum" if metric.stat == "Sum" else "Maximum",
        tags=ac.tags(severity, "alerting", {"purpose": "delivery-failures"}),
        spec_name=name,
    )


def _topic_text(topic: TopicPlan, chat: bool) -> str:
    kinds = ", ".join([*sorted({s.kind for s in topic.subscriptions}), *(["chat (AWS Chatbot)"] if chat else [])])
    return (
        f"SNS could not deliver {topic.severity.value} alarm notifications from topic {topic.name} (to {kinds}) "
        f"in the last 5 minutes: {topic.severity.value} alerts may be reaching nobody. First step: SNS console > "
        f"{topic.name} > subscriptions, check each endpoint (PagerDuty key, Chatbot channel, SMS spend limit); "
        "failed https messages are kept in the dead-letter queue."
    )


def plan_delivery_alarms(ac: AlarmContext) -> list[MetricAlarmPlan]:
    """``delivery-failed-<severity>`` per topic with listeners, and ``notifications-dead-lettered``."""
    delivery = ac.routing.delivery
    if delivery is None:
        return []
    alarms: list[MetricAlarmPlan] = []
    for topic in ac.routing.topics:
        if not topic.alarm_actions:
            continue
        metric = MetricStatPlan("AWS/SNS", "NumberOfNotificationsFailed", {"TopicName": topic.name}, 300, "Sum")
        name = f"delivery-failed-{topic.severity.value.lower()}"
        chat = any(topic.severity in c.severities for c in ac.routing.chat_channels)
        http = chat or any(s.protocol == "https" for s in topic.subscriptions)
        threshold = float(HTTP_RETRIES) if http else 0.0  # above one message's retries: a final failure
        alarms.append(_delivery_alarm(ac, delivery.severity, name, _topic_text(topic, chat), metric, threshold))
    if delivery.has_queue:
        metric = MetricStatPlan(
            "AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": delivery.queue_name}, 300, "Maximum"
        )
        text = (
            f"Alarm notifications that PagerDuty or a webhook refused are waiting in {delivery.queue_name}: someone "
            "was not told about an alarm. First step: read the messages (SQS console > poll) to see which alarms, "
            "tell on-call, then fix the endpoint; messages are kept 14 days."
        )
        alarms.append(_delivery_alarm(ac, delivery.severity, "notifications-dead-lettered", text, metric))
    return alarms
