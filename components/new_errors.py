"""New-error detector resources (children of a ``MetricNamespace``): table, function, role, subscription filter.

The function's code is :mod:`vigil.new_errors.handler`, shipped as the single file ``handler.py``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pulumi
import pulumi_aws as aws

import vigil.new_errors.handler as handler_module
from vigil.plan.naming import Naming
from vigil.plan.types import NewErrorDetectorPlan

#: The handler module, packaged alone as the function's code.
HANDLER_FILE = Path(handler_module.__file__ or "handler.py")

_ASSUME_LAMBDA = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    },
    sort_keys=True,
)


def new_error_detector(
    plan: NewErrorDetectorPlan,
    tags: Mapping[str, str],
    parent: pulumi.Resource,
    after: pulumi.Resource,
    kms_key_arn: pulumi.Input[str] | None,
) -> aws.lambda_.Function:
    """Create the detector of one log group; ``after`` is that log group (the filter needs it to exist), and the
    function's own log group is encrypted with the same key (its policy names both groups)."""
    child = pulumi.ResourceOptions(parent=parent)
    all_tags = {**tags, **plan.tags}
    aws.dynamodb.Table(
        Naming.logical("new-errors-table", plan.name),
        name=plan.table_name,
        billing_mode="PAY_PER_REQUEST",
        hash_key="fingerprint",
        attributes=[{"name": "fingerprint", "type": "S"}],
        server_side_encryption={"enabled": True},
        tags=all_tags,
        opts=child,
    )
    logs = aws.cloudwatch.LogGroup(
        Naming.logical("log-group", plan.function_log_group),
        name=plan.function_log_group,
        retention_in_days=plan.function_log_retention_days,
        kms_key_id=kms_key_arn,
        tags=all_tags,
        opts=child,
    )
    role = aws.iam.Role(
        Naming.logical("new-errors-role", plan.name),
        name=plan.name,
        assume_role_policy=_ASSUME_LAMBDA,
        tags=all_tags,
        opts=child,
    )
    aws.iam.RolePolicy(Naming.logical("new-errors-policy", plan.name), role=role.id, policy=plan.policy, opts=child)
    function = aws.lambda_.Function(
        Naming.logical("new-errors-function", plan.name),
        name=plan.name,
        role=role.arn,
        runtime=plan.runtime,
        handler=plan.handler,
        memory_size=plan.memory_mb,
        timeout=plan.timeout_seconds,
        code=pulumi.AssetArchive({"handler.py": pulumi.FileAsset(str(HANDLER_FILE))}),
        environment={"variables": dict(plan.environment)},
        tags=all_tags,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[logs]),
    )
    permission = aws.lambda_.Permission(
        Naming.logical("new-errors-invoke", plan.name),
        action="lambda:InvokeFunction",
        function=function.name,
        principal="logs.amazonaws.com",
        source_arn=f"{plan.log_group_arn}:*",
        opts=child,
    )
    aws.cloudwatch.LogSubscriptionFilter(
        Naming.logical("new-errors-filter", plan.name),
        name=plan.name,
        log_group=plan.log_group_name,
        filter_pattern=plan.filter_pattern,
        destination_arn=function.arn,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[permission, after]),
    )
    return function
