"""Plan of one metric namespace: log group, KMS key, metric filters, saved queries, app policy, agent config."""

from __future__ import annotations

from vigil.plan.policies import app_policy, dump, logs_key_policy
from vigil.plan.types import (
    AgentConfigPlan,
    KmsKeyPlan,
    LogGroupPlan,
    MetricFilterPlan,
    Namer,
    NamespacePlan,
    QueryDefinitionPlan,
    StackContext,
)
from vigil.spec.models.metrics import LogGroupSpec, MetricNamespaceSpec
from vigil.spec.models.stack import StackSpec

#: Retention when neither the stack nor the spec sets one: every log group has a retention.
DEFAULT_RETENTION_DAYS = 30


def log_group_arn(ctx: StackContext, name: str) -> str:
    """The ARN of a log group (without the ``:*`` suffix).

    >>> log_group_arn(StackContext("dev", "dev", "eu-west-1", "123456789012"), "/vigil/api")
    'arn:aws:logs:eu-west-1:123456789012:log-group:/vigil/api'
    """
    return f"arn:aws:logs:{ctx.region}:{ctx.account_id}:log-group:{name}"


def retention_days(namespace: str, log_group: LogGroupSpec, stack: StackSpec | None) -> int:
    """Effective retention: per-namespace stack override, then the stack-wide value, then the spec, then 30."""
    if stack is not None:
        override = stack.overrides.retention.get(namespace)
        if override is not None:
            return override
        if stack.retention_days is not None:
            return stack.retention_days
    return log_group.retention_days if log_group.retention_days is not None else DEFAULT_RETENTION_DAYS


def agent_config(ctx: StackContext, service: str, log_group: str) -> str:
    """CloudWatch agent config: accept EMF (TCP/UDP 25888) and ship the service's log file to its log group."""
    return dump(
        {
            "agent": {"region": ctx.region},
            "logs": {
                "force_flush_interval": 5,
                "metrics_collected": {"emf": {}},
                "logs_collected": {
                    "files": {
                        "collect_list": [
                            {
                                "file_path": f"/var/log/vigil/{service}/*.log",
                                "log_group_name": log_group,
                                "log_stream_name": "{instance_id}",
                            }
                        ]
                    }
                },
            },
        }
    )


def _log_group(
    ctx: StackContext, names: Namer, spec: MetricNamespaceSpec, lg: LogGroupSpec, stack: StackSpec | None
) -> LogGroupPlan:
    arn = log_group_arn(ctx, lg.name)
    tags = {"service": spec.service}
    key = None
    if lg.kms.enabled and lg.kms.key_alias is None:
        key = KmsKeyPlan(
            alias=names.kms_alias(f"logs-{spec.service}"),
            description=f"Vigil {ctx.stack}: encrypts log group {lg.name}",
            policy=logs_key_policy(account_id=ctx.account_id, region=ctx.region, log_group_arn=arn),
            tags=tags,
        )
    return LogGroupPlan(
        name=lg.name,
        arn=arn,
        retention_days=retention_days(spec.namespace, lg, stack),
        kms_key=key,
        existing_kms_alias=lg.kms.key_alias if lg.kms.enabled else None,
        tags=tags,
    )


def plan_namespace(
    ctx: StackContext, names: Namer, spec: MetricNamespaceSpec, stack: StackSpec | None = None
) -> NamespacePlan:
    """Plan everything one namespace provisions.

    >>> from vigil.components.naming import Naming  # doctest: +SKIP
    >>> plan_namespace(ctx, Naming("dev"), project.namespaces["Vigil/API"]).log_group.retention_days  # doctest: +SKIP
    30
    """
    lg = spec.log_group
    if lg is None:
        return NamespacePlan(spec.namespace, spec.service, None, (), (), app_policy(None, spec.namespace), None)
    group = _log_group(ctx, names, spec, lg, stack)
    filters = tuple(
        MetricFilterPlan(
            name=names.metric_filter_name(spec.service, name),
            log_group_name=lg.name,
            pattern=f.pattern,
            metric_name=f.metric,
            namespace=spec.namespace,
            value=f.value,
            default_value=f.default_value,
            dimensions=dict(f.dimensions),
        )
        for name, f in sorted(lg.metric_filters.items())
    )
    queries = tuple(
        QueryDefinitionPlan(names.query_definition_name(spec.service, name), (lg.name,), q.query)
        for name, q in sorted(lg.queries.items())
    )
    agent = AgentConfigPlan(
        parameter_name=names.agent_parameter_name(spec.service),
        config=agent_config(ctx, spec.service, lg.name),
        tags={"service": spec.service},
    )
    return NamespacePlan(
        namespace=spec.namespace,
        service=spec.service,
        log_group=group,
        metric_filters=filters,
        queries=queries,
        app_policy=app_policy(group.arn, spec.namespace),
        agent_config=agent,
    )
