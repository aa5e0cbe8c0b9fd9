"""Plan: pure functions from a validated :class:`~vigil.spec.models.Project` to resource descriptions.

No Pulumi here; ``components/`` wraps each description in exactly one Pulumi resource. Names come from
:class:`~vigil.plan.naming.Naming`, the one naming module (components import it from here).

Example::

    >>> from vigil.plan.naming import Naming
    >>> from vigil.spec import load_project
    >>> project = load_project("tests/spec/good/minimal", stack="dev").project
    >>> plan = plan_project(project, Naming.for_project(project), account_id="123456789012")
    >>> [t.name for t in plan.routing.topics][:2]
    ['vigil-dev-p1', 'vigil-dev-p2']

Commands do not call this directly: :func:`vigil.plan.stack.load_stack_plan` loads, validates and plans.
"""

from __future__ import annotations

from vigil.plan.errors import PlanError
from vigil.plan.naming import Naming
from vigil.plan.project import plan_project, stack_context
from vigil.plan.types import (
    ActionsPlan,
    AgentConfigPlan,
    AlarmsPlan,
    ChatChannelPlan,
    CompositeAlarmPlan,
    ContributorRulePlan,
    DashboardPlan,
    DeliveryPlan,
    HealthCheckPlan,
    KmsKeyPlan,
    LogAnomalyDetectorPlan,
    LogGroupPlan,
    MetricAlarmPlan,
    MetricFilterPlan,
    MetricQueryPlan,
    MetricStatPlan,
    NamespacePlan,
    NewErrorDetectorPlan,
    QueryDefinitionPlan,
    RoutingPlan,
    SamplingRulePlan,
    StackContext,
    StackPlan,
    SubscriptionPlan,
    SuppressorPlan,
    TopicPlan,
    TraceGroupPlan,
    TracingPlan,
)

__all__ = [
    "ActionsPlan",
    "AgentConfigPlan",
    "AlarmsPlan",
    "ChatChannelPlan",
    "CompositeAlarmPlan",
    "ContributorRulePlan",
    "DashboardPlan",
    "DeliveryPlan",
    "HealthCheckPlan",
    "KmsKeyPlan",
    "LogAnomalyDetectorPlan",
    "LogGroupPlan",
    "MetricAlarmPlan",
    "MetricFilterPlan",
    "MetricQueryPlan",
    "MetricStatPlan",
    "NamespacePlan",
    "Naming",
    "NewErrorDetectorPlan",
    "PlanError",
    "QueryDefinitionPlan",
    "RoutingPlan",
    "SamplingRulePlan",
    "StackContext",
    "StackPlan",
    "SubscriptionPlan",
    "SuppressorPlan",
    "TopicPlan",
    "TraceGroupPlan",
    "TracingPlan",
    "plan_project",
    "stack_context",
]
