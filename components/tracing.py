"""``Tracing``: the X-Ray side of tracing (sampling rules, groups) and log anomaly detection, from the plan."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from vigil.plan.naming import Naming
from vigil.plan.types import LogAnomalyDetectorPlan, SamplingRulePlan, TraceGroupPlan, TracingPlan


@dataclass(frozen=True)
class TracingArgs:
    """The planned tracing side, the anomaly detectors of the log groups, tags, and what they wait for."""

    plan: TracingPlan
    anomaly_detectors: Sequence[LogAnomalyDetectorPlan] = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    depends_on: Sequence[pulumi.Resource] = ()


class Tracing(pulumi.ComponentResource):
    """One X-Ray sampling rule and group per service, and one CloudWatch Logs anomaly detector per log group.

    Example::

        >>> plan = plan_project(project, Naming.for_project(project), "123456789012")  # doctest: +SKIP
        >>> detectors = [ns.anomaly_detector for ns in plan.namespaces if ns.anomaly_detector]  # doctest: +SKIP
        >>> tracing = Tracing("tracing", TracingArgs(plan.tracing, detectors))  # doctest: +SKIP

    Attributes: ``group_arns`` and ``sampling_rule_arns`` (service -> ARN), ``anomaly_detector_arns``
    (detector name -> ARN), ``app_environment`` (service -> environment variables of its process),
    ``collector_policy`` (IAM policy JSON for the CloudWatch agent / ADOT collector role).
    """

    group_arns: dict[str, pulumi.Output[str]]
    sampling_rule_arns: dict[str, pulumi.Output[str]]
    anomaly_detector_arns: dict[str, pulumi.Output[str]]
    app_environment: dict[str, dict[str, str]]
    collector_policy: str

    def __init__(self, name: str, args: TracingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("vigil:tracing:Tracing", name, None, opts)
        tags = dict(args.tags)
        self.sampling_rule_arns = {r.service_name: self._sampling_rule(r, tags) for r in args.plan.sampling_rules}
        self.group_arns = {g.tags.get("service", g.name): self._group(g, tags) for g in args.plan.groups}
        after_logs = pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on))
        self.anomaly_detector_arns = {
            d.name: self._anomaly_detector(d, tags, after_logs) for d in args.anomaly_detectors
        }
        self.app_environment = {service: dict(env) for service, env in args.plan.app_environment.items()}
        self.collector_policy = args.plan.collector_policy
        self.register_outputs(
            {
                "group_arns": self.group_arns,
                "sampling_rule_arns": self.sampling_rule_arns,
                "anomaly_detector_arns": self.anomaly_detector_arns,
                "app_environment": self.app_environment,
            }
        )

    def _sampling_rule(self, rule: SamplingRulePlan, tags: dict[str, str]) -> pulumi.Output[str]:
        return aws.xray.SamplingRule(
            Naming.logical("xray-sampling-rule", rule.name),
            rule_name=rule.name,
            priority=rule.priority,
            fixed_rate=rule.fixed_rate,
            reservoir_size=rule.reservoir_size,
            service_name=rule.service_name,
            service_type="*",
            host="*",
            http_method="*",
            url_path="*",
            resource_arn="*",
            version=1,
            attributes=dict(rule.attributes) or None,
            tags={**tags, **rule.tags},
            opts=pulumi.ResourceOptions(parent=self),
        ).arn

    def _group(self, group: TraceGroupPlan, tags: dict[str, str]) -> pulumi.Output[str]:
        return aws.xray.Group(
            Naming.logical("xray-group", group.name),
            group_name=group.name,
            filter_expression=group.filter_expression,
            insights_configuration={"insights_enabled": group.insights_enabled, "notifications_enabled": False},
            tags={**tags, **group.tags},
            opts=pulumi.ResourceOptions(parent=self),
        ).arn

    def _anomaly_detector(
        self, detector: LogAnomalyDetectorPlan, tags: dict[str, str], opts: pulumi.ResourceOptions
    ) -> pulumi.Output[str]:
        return aws.cloudwatch.LogAnomalyDetector(
            Naming.logical("log-anomaly-detector", detector.name),
            detector_name=detector.name,
            log_group_arn_lists=[detector.log_group_arn],
            evaluation_frequency=detector.evaluation_frequency,
            anomaly_visibility_time=detector.anomaly_visibility_days,
            enabled=True,
            tags={**tags, **detector.tags},
            opts=opts,
        ).arn
