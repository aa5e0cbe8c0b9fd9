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

from .functions import FunctionSpec, python_function

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
    spec = FunctionSpec(
        "new-errors",
        plan.name,
        plan.name,
        _ASSUME_LAMBDA,
        plan.policy,
        plan.function_log_group,
        plan.function_log_retention_days,
        plan.runtime,
        plan.handler,
        plan.memory_mb,
        plan.timeout_seconds,
        HANDLER_FILE,
        plan.environment,
    )
    function = python_function(spec, kms_key_arn, all_tags, parent)
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
