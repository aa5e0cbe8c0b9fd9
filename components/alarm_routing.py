"""``AlarmRouting``: one KMS-encrypted SNS topic per severity, publishable only by this account's alarms.

Each subscription receives only the alarm states it asks for (an SNS filter policy on the message body's
``NewStateValue``); https subscriptions keep what they could not deliver in a KMS-encrypted dead-letter queue;
chat channels are AWS Chatbot configurations; failed deliveries are reported on a separate topic.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from vigil.plan.naming import Naming
from vigil.plan.types import DeliveryPlan, RoutingPlan, SubscriptionPlan, TopicPlan
from vigil.spec.models.common import Severity

from .chat_channels import chat_channel
from .metric_namespace import kms_key
from .providers import RegionalProviders

#: Stack config namespace of subscription endpoints and secrets (``vigil:<key>``).
CONFIG_NAMESPACE = "vigil"


@dataclass(frozen=True)
class AlarmRoutingArgs:
    """The planned routing; endpoints are read from ``config`` (default: ``pulumi.Config("vigil")``).

    ``pagerduty_keys`` (severity -> integration key, from :class:`~components.pagerduty.PagerDutyService`) replace
    the ``{secret: ...}`` key of that severity's ``kind: pagerduty`` subscriptions.
    """

    plan: RoutingPlan
    tags: Mapping[str, str] = field(default_factory=dict)
    config: pulumi.Config | None = None
    pagerduty_keys: Mapping[Severity, pulumi.Output[str]] = field(default_factory=dict)


def endpoint(config: pulumi.Config, sub: SubscriptionPlan) -> pulumi.Input[str]:
    """The endpoint of a subscription: secrets with ``require_secret`` (they stay secret), others ``require``."""
    if sub.secret:
        return config.require_secret(sub.config_key).apply(sub.endpoint_template.format)
    return sub.endpoint_template.format(config.require(sub.config_key))


class AlarmRouting(pulumi.ComponentResource):
    """SNS topics per severity with a topic policy, a customer KMS key, and subscriptions from stack config.

    Example::

        >>> routing = AlarmRouting("alarms", AlarmRoutingArgs(plan=stack_plan.routing))  # doctest: +SKIP
        >>> routing.topic_arns[Severity.P1]  # doctest: +SKIP

    Attributes: ``topic_arns`` (severity -> topic ARN), ``kms_key_arn``, ``delivery_topic_arn`` (None without a
    ``delivery_failures`` route).
    """

    topic_arns: dict[Severity, pulumi.Output[str]]
    kms_key_arn: pulumi.Output[str]
    delivery_topic_arn: pulumi.Output[str] | None
    pagerduty_keys: dict[Severity, pulumi.Output[str]]

    def __init__(self, name: str, args: AlarmRoutingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("vigil:alarm_routing:AlarmRouting", name, None, opts)
        config = args.config or pulumi.Config(CONFIG_NAMESPACE)
        tags = dict(args.tags)
        key = kms_key("alarms", args.plan.kms_key, tags, self)
        self.kms_key_arn = key.arn
        delivery = args.plan.delivery
        queue = self._queue(delivery, key, tags) if delivery and delivery.has_queue else None
        self.pagerduty_keys = dict(args.pagerduty_keys)
        self.topic_arns = {t.severity: self._topic(t, key, tags, config, queue) for t in args.plan.topics}
        self.delivery_topic_arn = self._delivery_topic(delivery, key, tags, config) if delivery else None
        chatbot = RegionalProviders("chatbot", self)
        for channel in args.plan.chat_channels:
            chat_channel(channel, self.topic_arns, config, tags, self, chatbot)
        outputs: dict[str, object] = {
            "topic_arns": {s.value: arn for s, arn in self.topic_arns.items()},
            "kms_key_arn": self.kms_key_arn,
        }
        if self.delivery_topic_arn is not None:
            outputs["delivery_topic_arn"] = self.delivery_topic_arn
        self.register_outputs(outputs)

    def _endpoint(self, severity: Severity, config: pulumi.Config, sub: SubscriptionPlan) -> pulumi.Input[str]:
        managed = self.pagerduty_keys.get(severity) if sub.kind == "pagerduty" else None
        if managed is not None:
            return pulumi.Output.secret(managed.apply(sub.endpoint_template.format))
        return endpoint(config, sub)

    def _queue(self, plan: DeliveryPlan, key: aws.kms.Key, tags: dict[str, str]) -> aws.sqs.Queue:
        """The dead-letter queue of https subscriptions: encrypted, kept 14 days, writable only by our topics."""
        child = pulumi.ResourceOptions(parent=self)
        queue = aws.sqs.Queue(
            Naming.logical("queue", plan.queue_name),
            name=plan.queue_name,
            kms_master_key_id=key.arn,
            message_retention_seconds=14 * 24 * 3600,
            tags={**tags, **plan.tags},
            opts=child,
        )
        aws.sqs.QueuePolicy(
            Naming.logical("queue-policy", plan.queue_name), queue_url=queue.url, policy=plan.queue_policy, opts=child
        )
        return queue

    def _delivery_topic(
        self, plan: DeliveryPlan, key: aws.kms.Key, tags: dict[str, str], config: pulumi.Config
    ) -> pulumi.Output[str]:
        topic = TopicPlan(
            severity=plan.severity,
            name=plan.topic_name,
            arn=plan.topic_arn,
            policy=plan.topic_policy,
            subscriptions=plan.subscriptions,
            alarm_actions=True,
            ok_actions=True,
            insufficient_data_actions=False,
            tags=dict(plan.tags),
        )
        return self._topic(topic, key, tags, config, None)

    def _topic(
        self,
        plan: TopicPlan,
        key: aws.kms.Key,
        tags: dict[str, str],
        config: pulumi.Config,
        queue: aws.sqs.Queue | None,
    ) -> pulumi.Output[str]:
        child = pulumi.ResourceOptions(parent=self)
        topic = aws.sns.Topic(
            Naming.logical("topic", plan.name),
            name=plan.name,
            kms_master_key_id=key.arn,
            delivery_policy=plan.delivery_policy,
            tags={**tags, **plan.tags},
            opts=child,
        )
        aws.sns.TopicPolicy(Naming.logical("topic-policy", plan.name), arn=topic.arn, policy=plan.policy, opts=child)
        for index, sub in enumerate(plan.subscriptions):
            redrive = (
                queue.arn.apply(lambda arn: json.dumps({"deadLetterTargetArn": arn}))
                if queue is not None and sub.dead_letter
                else None
            )
            aws.sns.TopicSubscription(
                Naming.logical("subscription", plan.name, str(index), sub.kind),
                topic=topic.arn,
                protocol=sub.protocol,
                endpoint=self._endpoint(plan.severity, config, sub),
                raw_message_delivery=sub.raw_message_delivery or None,
                filter_policy=sub.filter_policy,
                filter_policy_scope="MessageBody" if sub.filter_policy else None,
                redrive_policy=redrive,
                opts=child,
            )
        return topic.arn
