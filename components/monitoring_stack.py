"""``MonitoringStack``: the whole stack of a plan (namespaces, routing, alarms, dashboards, tracing)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from vigil.plan import StackPlan
from vigil.plan.naming import Naming
from vigil.spec.models.common import Severity

from .alarm_routing import AlarmRouting, AlarmRoutingArgs
from .alarms import Alarms, AlarmsArgs
from .dashboards import Dashboards, DashboardsArgs
from .metric_namespace import MetricNamespace, MetricNamespaceArgs
from .tracing import Tracing, TracingArgs


@dataclass(frozen=True)
class MonitoringStackArgs:
    """The plan of one stack, from :func:`vigil.plan.stack.load_stack_plan` (which checked the account).

    ``config`` defaults to ``pulumi.Config("vigil")``.
    """

    plan: StackPlan
    config: pulumi.Config | None = None


class MonitoringStack(pulumi.ComponentResource):
    """Everything Vigil provisions for one stack.

    Example (``stacks/__main__.py``)::

        >>> loaded = load_stack_plan(".", pulumi.get_stack(), account_id=caller_account)  # doctest: +SKIP
        >>> stack = MonitoringStack("vigil", MonitoringStackArgs(plan=loaded.plan))  # doctest: +SKIP
        >>> pulumi.export("topic_arns", stack.topic_arns)  # doctest: +SKIP

    Attributes: ``plan`` (the :class:`~vigil.plan.StackPlan` it was built from), ``topic_arns``
    (severity -> ARN), ``log_group_names`` (namespace -> name), ``dashboard_urls`` (spec name -> URL),
    ``app_policies`` (service -> IAM policy JSON), ``app_environment`` (service -> the environment variables its
    process reads: tracing ratio, OTLP endpoint, log level), ``collector_policy`` (IAM policy JSON for the
    CloudWatch agent / ADOT collector that forwards spans to X-Ray).
    """

    plan: StackPlan
    topic_arns: dict[str, pulumi.Output[str]]
    log_group_names: dict[str, pulumi.Output[str]]
    dashboard_urls: dict[str, str]
    app_policies: dict[str, pulumi.Output[str]]
    app_environment: dict[str, dict[str, str]]
    collector_policy: str

    def __init__(self, name: str, args: MonitoringStackArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("vigil:monitoring_stack:MonitoringStack", name, None, opts)
        self.plan = args.plan
        tags = {"managed-by": "vigil", "stack": self.plan.context.stack}
        child = pulumi.ResourceOptions(parent=self)
        self.log_group_names, self.app_policies = {}, {}
        namespaces: list[pulumi.Resource] = []
        for ns_plan in self.plan.namespaces:
            ns = MetricNamespace(
                Naming.logical("namespace", ns_plan.service), MetricNamespaceArgs(ns_plan, tags), opts=child
            )
            namespaces.append(ns)
            self.app_policies[ns_plan.service] = ns.app_policy_json
            if ns.log_group_name is not None:
                self.log_group_names[ns_plan.namespace] = ns.log_group_name
        self.app_environment, self.collector_policy = {}, ""
        if self.plan.tracing is not None:
            detectors = [ns.anomaly_detector for ns in self.plan.namespaces if ns.anomaly_detector is not None]
            tracing = Tracing("tracing", TracingArgs(self.plan.tracing, detectors, tags, namespaces), opts=child)
            self.app_environment, self.collector_policy = tracing.app_environment, tracing.collector_policy
        pagerduty_keys: dict[Severity, pulumi.Output[str]] = {}
        if self.plan.routing.pagerduty is not None:  # the optional extra is imported only when the spec enables it
            from .pagerduty import PagerDutyArgs, PagerDutyService

            pd = PagerDutyService("pagerduty", PagerDutyArgs(self.plan.routing.pagerduty, args.config), opts=child)
            pagerduty_keys = pd.integration_keys
        routing = AlarmRouting(
            "routing", AlarmRoutingArgs(self.plan.routing, tags, args.config, pagerduty_keys), opts=child
        )
        self.topic_arns = {s.value: arn for s, arn in routing.topic_arns.items()}
        alarms = Alarms(
            "alarms",
            AlarmsArgs(self.plan.alarms, routing.topic_arns, tags, routing.delivery_topic_arn),
            opts=child,
        )
        boards = Dashboards("dashboards", DashboardsArgs(self.plan.dashboards, depends_on=[alarms]), opts=child)
        self.dashboard_urls = boards.urls
        self.register_outputs(
            {
                "topic_arns": self.topic_arns,
                "log_group_names": self.log_group_names,
                "dashboard_urls": self.dashboard_urls,
                "app_policies": self.app_policies,
                "app_environment": self.app_environment,
            }
        )
