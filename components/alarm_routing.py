"""``AlarmRouting``: one KMS-encrypted SNS topic per severity, publishable only by this account's alarms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from vigil.plan.types import RoutingPlan, SubscriptionPlan, TopicPlan
from vigil.spec.models.common import Severity

from .metric_namespace import kms_key
from .naming import Naming

#: Stack config namespace of subscription endpoints and secrets (``vigil:<key>``).
CONFIG_NAMESPACE = "vigil"


@dataclass(frozen=True)
class AlarmRoutingArgs:
    """The planned routing; endpoints are read from ``config`` (default: ``pulumi.Config("vigil")``)."""

    plan: RoutingPlan
    tags: Mapping[str, str] = field(default_factory=dict)
    config: pulumi.Config | None = None


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

    Attributes: ``topic_arns`` (severity -> topic ARN), ``kms_key_arn``.
    """

    topic_arns: dict[Severity, pulumi.Output[str]]
    kms_key_arn: pulumi.Output[str]

    def __init__(self, name: str, args: AlarmRoutingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("vigil:alarm_routing:AlarmRouting", name, None, opts)
        config = args.config or pulumi.Config(CONFIG_NAMESPACE)
        tags = dict(args.tags)
        key = kms_key("alarms", args.plan.kms_key, tags, self)
        self.kms_key_arn = key.arn
        self.topic_arns = {t.severity: self._topic(t, key, tags, config) for t in args.plan.topics}
        self.register_outputs(
            {"topic_arns": {s.value: arn for s, arn in self.topic_arns.items()}, "kms_key_arn": self.kms_key_arn}
        )

    def _topic(
        self, plan: TopicPlan, key: aws.kms.Key, tags: dict[str, str], config: pulumi.Config
    ) -> pulumi.Output[str]:
        child = pulumi.ResourceOptions(parent=self)
        topic = aws.sns.Topic(
            Naming.logical("topic", plan.name),
            name=plan.name,
            kms_master_key_id=key.arn,
            tags={**tags, **plan.tags},
            opts=child,
        )
        aws.sns.TopicPolicy(Naming.logical("topic-policy", plan.name), arn=topic.arn, policy=plan.policy, opts=child)
        for index, sub in enumerate(plan.subscriptions):
            aws.sns.TopicSubscription(
                Naming.logical("subscription", plan.name, str(index), sub.kind),
                topic=topic.arn,
                protocol=sub.protocol,
                endpoint=endpoint(config, sub),
                raw_message_delivery=sub.raw_message_delivery or None,
                opts=child,
            )
        return topic.arn
