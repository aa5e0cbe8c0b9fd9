"""Plan of the tracing side of a stack: X-Ray sampling rules and groups per service, app settings, collector policy.

One sampling rule and one group per service of the catalog (``service`` of each namespace):

- the sampling rule uses the stack's ratio (``vigil:tracing.sample_ratio``: prod 0.1, dev 1.0) after a
  reservoir of ``reservoir_per_second`` traces per second; X-Ray SDKs and the ADOT collector's remote
  sampler read it, and Vigil's own SDK set-up applies the same ratio locally (parent-based), so every
  path agrees;
- the group selects the service's traces of this stack (``service("api") AND annotation.vigil_environment =
  "prod"``) for its service map and X-Ray Insights.

Both are scoped to the stack's environment (the ``vigil_environment`` span attribute that
:func:`vigil.tracing.setup_tracing` puts on every span and X-Ray indexes as an annotation): two stacks in one
account and region never match each other's traffic (``vigil check`` compares what rules and groups match).

``app_environment`` hands each service its tracing and log settings as environment variables (exported
as ``app_environment`` by the Pulumi program), so the stack file stays the one source of truth.

Example::

    >>> from vigil.plan.stack import load_stack_plan
    >>> plan = load_stack_plan(".", "prod").plan.tracing
    >>> plan.sampling_rules[0].fixed_rate
    0.1
"""

from __future__ import annotations

from vigil.plan.errors import PlanError
from vigil.plan.iam import dump
from vigil.plan.naming import Naming
from vigil.plan.types import SamplingRulePlan, StackContext, TraceGroupPlan, TracingPlan
from vigil.spec import limits
from vigil.spec.models.project import Project
from vigil.spec.models.stack import TracingSpec
from vigil.tracing.settings import ENVIRONMENT_ANNOTATION

#: X-Ray limits: rule and group names 1-32 characters (:data:`vigil.spec.limits.XRAY_NAME`); rule priorities
#: 1-9999 (lower wins).
MAX_NAME = limits.XRAY_NAME.value
BASE_PRIORITY = 1000

#: What the CloudWatch agent / ADOT collector needs to send spans to X-Ray and read sampling rules.
COLLECTOR_ACTIONS = (
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "xray:GetSamplingStatisticSummaries",
)


def _check_name(name: str, service: str, project: Project) -> str:
    """``name`` when X-Ray accepts it; else a :class:`PlanError` at the ``service`` of its first namespace."""
    if (over := limits.XRAY_NAME.exceeded(len(name), f"characters in X-Ray name {name!r}")) is not None:
        namespace = next((n for n, spec in sorted(project.namespaces.items()) if spec.service == service), "")
        raise PlanError(
            f"service {service!r}: {over}; shorten the service or the environment name, or turn tracing off",
            kind="namespace",
            name=namespace,
            fields=("service",),
            limit=limits.XRAY_NAME,
        )
    return name


def group_filter(service: str, environment: str) -> str:
    """The X-Ray filter expression of a service's traces in one stack's environment.

    >>> group_filter("api", "prod")
    'service("api") AND annotation.vigil_environment = "prod"'
    """
    return f'service("{service}") AND annotation.{ENVIRONMENT_ANNOTATION} = "{environment}"'


def app_environment(ctx: StackContext, tracing: TracingSpec, log_level: str) -> dict[str, str]:
    """The variables :meth:`vigil.tracing.TelemetrySettings.from_env` reads (same for every service)."""
    return {
        "VIGIL_ENVIRONMENT": ctx.environment,
        "VIGIL_TRACING": "on" if tracing.enabled else "off",
        "VIGIL_TRACE_SAMPLE_RATIO": f"{tracing.sample_ratio:g}",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": tracing.otlp_endpoint,
        "VIGIL_LOG_LEVEL": log_level,
    }


def plan_tracing(ctx: StackContext, names: Naming, project: Project) -> TracingPlan:
    """Sampling rules, groups, app settings and the collector policy of the stack's services."""
    stack = project.stack
    tracing = stack.tracing if stack is not None else TracingSpec()
    log_level = stack.log_level if stack is not None else "INFO"
    services = sorted({spec.service for spec in project.namespaces.values()})
    environment = app_environment(ctx, tracing, log_level)
    rules: list[SamplingRulePlan] = []
    groups: list[TraceGroupPlan] = []
    if tracing.enabled:
        for index, service in enumerate(services):
            name = _check_name(names.trace_resource_name(service), service, project)
            tags = {"service": service}
            scope = {ENVIRONMENT_ANNOTATION: ctx.environment}
            rules.append(
                SamplingRulePlan(
                    name,
                    service,
                    BASE_PRIORITY + index,
                    tracing.sample_ratio,
                    tracing.reservoir_per_second,
                    tags,
                    scope,
                    spec_name=service,
                )
            )
            groups.append(
                TraceGroupPlan(
                    name, group_filter(service, ctx.environment), insights_enabled=True, tags=tags, spec_name=service
                )
            )
    policy = dump(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "SendTracesToXRay", "Effect": "Allow", "Action": list(COLLECTOR_ACTIONS), "Resource": "*"}
            ],
        }
    )
    return TracingPlan(
        sampling_rules=tuple(rules),
        groups=tuple(groups),
        app_environment={service: dict(environment) for service in services},
        collector_policy=policy,
    )
