"""Plan of alarm routing: one KMS-encrypted SNS topic per severity, its policy, subscriptions and chat channels,
and the delivery-failure path (its own topic and the dead-letter queue of https subscriptions)."""

from __future__ import annotations

import json

from vigil.plan.iam import (
    alarms_key_policy,
    chatbot_notifications_policy,
    chatbot_trust_policy,
    dead_letter_queue_policy,
    topic_policy,
)
from vigil.plan.naming import Naming
from vigil.plan.types import (
    ChatChannelPlan,
    DeliveryPlan,
    KmsKeyPlan,
    RoutingPlan,
    StackContext,
    SubscriptionPlan,
    TopicPlan,
)
from vigil.spec.models.common import Severity
from vigil.spec.models.routing import (
    CHAT_KINDS,
    DeliveryFailureRoute,
    EmailSubscription,
    PagerDutySubscription,
    SeverityRoute,
    SlackChannel,
    SmsSubscription,
    Subscription,
    TeamsChannel,
    WebhookSubscription,
)

#: PagerDuty's CloudWatch integration endpoint; ``{}`` is the integration key (a secret).
PAGERDUTY_ENDPOINT = "https://events.pagerduty.com/integration/{}/enqueue"
#: SNS retries of one HTTP(S) delivery (PagerDuty, webhooks, AWS Chatbot) before it gives up, 20 s apart: SNS's
#: documented default, planned explicitly on each topic so the delivery-failure alarms can rely on it.
HTTP_RETRIES = 3
HTTP_RETRY_DELAY_SECONDS = 20


def http_delivery_policy() -> str:
    """The topic delivery policy: :data:`HTTP_RETRIES` retries of an HTTP(S) delivery, 20 s apart.

    >>> import json; json.loads(http_delivery_policy())["http"]["defaultHealthyRetryPolicy"]["numRetries"]
    3
    """
    delay = HTTP_RETRY_DELAY_SECONDS
    retry = {
        "minDelayTarget": delay,
        "maxDelayTarget": delay,
        "numRetries": HTTP_RETRIES,
        "numMaxDelayRetries": 0,
        "numNoDelayRetries": 0,
        "numMinDelayRetries": 0,
        "backoffFunction": "linear",
    }
    return json.dumps({"http": {"defaultHealthyRetryPolicy": retry, "disableSubscriptionOverrides": True}})


#: Chatbot guardrail: whatever a channel member asks Chatbot to do, it can at most read CloudWatch.
CHAT_GUARDRAIL = "arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"


def plan_subscription(sub: Subscription) -> SubscriptionPlan:
    """The SNS subscription of one routing entry (not a chat channel: see :func:`plan_chat_channels`).

    >>> from vigil.spec.models.routing import PagerDutySubscription
    >>> s = plan_subscription(PagerDutySubscription(kind="pagerduty", integration_key={"secret": "pd_p1"}))
    >>> (s.protocol, s.config_key, s.secret, s.endpoint_template.format("KEY"), s.states)
    ('https', 'pd_p1', True, 'https://events.pagerduty.com/integration/KEY/enqueue', ('ALARM', 'OK'))
    """
    if isinstance(sub, PagerDutySubscription):
        ref = sub.integration_key
        return SubscriptionPlan(
            "pagerduty", "https", ref.key, ref.is_secret, PAGERDUTY_ENDPOINT, states=sub.notify, dead_letter=True
        )
    if isinstance(sub, EmailSubscription):
        return SubscriptionPlan("email", "email", sub.endpoint.key, sub.endpoint.is_secret, states=sub.notify)
    if isinstance(sub, SmsSubscription):
        return SubscriptionPlan("sms", "sms", sub.endpoint.key, sub.endpoint.is_secret, states=sub.notify)
    if isinstance(sub, WebhookSubscription):
        ref = sub.endpoint
        return SubscriptionPlan(
            "webhook",
            "https",
            ref.key,
            ref.is_secret,
            raw_message_delivery=sub.raw_message_delivery,
            states=sub.notify,
            dead_letter=True,
        )
    raise TypeError(f"not an SNS subscription: {sub!r}")


def routes_alarm_actions(route: SeverityRoute, page_people: bool = True) -> bool:
    """Whether alarms of this severity publish at all: somebody listens (a subscription or a chat channel)."""
    return any(page_people or s.kind in CHAT_KINDS for s in route.subscriptions)


def channel_label(config_key: str) -> str:
    """A short label of a channel from its config key, for the Chatbot configuration name.

    >>> channel_label("slack_incidents_channel_id"), channel_label("teams_p4_channel")
    ('incidents', 'p4')
    """
    label = config_key.lower()
    for prefix in ("slack_", "teams_"):
        label = label.removeprefix(prefix)
    for suffix in ("_channel_id", "_channel", "_id"):
        label = label.removesuffix(suffix)
    return label.replace("_", "-") or "channel"


