"""Automatic actions of an alarm (``actions:``), besides notifying its severity's topic.

CloudWatch runs them itself when the alarm changes state: invoke a Lambda function, open an OpsCenter OpsItem
(AWS Systems Manager), run an Application Auto Scaling step policy on an ECS service, or restart an ECS service
through Vigil's restart function. Each entry is a mapping with exactly one of ``lambda``, ``ops_item``, ``scale``
or ``restart``, and ``on`` (the state that triggers it).

Example (YAML)::

    queue-backlog:
      kind: math
      ...
      actions:
        - scale: {service: worker, adjustment: 2, cooldown: 300, min_capacity: 1, max_capacity: 10}
        - ops_item: {severity: 3, category: Performance}
        - scale: {service: worker, adjustment: -1, cooldown: 300, min_capacity: 1, max_capacity: 10}
          on: ok
        - lambda: {function: "${config:backlog_report_function}"}
        - restart: {service: worker}
"""

from __future__ import annotations

import re
from typing import Annotated, ClassVar, Literal, Union

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from vigil.spec.models.common import Integer, Spec

#: The alarm state an action runs on (CloudWatch's ``AlarmActions``, ``OKActions``, ``InsufficientDataActions``).
ActionState = Literal["alarm", "ok", "insufficient_data"]
#: OpsItem categories CloudWatch accepts in the action ARN (``...:opsitem:3#CATEGORY=Performance``).
OpsItemCategory = Literal["Availability", "Cost", "Performance", "Recovery", "Security"]
#: The keys that select an action's kind.
ACTION_KINDS = ("lambda", "ops_item", "scale", "restart")

#: A Lambda function name (optionally ``:alias`` or ``:version``), or its ARN (Lambda's FunctionName pattern).
FUNCTION_PATTERN = re.compile(
    r"^(arn:aws[a-zA-Z-]*:lambda:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:function:)?[a-zA-Z0-9_-]{1,64}(:[a-zA-Z0-9_$-]{1,128})?$"
)
#: An ECS cluster or service name (ECS: up to 255 letters, digits, hyphens and underscores).
ECS_NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,255}$")


def _name_or_template(value: str, pattern: re.Pattern[str], what: str) -> str:
    """``value`` when it matches ``pattern`` or holds a ``${...}`` placeholder (checked per stack once rendered)."""
    if "${" in value or pattern.fullmatch(value):
        return value
    raise ValueError(f"{value!r} is not {what}")


class LambdaTarget(Spec):
    """The function an alarm invokes: a name (``restart-worker``, ``restart-worker:live``), an ARN, or
    ``${config:KEY}``. Vigil adds the resource policy that lets this alarm (and only it) invoke the function."""

    function: Annotated[str, Field(min_length=1, max_length=256)]

    @field_validator("function")
    @classmethod
    def _function(cls, value: str) -> str:
        return _name_or_template(
            value,
            FUNCTION_PATTERN,
            "a Lambda function: write its name (letters, digits, - and _, at most 64; ':alias' optional), "
            "arn:aws:lambda:<region>:<account>:function:<name>, or ${config:KEY}",
        )


class OpsItemTarget(Spec):
    """An OpsItem opened in Systems Manager OpsCenter: ``severity`` 1 (critical) to 4 (low), optional category."""

    severity: Literal[1, 2, 3, 4]
    category: OpsItemCategory | None = None


class ScaleTarget(Spec):
    """An ECS service's desired count changed by ``adjustment`` tasks (negative: fewer), kept within
    ``min_capacity``..``max_capacity``; after a scaling activity the next waits ``cooldown`` seconds.

    ``cluster`` defaults to the stack's ECS cluster (``vigil:ecs_cluster``, default ``vigil-<environment>``).
    """

    service: Annotated[str, Field(min_length=1, max_length=255)]
    cluster: Annotated[str, Field(min_length=1, max_length=255)] = "${ecs_cluster}"
    adjustment: Integer
    cooldown: Annotated[Integer, Field(ge=0, le=86400)] = 300
    min_capacity: Annotated[Integer, Field(ge=0)] = 1
    max_capacity: Annotated[Integer, Field(ge=1)]

    @field_validator("service", "cluster")
    @classmethod
    def _ecs_name(cls, value: str) -> str:
        return _name_or_template(
            value, ECS_NAME_PATTERN, "an ECS name: use letters, digits, - and _ (or ${config:KEY})"
        )

    @field_validator("adjustment")
    @classmethod
    def _nonzero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("an adjustment of 0 changes nothing: write the number of tasks to add (or remove, < 0)")
        return value

    @model_validator(mode="after")
    def _bounds(self) -> ScaleTarget:
        if self.min_capacity > self.max_capacity:
            raise ValueError(
                f"min_capacity {self.min_capacity} is above max_capacity {self.max_capacity}: swap or fix them"
            )
        return self


