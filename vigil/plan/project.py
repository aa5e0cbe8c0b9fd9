"""The whole plan of a stack: namespaces, routing, alarms, dashboards."""

from __future__ import annotations

import dataclasses

from vigil.plan.alarms import plan_alarms
from vigil.plan.dashboards import plan_dashboards
from vigil.plan.namespaces import plan_namespace
from vigil.plan.naming import Naming
from vigil.plan.pagerduty import plan_pagerduty
from vigil.plan.routing import plan_routing
from vigil.plan.types import StackContext, StackPlan
from vigil.plan.xray import plan_tracing
from vigil.spec.models.project import Project
from vigil.spec.regions import CONTROL_PLANES, service_region


def stack_context(project: Project, account_id: str, stack: str | None = None) -> StackContext:
    """The context of a loaded project: stack name, environment, region, account, runbook base URL."""
    spec = project.stack
    region = spec.region if spec else "us-east-1"
    settings = {"chatbot": spec.chatbot_region if spec else None}
    services = tuple(
        (service, found)
        for service in CONTROL_PLANES
        if (found := service_region(service, region, settings.get(service))) is not None
    )
    return StackContext(
        stack=stack or (spec.name if spec else project.environment),
        environment=project.environment,
        region=region,
        account_id=account_id,
        runbook_base_url=spec.runbook_base_url if spec else None,
        page_people=spec.page_people if spec else True,
        ecs_cluster=(spec.ecs_cluster or "") if spec else "",
        ai_daily_budget_usd=spec.ai_budget.daily_usd if spec and spec.ai_budget else None,
        config={k: v for k, v in spec.values.items() if isinstance(v, str)} if spec else {},
        service_regions=services,
    )


def plan_project(project: Project, names: Naming, account_id: str) -> StackPlan:
    """Turn a validated project into the plain description of every resource of its stack.

    Example::

        >>> from vigil.plan.naming import Naming
        >>> from vigil.spec import load_project
        >>> project = load_project(".", stack="dev").project
        >>> plan = plan_project(project, Naming.for_project(project), "123456789012")
        >>> [t.name for t in plan.routing.topics]
        ['vigil-dev-p1', 'vigil-dev-p2', 'vigil-dev-p3', 'vigil-dev-p4']
    """
    ctx = stack_context(project, account_id)
    namespaces = tuple(
        plan_namespace(ctx, names, spec, project.stack) for _, spec in sorted(project.namespaces.items())
    )
    routing = plan_routing(ctx, names, project.routing, project.delivery_failures)
    pagerduty = plan_pagerduty(project.pagerduty, project.routing, names.prefix, ctx.page_people)
    if pagerduty is not None:
        routing = dataclasses.replace(routing, pagerduty=pagerduty)
    alarms = plan_alarms(ctx, names, project, routing)
    dashboards = plan_dashboards(ctx, names, project)
    tracing = plan_tracing(ctx, names, project)
    return StackPlan(ctx, namespaces, routing, alarms, dashboards, tracing)