def plan_chat_channels(
    ctx: StackContext, names: Naming, routing: dict[Severity, SeverityRoute]
) -> tuple[ChatChannelPlan, ...]:
    """One Chatbot configuration per distinct chat channel, subscribed to every severity routed to it."""
    channels: dict[tuple[str, ...], tuple[SlackChannel | TeamsChannel, list[Severity]]] = {}
    for severity in sorted(routing):
        for sub in routing[severity].subscriptions:
            if isinstance(sub, SlackChannel):
                key: tuple[str, ...] = ("slack", sub.workspace.key, sub.channel.key)
            elif isinstance(sub, TeamsChannel):
                key = ("teams", sub.tenant.key, sub.team.key, sub.channel.key)
            else:
                continue
            channels.setdefault(key, (sub, []))[1].append(severity)
    plans: list[ChatChannelPlan] = []
    for key, (sub, severities) in channels.items():
        name = names.chat_configuration_name(f"{sub.kind}-{channel_label(key[-1])}")
        keys = (
            {"slack_team_id": sub.workspace.key, "slack_channel_id": sub.channel.key}
            if isinstance(sub, SlackChannel)
            else {"tenant_id": sub.tenant.key, "team_id": sub.team.key, "channel_id": sub.channel.key}
        )
        label = f"{sub.kind}-{channel_label(key[-1])}"
        plans.append(
            ChatChannelPlan(
                kind=sub.kind,
                name=name,
                config_keys=keys,
                severities=tuple(severities),
                role_name=names.role_name(name, "chatbot"),
                role_trust_policy=chatbot_trust_policy(account_id=ctx.account_id),
                role_policy=chatbot_notifications_policy(),
                guardrail_policy_arns=(CHAT_GUARDRAIL,),
                tags={"severities": " ".join(s.value for s in severities)},
                region=ctx.region_of("chatbot"),
                spec_name=label,
            )
        )
    return tuple(plans)


def plan_delivery(
    ctx: StackContext, names: Naming, route: DeliveryFailureRoute | None, topics: list[TopicPlan]
) -> DeliveryPlan | None:
    """The delivery-failure topic (its own subscriptions) and the dead-letter queue of https subscriptions."""
    if route is None:
        return None
    name = names.delivery_topic_name()
    arn = f"arn:aws:sns:{ctx.region}:{ctx.account_id}:{name}"
    queue = names.dead_letter_queue_name()
    queue_arn = f"arn:aws:sqs:{ctx.region}:{ctx.account_id}:{queue}"
    return DeliveryPlan(
        severity=route.severity,
        topic_name=name,
        topic_arn=arn,
        topic_policy=topic_policy(topic_arn=arn, account_id=ctx.account_id, region=ctx.region),
        subscriptions=tuple(plan_subscription(s) for s in route.subscriptions),
        queue_name=queue,
        queue_arn=queue_arn,
        queue_policy=dead_letter_queue_policy(queue_arn=queue_arn, topic_arns=[t.arn for t in topics]),
        tags={"purpose": "delivery-failures"},
        has_queue=any(s.dead_letter for t in topics for s in t.subscriptions),
        spec_name="delivery_failures",
    )


def plan_routing(
    ctx: StackContext,
    names: Naming,
    routing: dict[Severity, SeverityRoute],
    delivery: DeliveryFailureRoute | None = None,
) -> RoutingPlan:
    """Plan one topic per routed severity (P1 first), its chat channels, the delivery path and the key.

    When the stack does not page people (``ctx.page_people`` false) only chat channels listen.
    """
    key = KmsKeyPlan(
        alias=names.kms_alias("alarms"),
        description=f"Vigil {ctx.stack}: encrypts the alarm notification topics and their dead-letter queue",
        policy=alarms_key_policy(account_id=ctx.account_id),
        spec_name="alarms",
    )
    topics: list[TopicPlan] = []
    for severity in sorted(routing):
        route = routing[severity]
        name = names.topic_name(severity)
        arn = f"arn:aws:sns:{ctx.region}:{ctx.account_id}:{name}"
        publishes = routes_alarm_actions(route, ctx.page_people)
        people = [s for s in route.subscriptions if s.kind not in CHAT_KINDS] if ctx.page_people else []
        topics.append(
            TopicPlan(
                severity=severity,
                name=name,
                arn=arn,
                policy=topic_policy(topic_arn=arn, account_id=ctx.account_id, region=ctx.region),
                subscriptions=tuple(plan_subscription(s) for s in people),
                alarm_actions=publishes,
                ok_actions=publishes and route.ok_actions,
                insufficient_data_actions=publishes and route.insufficient_data_actions,
                tags={"severity": severity.value},
                spec_name=severity.value,
                delivery_policy=http_delivery_policy(),
            )
        )
    with_subscribers = [t for t in topics if t.alarm_actions]
    return RoutingPlan(
        kms_key=key,
        topics=tuple(topics),
        chat_channels=plan_chat_channels(ctx, names, routing),
        delivery=plan_delivery(ctx, names, delivery, with_subscribers),
    )
