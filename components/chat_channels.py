"""AWS Chatbot channel configurations (Slack, Microsoft Teams) subscribed to alarm topics.

Slack and Teams cannot confirm an SNS https subscription or read SNS's JSON, so chat goes through AWS Chatbot:
Chatbot subscribes itself to the topics and renders each alarm. Each channel gets an IAM role Chatbot assumes
(read CloudWatch to draw the alarm's graph) and a CloudWatch read-only guardrail, so nobody in the channel can
make Chatbot change anything. The Slack workspace (or Teams tenant) is authorised once, by hand, in the
Chatbot console; its ids come from the stack config. The configuration lives in a region that serves Chatbot's
API (``vigil:chatbot_region``) and subscribes to the stack's topics across regions.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from vigil.plan.naming import Naming
from vigil.plan.types import ChatChannelPlan
from vigil.spec.models.common import Severity

from .providers import RegionalProviders


def chat_channel(
    plan: ChatChannelPlan,
    topic_arns: Mapping[Severity, pulumi.Input[str]],
    config: pulumi.Config,
    tags: Mapping[str, str],
    parent: pulumi.Resource,
    providers: RegionalProviders,
) -> pulumi.Resource:
    """The role and the Chatbot configuration of one channel (children of ``parent``).

    The configuration is created in ``plan.region`` through the explicit provider of that region: Chatbot's API
    is served in few regions (:data:`vigil.spec.regions.CONTROL_PLANES`), usually not the stack's.
    """
    child = pulumi.ResourceOptions(parent=parent)
    regional = providers.options(plan.region)
    role = aws.iam.Role(
        Naming.logical("chatbot-role", plan.name),
        name=plan.role_name,
        assume_role_policy=plan.role_trust_policy,
        tags={**tags, **plan.tags},
        opts=child,
    )
    aws.iam.RolePolicy(
        Naming.logical("chatbot-role-policy", plan.name), role=role.id, policy=plan.role_policy, opts=child
    )
    ids = {field: config.require(key) for field, key in plan.config_keys.items()}
    topics = [topic_arns[s] for s in plan.severities if s in topic_arns]
    all_tags = {**tags, **plan.tags}
    guardrails = list(plan.guardrail_policy_arns)
    if plan.kind == "slack":
        return aws.chatbot.SlackChannelConfiguration(
            Naming.logical("slack-channel", plan.name),
            configuration_name=plan.name,
            iam_role_arn=role.arn,
            slack_team_id=ids["slack_team_id"],
            slack_channel_id=ids["slack_channel_id"],
            guardrail_policy_arns=guardrails,
            sns_topic_arns=topics,
            logging_level="ERROR",
            tags=all_tags,
            opts=regional,
        )
    return aws.chatbot.TeamsChannelConfiguration(
        Naming.logical("teams-channel", plan.name),
        configuration_name=plan.name,
        iam_role_arn=role.arn,
        tenant_id=ids["tenant_id"],
        team_id=ids["team_id"],
        channel_id=ids["channel_id"],
        guardrail_policy_arns=guardrails,
        sns_topic_arns=topics,
        logging_level="ERROR",
        tags=all_tags,
        opts=regional,
    )
