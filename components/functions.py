"""One Python Lambda function with its own log group, role and inline policy: the shape Vigil's functions share
(the new-error detectors of :mod:`components.new_errors` and the restart function of
:mod:`components.alarm_actions`).

Logical names are ``<kind>-role``, ``<kind>-policy`` and ``<kind>-function`` (plus ``log-group`` for the log
group), so a caller keeps the names its resources always had.

Example::

    >>> spec = FunctionSpec("restart", "vigil-prod-restart-service", "vigil-prod-restart-service", "{}", "{}",
    ...     "/aws/lambda/vigil-prod-restart-service", 30, "python3.12", "handler.handler", 128, 30,
    ...     Path("handler.py"), {})
    >>> python_function(spec, key_arn, tags, parent)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws

from vigil.plan.naming import Naming


@dataclass(frozen=True)
class FunctionSpec:
    """What :func:`python_function` creates: the function (``name``), its role, policy and log group."""

    kind: str  # the logical-name prefix: restart, new-errors
    name: str
    role_name: str
    trust_policy: str  # JSON
    policy: str  # JSON
    log_group: str
    retention_days: int
    runtime: str
    handler: str
    memory_mb: int
    timeout_seconds: int
    code: Path  # the handler module, packaged alone as handler.py
    environment: Mapping[str, str]


def python_function(
    spec: FunctionSpec, kms_key_arn: pulumi.Input[str] | None, tags: Mapping[str, str], parent: pulumi.Resource
) -> aws.lambda_.Function:
    """Create the log group (encrypted with ``kms_key_arn``), the role and its policy, then the function (after
    both, so its first run can write logs and use its permissions)."""
    child = pulumi.ResourceOptions(parent=parent)
    logs = aws.cloudwatch.LogGroup(
        Naming.logical("log-group", spec.log_group),
        name=spec.log_group,
        retention_in_days=spec.retention_days,
        kms_key_id=kms_key_arn,
        tags=dict(tags),
        opts=child,
    )
    role = aws.iam.Role(
        Naming.logical(f"{spec.kind}-role", spec.name),
        name=spec.role_name,
        assume_role_policy=spec.trust_policy,
        tags=dict(tags),
        opts=child,
    )
    policy = aws.iam.RolePolicy(
        Naming.logical(f"{spec.kind}-policy", spec.name), role=role.id, policy=spec.policy, opts=child
    )
    return aws.lambda_.Function(
        Naming.logical(f"{spec.kind}-function", spec.name),
        name=spec.name,
        role=role.arn,
        runtime=spec.runtime,
        handler=spec.handler,
        memory_size=spec.memory_mb,
        timeout=spec.timeout_seconds,
        code=pulumi.AssetArchive({"handler.py": pulumi.FileAsset(str(spec.code))}),
        environment={"variables": dict(spec.environment)},
        tags=dict(tags),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[logs, policy]),
    )
