"""Plan of one metric namespace: log group, KMS key, metric filters, saved queries, app policy, agent config."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from vigil.plan.iam import app_policy, dump, logs_key_policy
from vigil.plan.naming import Naming
from vigil.plan.new_errors import function_log_group, plan_new_errors
from vigil.plan.types import (
    AgentConfigPlan,
    ContributorRulePlan,
    KmsKeyPlan,
    LogAnomalyDetectorPlan,
    LogGroupPlan,
    MetricFilterPlan,
    NamespacePlan,
    QueryDefinitionPlan,
    StackContext,
)
from vigil.spec.models.metrics import ContributorRuleSpec, LogGroupSpec, MetricNamespaceSpec
from vigil.spec.models.stack import StackSpec

#: Retention when neither the stack nor the spec sets one: every log group has a retention.
DEFAULT_RETENTION_DAYS = 30
#: Log anomaly detection: how often the detector runs, and how long an unfixed anomaly stays visible before it
#: becomes the baseline (7-90 days).
ANOMALY_EVALUATION_FREQUENCY = "FIFTEEN_MIN"
ANOMALY_VISIBILITY_DAYS = 21


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


def _local_otlp(stack: StackSpec | None) -> str | None:
    """``host:port`` the agent listens on for OTLP/HTTP spans, when tracing is on and sent to this host."""
    if stack is not None and not stack.tracing.enabled:
        return None
    endpoint = urlsplit(stack.tracing.otlp_endpoint if stack is not None else "http://127.0.0.1:4318/v1/traces")
    if endpoint.hostname not in ("127.0.0.1", "localhost"):
        return None  # spans go to a collector elsewhere
    return f"{endpoint.hostname}:{endpoint.port or 4318}"


def agent_config(ctx: StackContext, service: str, log_group: str, otlp_http: str | None = None) -> str:
    """CloudWatch agent config: accept EMF (TCP/UDP 25888), ship the service's log file to its log group, and
    (``otlp_http``) receive OTLP spans on that address and forward them to X-Ray."""
    traces = {"traces": {"traces_collected": {"otlp": {"http_endpoint": otlp_http}}}} if otlp_http else {}
    return dump(
        {
            **traces,
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
    ctx: StackContext, names: Naming, spec: MetricNamespaceSpec, lg: LogGroupSpec, stack: StackSpec | None
) -> LogGroupPlan:
    name = names.log_group_name(lg.name)
    arn = log_group_arn(ctx, name)
    tags = {"service": spec.service}
    key = None
    if lg.kms.enabled and lg.kms.key_alias is None:
        arns: str | list[str] = arn
        if lg.new_errors is not None:  # the detector function's own log group shares the key
            arns = [arn, log_group_arn(ctx, function_log_group(names, spec.service))]
        key = KmsKeyPlan(
            alias=names.kms_alias(f"logs-{spec.service}"),
            description=f"Vigil {ctx.stack}: encrypts log group {name}",
            policy=logs_key_policy(account_id=ctx.account_id, region=ctx.region, log_group_arn=arns),
            tags=tags,
            spec_name=spec.namespace,
        )
    return LogGroupPlan(
        name=name,
        arn=arn,
        retention_days=retention_days(spec.namespace, lg, stack),
        kms_key=key,
        existing_kms_alias=lg.kms.key_alias if lg.kms.enabled else None,
        tags=tags,
        spec_name=lg.name,
    )


def contributor_rule_definition(log_group: str, rule: ContributorRuleSpec) -> str:
    """The Contributor Insights rule JSON (CloudWatchLogRule schema, JSON log format) of one rule.

    >>> from vigil.spec.models import ContributorRuleSpec
    >>> rule = ContributorRuleSpec(keys=("$.user_id",), value_of="$.cost_usd")
    >>> contributor_rule_definition("/vigil/prod/worker", rule)[:61]
    '{"AggregateOn": "Sum", "Contribution": {"Keys": ["$.user_id"]'
    """
    contribution: dict[str, object] = {"Keys": list(rule.keys)}
    if rule.value_of is not None:
        contribution["ValueOf"] = rule.value_of
    filters: list[dict[str, object]] = []
    for f in rule.filters:
        entry: dict[str, object] = {"Match": f.match}
        if f.in_ is not None:
            entry["In"] = list(f.in_)
        elif f.is_present is not None:
            entry["IsPresent"] = f.is_present
        else:
            entry["GreaterThan"] = f.greater_than
        filters.append(entry)
    if filters:
        contribution["Filters"] = filters
    body = {
        "Schema": {"Name": "CloudWatchLogRule", "Version": 1},
        "LogGroupNames": [log_group],
        "LogFormat": "JSON",
        "Contribution": contribution,
        "AggregateOn": "Sum" if rule.value_of is not None else "Count",
    }
    return json.dumps(body, sort_keys=True)


def _anomaly_detector(names: Naming, spec: MetricNamespaceSpec, log_group_arn: str) -> LogAnomalyDetectorPlan:
    service = spec.service
    return LogAnomalyDetectorPlan(
        name=names.anomaly_detector_name(service),
        log_group_arn=log_group_arn,
        evaluation_frequency=ANOMALY_EVALUATION_FREQUENCY,
        anomaly_visibility_days=ANOMALY_VISIBILITY_DAYS,
        tags={"service": service},
        spec_name=spec.namespace,
    )


def plan_namespace(
    ctx: StackContext, names: Naming, spec: MetricNamespaceSpec, stack: StackSpec | None = None
) -> NamespacePlan:
    """Plan everything one namespace provisions.

    >>> from vigil.plan.naming import Naming
    >>> from vigil.spec.models import Project
    >>> from vigil.plan.project import stack_context
    >>> ns = {"version": "vigil/v1", "namespace": "Vigil/API", "service": "api", "log_group": {"name": "/vigil/api"}}
    >>> project = Project(namespaces={"Vigil/API": ns})
    >>> group = plan_namespace(stack_context(project, "123456789012"), Naming("dev"), project.namespaces["Vigil/API"])
    >>> group.log_group.name, group.log_group.retention_days
    ('/vigil/dev/api', 30)
    """
    lg = spec.log_group
    if lg is None:
        return NamespacePlan(
            spec.namespace,
            spec.service,
            None,
            (),
            (),
            app_policy(None, spec.namespace),
            None,
            spec_name=spec.namespace,
        )
    group = _log_group(ctx, names, spec, lg, stack)
    filters = tuple(
        MetricFilterPlan(
            name=names.metric_filter_name(spec.service, name),
            log_group_name=group.name,
            pattern=f.pattern,
            metric_name=f.metric,
            namespace=spec.namespace,
            value=f.value,
            default_value=f.default_value,
            dimensions=dict(f.dimensions),
            spec_name=name,
        )
        for name, f in sorted(lg.metric_filters.items())
    )
    queries = tuple(
        QueryDefinitionPlan(names.query_definition_name(spec.service, name), (group.name,), q.query, spec_name=name)
        for name, q in sorted(lg.queries.items())
    )
    agent = AgentConfigPlan(
        parameter_name=names.agent_parameter_name(spec.service),
        config=agent_config(ctx, spec.service, group.name, _local_otlp(stack)),
        tags={"service": spec.service},
        spec_name=spec.namespace,
    )
    detector = _anomaly_detector(names, spec, group.arn) if stack is None or stack.log_anomaly_detection else None
    rules = tuple(
        ContributorRulePlan(
            name=names.contributor_rule_name(spec.service, name),
            definition=contributor_rule_definition(group.name, rule),
            tags={"service": spec.service},
            spec_name=name,
        )
        for name, rule in sorted(lg.contributor_rules.items())
    )
    new_errors = plan_new_errors(ctx, names, spec, lg.new_errors, group) if lg.new_errors is not None else None
    return NamespacePlan(
        new_errors=new_errors,
        contributor_rules=rules,
        namespace=spec.namespace,
        service=spec.service,
        log_group=group,
        metric_filters=filters,
        queries=queries,
        app_policy=app_policy(group.arn, spec.namespace),
        agent_config=agent,
        anomaly_detector=detector,
        spec_name=spec.namespace,
    )