class RestartTarget(Spec):
    """An ECS service whose tasks are replaced (a new deployment of the same task definition).

    ``cluster`` defaults to the stack's ECS cluster (``vigil:ecs_cluster``, default ``vigil-<environment>``).
    """

    service: Annotated[str, Field(min_length=1, max_length=255)]
    cluster: Annotated[str, Field(min_length=1, max_length=255)] = "${ecs_cluster}"

    @field_validator("service", "cluster")
    @classmethod
    def _ecs_name(cls, value: str) -> str:
        return _name_or_template(
            value, ECS_NAME_PATTERN, "an ECS name: use letters, digits, - and _ (or ${config:KEY})"
        )


class LambdaAction(Spec):
    """``- lambda: {function: <name|ARN|${config:KEY}>}``: CloudWatch invokes the function asynchronously."""

    lambda_: LambdaTarget = Field(alias="lambda")
    on: ActionState = "alarm"

    #: The key that selects this kind (the union's tag).
    kind: ClassVar[str] = "lambda"


class OpsItemAction(Spec):
    """``- ops_item: {severity: 2, category: Availability}``: an OpsItem in OpsCenter, with the alarm attached."""

    ops_item: OpsItemTarget
    #: CloudWatch opens OpsItems only when the alarm goes into ALARM (the API stores others and never runs them).
    on: Literal["alarm"] = "alarm"

    #: The key that selects this kind (the union's tag).
    kind: ClassVar[str] = "ops_item"


class ScaleAction(Spec):
    """``- scale: {service: worker, adjustment: 2, max_capacity: 10}``: a step scaling policy the alarm runs.

    Unlike other actions, CloudWatch re-runs a scaling action while the alarm stays in its state, so on ``alarm``
    the service keeps growing by ``adjustment`` (after each ``cooldown``) until ``max_capacity`` or recovery, and
    on ``ok`` (a negative ``adjustment``) it shrinks back to ``min_capacity`` while all is well. Not on
    ``insufficient_data``: without data there is no breach to measure a step from.
    """

    scale: ScaleTarget
    on: Literal["alarm", "ok"] = "alarm"

    #: The key that selects this kind (the union's tag).
    kind: ClassVar[str] = "scale"


class RestartAction(Spec):
    """``- restart: {service: worker}``: Vigil's restart function forces a new deployment of the ECS service.

    CloudWatch invokes the function (deployed once per stack) when the alarm goes into ALARM; it skips a service
    that is already rolling out a deployment. Only on ``alarm``.
    """

    restart: RestartTarget
    on: Literal["alarm"] = "alarm"
    #: The key that selects this kind (the union's tag).
    kind: ClassVar[str] = "restart"


def _action_kind(value: object) -> str | None:
    if isinstance(value, dict):
        found = [k for k in ACTION_KINDS if k in value]
        return found[0] if len(found) == 1 else None
    return getattr(value, "kind", None)


AlarmAction = Annotated[
    Union[  # noqa: UP007
        Annotated[LambdaAction, Tag("lambda")],
        Annotated[OpsItemAction, Tag("ops_item")],
        Annotated[ScaleAction, Tag("scale")],
        Annotated[RestartAction, Tag("restart")],
    ],
    Discriminator(
        _action_kind,
        custom_error_type="action_kind",
        custom_error_message=(
            "an action has exactly one of 'lambda: {function: ...}', 'ops_item: {severity: 1-4}', "
            "'scale: {service: ..., adjustment: N, max_capacity: N}' or 'restart: {service: ...}' (and optionally 'on:')"
        ),
    ),
]
#: At most 5 actions per alarm state (CloudWatch's limit on AlarmActions, OKActions, InsufficientDataActions).
MAX_ACTIONS_PER_STATE = 5
AlarmActions = Annotated[tuple[AlarmAction, ...], Field(max_length=15)]
