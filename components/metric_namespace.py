"""``MetricNamespace``: one namespace's log group (retention, KMS key), metric filters, saved queries, agent config."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from vigil.plan.naming import Naming
from vigil.plan.types import KmsKeyPlan, LogGroupPlan, NamespacePlan

from .new_errors import new_error_detector


@dataclass(frozen=True)
class MetricNamespaceArgs:
    """The planned namespace and the tags every resource gets."""

    plan: NamespacePlan
    tags: Mapping[str, str] = field(default_factory=dict)


def kms_key(name: str, key: KmsKeyPlan, tags: Mapping[str, str], parent: pulumi.Resource) -> aws.kms.Key:
    """A rotating customer managed key with its policy and alias (shared with ``AlarmRouting``)."""
    resource = aws.kms.Key(
        Naming.logical("kms-key", name),
        description=key.description,
        policy=key.policy,
        enable_key_rotation=True,
        deletion_window_in_days=30,
        tags={**tags, **key.tags},
        opts=pulumi.ResourceOptions(parent=parent),
    )
    aws.kms.Alias(
        Naming.logical("kms-alias", name),
        name=key.alias,
        target_key_id=resource.key_id,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return resource


class MetricNamespace(pulumi.ComponentResource):
    """The log side of one metric namespace, and the IAM policy its application needs.

    Example::

        >>> ns = MetricNamespace("api", MetricNamespaceArgs(plan=stack_plan.namespaces[0]))  # doctest: +SKIP
        >>> pulumi.export("api_policy", ns.app_policy_json)  # doctest: +SKIP

    Attributes: ``log_group_name``, ``log_group_arn`` (None without a log group), ``kms_key_arn``,
    ``app_policy_json`` (logs:PutLogEvents on the log group, PutMetricData limited to the namespace).
    """

    log_group_name: pulumi.Output[str] | None
    log_group_arn: pulumi.Output[str] | None
    kms_key_arn: pulumi.Output[str] | None
    app_policy_json: pulumi.Output[str]

    def __init__(self, name: str, args: MetricNamespaceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("vigil:metric_namespace:MetricNamespace", name, None, opts)
        plan, tags = args.plan, dict(args.tags)
        self.log_group_name = self.log_group_arn = self.kms_key_arn = None
        self.app_policy_json = pulumi.Output.from_input(plan.app_policy)
        if plan.log_group is not None:
            group = self._log_group(plan, plan.log_group, tags)
            self.log_group_name, self.log_group_arn = group.name, group.arn
        outputs: dict[str, object] = {"app_policy_json": self.app_policy_json, "namespace": plan.namespace}
        if self.log_group_name is not None:
            outputs.update(log_group_name=self.log_group_name, log_group_arn=self.log_group_arn)
        self.register_outputs(outputs)

    def _log_group(self, plan: NamespacePlan, lg: LogGroupPlan, tags: dict[str, str]) -> aws.cloudwatch.LogGroup:
        child = pulumi.ResourceOptions(parent=self)
        key_arn: pulumi.Input[str] | None = None
        if lg.kms_key is not None:
            key = kms_key(f"logs-{plan.service}", lg.kms_key, tags, self)
            key_arn = self.kms_key_arn = key.arn
        elif lg.existing_kms_alias is not None:
            key_arn = self.kms_key_arn = aws.kms.get_alias_output(name=lg.existing_kms_alias).target_key_arn
        group = aws.cloudwatch.LogGroup(
            Naming.logical("log-group", lg.name),
            name=lg.name,
            retention_in_days=lg.retention_days,
            kms_key_id=key_arn,
            tags={**tags, **lg.tags},
            opts=child,
        )
        after_group = pulumi.ResourceOptions(parent=self, depends_on=[group])
        for f in plan.metric_filters:
            transformation: aws.cloudwatch.LogMetricFilterMetricTransformationArgsDict = {
                "name": f.metric_name,
                "namespace": f.namespace,
                "value": f.value,
            }
            if f.default_value is not None:
                transformation["default_value"] = f"{f.default_value:g}"
            if f.dimensions:
                transformation["dimensions"] = dict(f.dimensions)
            aws.cloudwatch.LogMetricFilter(
                Naming.logical("metric-filter", f.name),
                name=f.name,
                log_group_name=f.log_group_name,
                pattern=f.pattern,
                metric_transformation=transformation,
                opts=after_group,
            )
        for q in plan.queries:
            aws.cloudwatch.QueryDefinition(
                Naming.logical("query", q.name),
                name=q.name,
                query_string=q.query_string,
                log_group_names=list(q.log_group_names),
                opts=after_group,
            )
        for rule in plan.contributor_rules:
            aws.cloudwatch.ContributorInsightRule(
                Naming.logical("contributor-rule", rule.name),
                rule_name=rule.name,
                rule_definition=rule.definition,
                rule_state="ENABLED",
                tags={**tags, **rule.tags},
                opts=after_group,
            )
        if plan.new_errors is not None:
            new_error_detector(plan.new_errors, tags, self, group, key_arn)
        if plan.agent_config is not None:
            aws.ssm.Parameter(
                Naming.logical("agent-config", plan.service),
                name=plan.agent_config.parameter_name,
                type="String",
                insecure_value=plan.agent_config.config,
                description=f"CloudWatch agent config for {plan.service}: EMF and logs to {lg.name}",
                tags={**tags, **plan.agent_config.tags},
                opts=child,
            )
        return group
