"""Plan of Vigil's restart function: one Lambda function per stack that forces a new deployment of an ECS service
when an alarm with a ``restart`` action goes into ALARM.

Its code is :mod:`vigil.restart.handler`. Its environment maps each alarm (physical name) to the
``cluster/service`` it restarts; its role may update and describe those services only, and write its own logs.

>>> from vigil.plan.naming import Naming
>>> from vigil.plan.types import StackContext
>>> ctx = StackContext("prod", "prod", "us-east-1", "123456789012")
>>> plan = plan_restarter(ctx, Naming("prod"), {"vigil-prod-worker-down": "vigil-prod/worker"}, 30)
>>> plan.name, plan.environment[TARGETS_VARIABLE]
('vigil-prod-restart-service', '{"vigil-prod-worker-down": "vigil-prod/worker"}')
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from vigil.plan.iam import logs_key_policy
from vigil.plan.naming import Naming

if TYPE_CHECKING:
    from vigil.plan.types import KmsKeyPlan

RUNTIME = "python3.12"
HANDLER = "handler.handler"
MEMORY_MB = 128
TIMEOUT_SECONDS = 30
#: The function's environment variable: JSON ``{alarm name: "cluster/service"}``.
TARGETS_VARIABLE = "VIGIL_RESTART_TARGETS"
_ASSUME_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


class _Where(Protocol):
    @property
    def region(self) -> str: ...

    @property
    def account_id(self) -> str: ...


@dataclass(frozen=True)
class RestarterPlan:
    """The restart function, its role and policy, and its own log group."""

    name: str
    function_arn: str
    role_name: str
    role_trust_policy: str  # JSON
    policy: str  # JSON
    function_log_group: str
    function_log_retention_days: int
    #: Encrypts the function's log group (every Vigil log group has a key).
    kms_key: KmsKeyPlan
    environment: Mapping[str, str]
    runtime: str = RUNTIME
    handler: str = HANDLER
    memory_mb: int = MEMORY_MB
    timeout_seconds: int = TIMEOUT_SECONDS
    tags: Mapping[str, str] = field(default_factory=dict)
    #: Name in the spec: the action kind it serves.
    spec_name: str = field(default="restart", kw_only=True)


def restarter_name(names: Naming) -> str:
    """``vigil-<env>-restart-service``: the function (and its log group's last part)."""
    return f"{names.prefix}restart-service"


def service_arn(ctx: _Where, target: str) -> str:
    """The ARN of an ECS service ``cluster/service`` (the long ARN format IAM policies name).

    >>> from vigil.plan.types import StackContext
    >>> service_arn(StackContext("p", "p", "us-east-1", "1"), "vigil-prod/worker")
    'arn:aws:ecs:us-east-1:1:service/vigil-prod/worker'
    """
    return f"arn:aws:ecs:{ctx.region}:{ctx.account_id}:service/{target}"


def restarter_policy(ctx: _Where, targets: Mapping[str, str], log_group: str) -> str:
    """Update and describe the target services only; write the function's own log group."""
    group_arn = f"arn:aws:logs:{ctx.region}:{ctx.account_id}:log-group:{log_group}"
    services = sorted({service_arn(ctx, t) for t in targets.values()})
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "RestartServices",
                    "Effect": "Allow",
                    "Action": ["ecs:DescribeServices", "ecs:UpdateService"],
                    "Resource": services,
                },
                {
                    "Sid": "OwnLogs",
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": [group_arn, f"{group_arn}:*"],
                },
            ],
        },
        sort_keys=True,
    )


def plan_restarter(ctx: _Where, names: Naming, targets: Mapping[str, str], retention_days: int) -> RestarterPlan | None:
    """The restart function for ``targets`` (alarm name -> ``cluster/service``), None when no alarm restarts."""
    if not targets:
        return None
    from vigil.plan.types import KmsKeyPlan  # types imports this module for RestarterPlan

    name = restarter_name(names)
    log_group = f"/aws/lambda/{name}"
    group_arn = f"arn:aws:logs:{ctx.region}:{ctx.account_id}:log-group:{log_group}"
    ordered = dict(sorted(targets.items()))
    key = KmsKeyPlan(
        alias=names.kms_alias("logs-restart-service"),
        description=f"Vigil: encrypts log group {log_group}",
        policy=logs_key_policy(account_id=ctx.account_id, region=ctx.region, log_group_arn=group_arn),
        tags={"purpose": "alarm-actions"},
        spec_name="restart",
    )
    return RestarterPlan(
        name=name,
        function_arn=f"arn:aws:lambda:{ctx.region}:{ctx.account_id}:function:{name}",
        role_name=names.role_name(name, "lambda"),
        role_trust_policy=json.dumps(_ASSUME_LAMBDA, sort_keys=True),
        policy=restarter_policy(ctx, ordered, log_group),
        function_log_group=log_group,
        function_log_retention_days=retention_days,
        kms_key=key,
        environment={TARGETS_VARIABLE: json.dumps(ordered)},
        tags={"purpose": "alarm-actions"},
    )
