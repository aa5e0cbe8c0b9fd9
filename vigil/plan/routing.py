"""Plan of alarm routing: one KMS-encrypted SNS topic per severity, its policy and subscriptions."""

from __future__ import annotations

from vigil.plan.policies import alarms_key_policy, topic_policy
from vigil.plan.types import KmsKeyPlan, Namer, RoutingPlan, StackContext, SubscriptionPlan, TopicPlan
from vigil.spec.models.common import Severity
from vigil.spec.models.routing import (
    EmailSubscription,
    PagerDutySubscription,
    SeverityRoute,
    SmsSubscription,
    Subscription,
    WebhookSubscription,
)

#: PagerDuty's CloudWatch integration endpoint; ``{}`` is the integration key (a secret).
PAGERDUTY_ENDPOINT = "https://events.pagerduty.com/integration/{}/enqueue"


def plan_subscription(sub: Subscription) -> SubscriptionPlan:
    """The SNS subscription of one routing entry.

    >>> from vigil.spec.models.routing import PagerDutySubscription
    >>> s = plan_subscription(PagerDutySubscription(kind="pagerduty", integration_key={"secret": "pd_p1"}))
    >>> (s.protocol, s.config_key, s.secret, s.endpoint_template.format("KEY"))
    ('https', 'pd_p1', True, 'https://events.pagerduty.com/integration/KEY/enqueue')
    """
    if isinstance(sub, PagerDutySubscription):
        ref = sub.integration_key
        return SubscriptionPlan("pagerduty", "https", ref.key, ref.is_secret, PAGERDUTY_ENDPOINT)
    if isinstance(sub, EmailSubscription):
        return SubscriptionPlan("email", "email", sub.endpoint.key, sub.endpoint.is_secret)
    if isinstance(sub, SmsSubscription):
        return SubscriptionPlan("sms", "sms", sub.endpoint.key, sub.endpoint.is_secret)
    if isinstance(sub, WebhookSubscription):
        ref = sub.endpoint
        return SubscriptionPlan(
            "webhook", "https", ref.key, ref.is_secret, raw_message_delivery=sub.raw_message_delivery
        )
    raise TypeError(f"unknown subscription kind: {sub!r}")


def routes_alarm_actions(route: SeverityRoute) -> bool:
    """Whether alarms of this severity publish at all.

    A severity publishes when somebody listens: it has a subscription or a digest. The shipped P4 route
    ("dashboard only") has neither, so P4 alarms carry no actions and show up on dashboards only; its
    topic still exists so that a digest or a subscription can be added by config alone.
    """
    return bool(route.subscriptions) or route.digest != "none"


def plan_routing(ctx: StackContext, names: Namer, routing: dict[Severity, SeverityRoute]) -> RoutingPlan:
    """Plan one topic per routed severity (P1 first) and the key that encrypts them."""
    key = KmsKeyPlan(
        alias=names.kms_alias("alarms"),
        description=f"Vigil {ctx.stack}: encrypts the alarm notification topics",
        policy=alarms_key_policy(account_id=ctx.account_id),
    )
    topics: list[TopicPlan] = []
    for severity in sorted(routing):
        route = routing[severity]
        name = names.topic_name(severity)
        arn = f"arn:aws:sns:{ctx.region}:{ctx.account_id}:{name}"
        publishes = routes_alarm_actions(route)
        topics.append(
            TopicPlan(
                severity=severity,
                name=name,
                arn=arn,
                policy=topic_policy(topic_arn=arn, account_id=ctx.account_id, region=ctx.region),
                subscriptions=tuple(plan_subscription(s) for s in route.subscriptions),
                alarm_actions=publishes,
                ok_actions=publishes and route.ok_actions,
                insufficient_data_actions=publishes and route.insufficient_data_actions,
                tags={"severity": severity.value},
            )
        )
    return RoutingPlan(kms_key=key, topics=tuple(topics))
