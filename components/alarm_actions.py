"""The resources behind an alarm's automatic actions: Lambda permissions, scalable targets, step scaling policies,
and Vigil's restart function (``restart`` actions).

``Alarms`` calls these; an OpsItem action needs no resource (its ARN is the whole action). A scaling policy's
ARN is only known once Application Auto Scaling creates it, so :func:`action_arns` returns Pulumi inputs.

Example::

    >>> targets = scalable_targets(plan.alarms.scalable_targets, tags, parent)  # doctest: +SKIP
    >>> arns = action_arns(alarm_plan.automations, targets, parent)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pulumi
import pulumi_aws as aws

import vigil.restart.handler as restart_handler
from vigil.plan.alarm_actions import AlarmActionPlan, LambdaPermissionPlan, ScalableTargetPlan, ScalingPolicyPlan
from vigil.plan.naming import Naming
from vigil.plan.restarter import RestarterPlan

from .functions import FunctionSpec, python_function
from .metric_namespace import kms_key

#: The restart handler module, packaged alone as the restart function's code.
RESTART_HANDLER = Path(restart_handler.__file__ or "handler.py")

#: State -> the alarm argument its actions go to.
STATE_ARGUMENT = {"ALARM": "alarm_actions", "OK": "ok_actions", "INSUFFICIENT_DATA": "insufficient_data_actions"}


def scalable_targets(
    plans: Iterable[ScalableTargetPlan], tags: Mapping[str, str], parent: pulumi.Resource
) -> dict[str, aws.appautoscaling.Target]:
    """One registered scalable target per ECS service (resource id -> target)."""
    return {
        t.resource_id: aws.appautoscaling.Target(
            Naming.logical("scalable-target", t.resource_id),
            service_namespace=t.service_namespace,
            scalable_dimension=t.scalable_dimension,
            resource_id=t.resource_id,
            min_capacity=t.min_capacity,
            max_capacity=t.max_capacity,
            tags=dict(tags),
            opts=pulumi.ResourceOptions(parent=parent),
        )
        for t in plans
    }


def _bound(value: float | None) -> str | None:
    return None if value is None else f"{value:g}"


def scaling_policy(
    plan: ScalingPolicyPlan, target: aws.appautoscaling.Target, parent: pulumi.Resource
) -> aws.appautoscaling.Policy:
    """A one-step ``StepScaling`` policy on ``target`` (created after it)."""
    return aws.appautoscaling.Policy(
        Naming.logical("scaling-policy", plan.name),
        name=plan.name,
        policy_type="StepScaling",
        service_namespace=target.service_namespace,
        scalable_dimension=target.scalable_dimension,
        resource_id=target.resource_id,
        step_scaling_policy_configuration={
            "adjustment_type": plan.adjustment_type,
            "cooldown": plan.cooldown,
            "metric_aggregation_type": plan.metric_aggregation_type,
            "step_adjustments": [
                {
                    "scaling_adjustment": plan.scaling_adjustment,
                    "metric_interval_lower_bound": _bound(plan.lower_bound),
                    "metric_interval_upper_bound": _bound(plan.upper_bound),
                }
            ],
        },
        opts=pulumi.ResourceOptions(parent=parent),
    )


def restarter(plan: RestarterPlan, tags: Mapping[str, str], parent: pulumi.Resource) -> aws.lambda_.Function:
    """Vigil's restart function: its log group, role and policy, and the function (:mod:`vigil.restart.handler`)."""
    key = kms_key("restart-service-logs", plan.kms_key, tags, parent)
    spec = FunctionSpec(
        "restart",
        plan.name,
        plan.role_name,
        plan.role_trust_policy,
        plan.policy,
        plan.function_log_group,
        plan.function_log_retention_days,
        plan.runtime,
        plan.handler,
        plan.memory_mb,
        plan.timeout_seconds,
        RESTART_HANDLER,
        plan.environment,
    )
    return python_function(spec, key.arn, {**tags, **plan.tags}, parent)


def lambda_permission(
    plan: LambdaPermissionPlan, parent: pulumi.Resource, after: Sequence[pulumi.Resource] = ()
) -> aws.lambda_.Permission:
    """Let this alarm (``source_arn``), and nothing else, invoke the function (created after ``after``)."""
    return aws.lambda_.Permission(
        Naming.logical("alarm-lambda-permission", plan.statement_id),
        action="lambda:InvokeFunction",
        function=plan.function,
        qualifier=plan.qualifier,
        principal=plan.principal,
        source_arn=plan.source_arn,
        source_account=plan.source_account,
        statement_id=plan.statement_id,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=list(after)),
    )


def action_arns(
    automations: Iterable[AlarmActionPlan],
    targets: Mapping[str, aws.appautoscaling.Target],
    parent: pulumi.Resource,
    restart_function: pulumi.Resource | None = None,
) -> dict[str, list[pulumi.Input[str]]]:
    """The alarm's automatic action ARNs per alarm argument, creating their permissions and policies (a restart
    action's permission after ``restart_function``)."""
    out: dict[str, list[pulumi.Input[str]]] = {arg: [] for arg in STATE_ARGUMENT.values()}
    for action in automations:
        arn: pulumi.Input[str] | None = action.arn
        if action.permission is not None:
            after = [restart_function] if action.restart and restart_function is not None else []
            lambda_permission(action.permission, parent, after)
        if action.policy is not None:
            arn = scaling_policy(action.policy, targets[action.policy.resource_id], parent).arn
        if arn is not None:
            out[STATE_ARGUMENT[action.state]].append(arn)
    return out
