"""Plan of a namespace's new-error detector: DynamoDB table, Lambda function and role, subscription filter.

See :mod:`vigil.new_errors` for what the function does. Names derive from the namespace's service:
``vigil-<env>-<service>-new-errors`` for the table, the function and its role; the function's own log group
``/aws/lambda/<function>`` is created with the namespace's retention (every log group has one).
"""

from __future__ import annotations

import json

from vigil.plan.iam import VERSION, dump
from vigil.plan.naming import Naming
from vigil.plan.types import LogGroupPlan, NewErrorDetectorPlan, StackContext
from vigil.spec.models.metrics import MetricNamespaceSpec, NewErrorsSpec

#: The Lambda runtime the handler runs on (standard library and the runtime's boto3 only).
RUNTIME = "python3.12"
HANDLER = "handler.handler"
MEMORY_MB = 128
TIMEOUT_SECONDS = 30


def detector_name(names: Naming, service: str) -> str:
    """``vigil-<env>-<service>-new-errors``: the table, the function and its role."""
    return names.metric_filter_name(service, "new-errors")


def function_log_group(names: Naming, service: str) -> str:
    """The detector function's own log group, ``/aws/lambda/<function>``."""
    return f"/aws/lambda/{detector_name(names, service)}"


def function_policy(ctx: StackContext, table_arn: str, namespace: str, function_log_group_arn: str) -> str:
    """The function's permissions: conditional writes to its table, PutMetricData to one namespace, its own logs.

    >>> ctx = StackContext("prod", "prod", "us-east-1", "123456789012")
    >>> doc = json.loads(function_policy(ctx, "arn:t", "Vigil/Worker", "arn:lg"))
    >>> [s["Action"] for s in doc["Statement"]]
    ['dynamodb:PutItem', 'cloudwatch:PutMetricData', ['logs:CreateLogStream', 'logs:PutLogEvents']]
    """
    return dump(
        {
            "Version": VERSION,
            "Statement": [
                {"Sid": "RecordFingerprints", "Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": table_arn},
                {
                    "Sid": "PublishCount",
                    "Effect": "Allow",
                    "Action": "cloudwatch:PutMetricData",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"cloudwatch:namespace": namespace}},
                },
                {
                    "Sid": "OwnLogs",
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": [function_log_group_arn, f"{function_log_group_arn}:*"],
                },
            ],
        }
    )


def plan_new_errors(
    ctx: StackContext, names: Naming, spec: MetricNamespaceSpec, new: NewErrorsSpec, group: LogGroupPlan
) -> NewErrorDetectorPlan:
    """The detector of one namespace's log group (its function's environment names the catalog metric).

    Example::

        >>> plan_new_errors(ctx, Naming("prod"), worker, worker.log_group.new_errors, group).name  # doctest: +SKIP
        'vigil-prod-worker-new-errors'
    """
    name = detector_name(names, spec.service)
    own_logs = function_log_group(names, spec.service)
    lg_arn = f"arn:aws:logs:{ctx.region}:{ctx.account_id}:log-group:{own_logs}"
    table_arn = f"arn:aws:dynamodb:{ctx.region}:{ctx.account_id}:table/{name}"
    dimensions = {"Service": spec.service, "Environment": ctx.environment}
    return NewErrorDetectorPlan(
        name=name,
        log_group_name=group.name,
        log_group_arn=group.arn,
        filter_pattern=new.pattern,
        table_name=name,
        function_log_group=own_logs,
        function_log_retention_days=group.retention_days,
        runtime=RUNTIME,
        handler=HANDLER,
        memory_mb=MEMORY_MB,
        timeout_seconds=TIMEOUT_SECONDS,
        environment={
            "TABLE": name,
            "NAMESPACE": spec.namespace,
            "METRIC": new.metric,
            "DIMENSIONS": json.dumps(dimensions, sort_keys=True),
        },
        policy=function_policy(ctx, table_arn, spec.namespace, lg_arn),
        tags={"service": spec.service},
        spec_name=spec.namespace,
    )
