"""Plan of an alarm's automatic actions (``actions:``): the action ARNs and the resources behind them.

A ``lambda`` action is the function's ARN plus a resource policy (``lambda:InvokeFunction`` for the service
principal ``lambda.alarms.cloudwatch.amazonaws.com``, only from this alarm's ARN); an ``ops_item`` action is the
ARN ``arn:aws:ssm:<region>:<account>:opsitem:<severity>[#CATEGORY=<category>]`` and needs no resource; a
``scale`` action is an Application Auto Scaling step policy on the ECS service's scalable target, whose ARN
Application Auto Scaling assigns when the policy is created (so the plan holds the policy, not its ARN).

>>> from vigil.plan.types import StackContext
>>> from vigil.spec.models.alarm_actions import OpsItemAction
>>> ctx = StackContext("prod", "prod", "us-east-1", "123456789012")
>>> action = OpsItemAction.model_validate({"ops_item": {"severity": 2, "category": "Availability"}})
>>> plan_action(ctx, "vigil-prod-worker-down", action, "GreaterThanThreshold").arn
'arn:aws:ssm:us-east-1:123456789012:opsitem:2#CATEGORY=Availability'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, Protocol

from vigil.plan.errors import PlanError
from vigil.plan.naming import fit
from vigil.spec.models.alarm_actions import LambdaAction, OpsItemAction, RestartAction, ScaleAction

#: Any action of the spec.
AnyAction = LambdaAction | OpsItemAction | ScaleAction | RestartAction

ActionKind = Literal["lambda", "ops_item", "scale", "restart"]
StateName = Literal["ALARM", "OK", "INSUFFICIENT_DATA"]
#: The service principal CloudWatch alarms invoke Lambda functions as.
ALARM_LAMBDA_PRINCIPAL = "lambda.alarms.cloudwatch.amazonaws.com"
_STATES: dict[str, StateName] = {"alarm": "ALARM", "ok": "OK", "insufficient_data": "INSUFFICIENT_DATA"}
_FUNCTION_ARN = re.compile(r"^arn:aws[a-zA-Z-]*:lambda:[^:]+:(\d{12}):function:")
_STATEMENT_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class LambdaPermissionPlan:
    """``lambda:AddPermission``: ``principal`` may invoke ``function`` when the call comes from ``source_arn``."""

    statement_id: str
    function: str  # the function's name or unqualified ARN
    source_arn: str  # the alarm's ARN
    source_account: str
    principal: str = ALARM_LAMBDA_PRINCIPAL
    #: The alias or version the alarm invokes (``restart-worker:live``), None for the latest version.
    qualifier: str | None = None


@dataclass(frozen=True)
class ScalableTargetPlan:
    """An ECS service registered with Application Auto Scaling (``service/<cluster>/<service>``)."""

    resource_id: str
    min_capacity: int
    max_capacity: int
    service_namespace: str = "ecs"
    scalable_dimension: str = "ecs:service:DesiredCount"


@dataclass(frozen=True)
class ScalingPolicyPlan:
    """A step scaling policy with one step: ``scaling_adjustment`` tasks whenever the alarm breaches.

    The step is measured from the alarm's threshold, on the side the metric is in the state that runs the policy:
    above it (``lower_bound`` 0) for a ``GreaterThan...`` alarm in ALARM or a ``LessThan...`` one in OK, below it
    (``upper_bound`` 0) otherwise.
    """

    name: str
    resource_id: str
    scaling_adjustment: int
    cooldown: int
    lower_bound: float | None
    upper_bound: float | None
    adjustment_type: str = "ChangeInCapacity"
    metric_aggregation_type: str = "Average"
    service_namespace: str = "ecs"
    scalable_dimension: str = "ecs:service:DesiredCount"


@dataclass(frozen=True)
class AlarmActionPlan:
    """One automatic action of an alarm: the state that runs it and its ARN (None for a scaling policy:
    Application Auto Scaling names it when it is created; the component puts it in the alarm's actions)."""

    kind: ActionKind
    state: StateName
    arn: str | None
    permission: LambdaPermissionPlan | None = None
    policy: ScalingPolicyPlan | None = None
    target: ScalableTargetPlan | None = None
    #: ``cluster/service`` a ``restart`` action restarts (through Vigil's restart function, :mod:`.restarter`).
    restart: str | None = None


class StackContextLike(Protocol):
    """What planning an action reads from :class:`vigil.plan.types.StackContext`."""

    @property
    def region(self) -> str:
        """The stack's region."""
        ...

    @property
    def account_id(self) -> str:
        """The account deployed to."""
        ...

    def render(self, value: str, service: str = "") -> str:
        """``value`` with the stack's placeholders filled."""
        ...


def alarm_arn(region: str, account_id: str, alarm_name: str) -> str:
    """The ARN of an alarm (what a Lambda permission's ``SourceArn`` names).

    >>> alarm_arn("us-east-1", "123456789012", "vigil-prod-worker-down")
    'arn:aws:cloudwatch:us-east-1:123456789012:alarm:vigil-prod-worker-down'
    """
    return f"arn:aws:cloudwatch:{region}:{account_id}:alarm:{alarm_name}"


def function_arn(region: str, account_id: str, function: str) -> str:
    """A function's ARN from its name (``name`` or ``name:alias``); an ARN is returned as given.

    >>> function_arn("us-east-1", "123456789012", "restart-worker:live")
    'arn:aws:lambda:us-east-1:123456789012:function:restart-worker:live'
    """
    return function if function.startswith("arn:") else f"arn:aws:lambda:{region}:{account_id}:function:{function}"


def statement_id(alarm_name: str, index: int) -> str:
    """The permission's statement id: unique per alarm and action, in AddPermission's charset and 100 characters.

    >>> statement_id("vigil-prod-worker-down", 0)
    'vigil-alarm-vigil-prod-worker-down-0'
    """
    return fit(_STATEMENT_UNSAFE.sub("-", f"vigil-alarm-{alarm_name}-{index}"), 100)


def _lambda(ctx: StackContextLike, alarm_name: str, index: int, action: LambdaAction) -> AlarmActionPlan:
    function = ctx.render(action.lambda_.function)
    arn = function_arn(ctx.region, ctx.account_id, function)
    owner = _FUNCTION_ARN.match(arn)
    # A function in another account: its owner grants the permission there (Vigil cannot add it).
    head, _, qualifier = function.rpartition(":") if function.count(":") in (1, 7) else (function, "", "")
    permission = (
        LambdaPermissionPlan(
            statement_id=statement_id(alarm_name, index),
            function=head,
            qualifier=qualifier or None,
            source_arn=alarm_arn(ctx.region, ctx.account_id, alarm_name),
            source_account=ctx.account_id,
        )
        if owner is None or owner.group(1) == ctx.account_id
        else None
    )
    return AlarmActionPlan("lambda", _STATES[action.on], arn, permission=permission)


def _ops_item(ctx: StackContextLike, action: OpsItemAction) -> AlarmActionPlan:
    item = action.ops_item
    arn = f"arn:aws:ssm:{ctx.region}:{ctx.account_id}:opsitem:{item.severity}"
    if item.category is not None:
        arn += f"#CATEGORY={item.category}"
    return AlarmActionPlan("ops_item", _STATES[action.on], arn)


def _scale(
    ctx: StackContextLike, alarm_name: str, index: int, action: ScaleAction, comparison: str | None
) -> AlarmActionPlan:
    if comparison is None or "Threshold" not in comparison or "Upper" in comparison or "Lower" in comparison:
        raise PlanError(f"alarm {alarm_name!r}: a scaling action needs a threshold alarm (got {comparison})")
    scale = action.scale
    resource_id = f"service/{ctx.render(scale.cluster)}/{ctx.render(scale.service)}"
    # The metric is past the threshold on the breaching side in ALARM, on the other side in OK.
    above = comparison.startswith("Greater") != (action.on == "ok")
    policy = ScalingPolicyPlan(
        name=f"{alarm_name}-scale" + (f"-{index}" if index else ""),
        resource_id=resource_id,
        scaling_adjustment=scale.adjustment,
        cooldown=scale.cooldown,
        lower_bound=0.0 if above else None,
        upper_bound=None if above else 0.0,
    )
    target = ScalableTargetPlan(resource_id, scale.min_capacity, scale.max_capacity)
    return AlarmActionPlan("scale", _STATES[action.on], None, policy=policy, target=target)


def _restart(
    ctx: StackContextLike, alarm_name: str, index: int, action: RestartAction, function: str
) -> AlarmActionPlan:
    permission = LambdaPermissionPlan(
        statement_id=statement_id(alarm_name, index),
        function=function,
        source_arn=alarm_arn(ctx.region, ctx.account_id, alarm_name),
        source_account=ctx.account_id,
    )
    target = f"{ctx.render(action.restart.cluster)}/{ctx.render(action.restart.service)}"
    arn = function_arn(ctx.region, ctx.account_id, function)
    return AlarmActionPlan("restart", "ALARM", arn, permission=permission, restart=target)


def plan_action(
    ctx: StackContextLike,
    alarm_name: str,
    action: AnyAction,
    comparison: str | None,
    index: int = 0,
    restart_function: str = "vigil-restart-service",
) -> AlarmActionPlan:
    """One action of the alarm named ``alarm_name`` (its physical name) with comparison ``comparison``;
    ``restart_function`` names the stack's restart function (:func:`vigil.plan.restarter.restarter_name`)."""
    if isinstance(action, LambdaAction):
        return _lambda(ctx, alarm_name, index, action)
    if isinstance(action, OpsItemAction):
        return _ops_item(ctx, action)
    if isinstance(action, RestartAction):
        return _restart(ctx, alarm_name, index, action, restart_function)
    return _scale(ctx, alarm_name, index, action, comparison)


def plan_actions(
    ctx: StackContextLike,
    alarm_name: str,
    actions: Iterable[AnyAction],
    comparison: str | None,
    restart_function: str = "vigil-restart-service",
) -> tuple[AlarmActionPlan, ...]:
    """Every action of one alarm, in spec order."""
    return tuple(plan_action(ctx, alarm_name, a, comparison, i, restart_function) for i, a in enumerate(actions))


def scalable_targets(actions: Iterable[AlarmActionPlan]) -> tuple[ScalableTargetPlan, ...]:
    """The distinct scalable targets the actions scale, sorted by resource id (one registration per service)."""
    found = {a.target.resource_id: a.target for a in actions if a.target is not None}
    return tuple(found[k] for k in sorted(found))
