"""IAM, KMS key and SNS topic policy documents (``Policy`` JSON), rendered deterministically.

Not to be confused with Vigil's paging rules (``vigil.spec.rules.paging``: runbooks and reachable routes).

>>> import json
>>> doc = json.loads(app_policy("arn:aws:logs:us-east-1:123456789012:log-group:/vigil/api", "Vigil/API"))
>>> doc["Statement"][1]["Condition"]
{'StringEquals': {'cloudwatch:namespace': 'Vigil/API'}}
"""

from __future__ import annotations

import json
from typing import Any

VERSION = "2012-10-17"


def dump(document: object) -> str:
    """Deterministic JSON (sorted keys, no spaces) for policies and bodies."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def _root_admin(account_id: str) -> dict[str, Any]:
    return {
        "Sid": "AccountAdministers",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }


def logs_key_policy(*, account_id: str, region: str, log_group_arn: str | list[str]) -> str:
    """Key policy letting CloudWatch Logs use the key for exactly these log groups (one, or a list)."""
    return dump(
        {
            "Version": VERSION,
            "Statement": [
                _root_admin(account_id),
                {
                    "Sid": "CloudWatchLogsUse",
                    "Effect": "Allow",
                    "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                    "Action": [
                        "kms:Decrypt*",
                        "kms:Describe*",
                        "kms:Encrypt*",
                        "kms:GenerateDataKey*",
                        "kms:ReEncrypt*",
                    ],
                    "Resource": "*",
                    "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": log_group_arn}},
                },
            ],
        }
    )


def alarms_key_policy(*, account_id: str) -> str:
    """Key policy for the alarm topics and the dead-letter queue.

    CloudWatch may decrypt and generate data keys to publish to the topics; SNS may do the same to move an
    undeliverable message into the encrypted dead-letter queue.
    """
    return dump(
        {
            "Version": VERSION,
            "Statement": [
                _root_admin(account_id),
                {
                    "Sid": "CloudWatchAlarmsPublish",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudwatch.amazonaws.com"},
                    "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
                },
                {
                    "Sid": "SnsDeadLetterQueue",
                    "Effect": "Allow",
                    "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
                },
            ],
        }
    )


def dead_letter_queue_policy(*, queue_arn: str, topic_arns: list[str]) -> str:
    """Only this stack's alarm topics may send undeliverable notifications to the dead-letter queue."""
    return dump(
        {
            "Version": VERSION,
            "Statement": [
                {
                    "Sid": "AlarmTopicsDeadLetters",
                    "Effect": "Allow",
                    "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": queue_arn,
                    "Condition": {"ArnEquals": {"aws:SourceArn": sorted(topic_arns)}},
                }
            ],
        }
    )


def chatbot_trust_policy(*, account_id: str) -> str:
    """AWS Chatbot may assume the channel role, for this account only."""
    return dump(
        {
            "Version": VERSION,
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "chatbot.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
                }
            ],
        }
    )


def chatbot_notifications_policy() -> str:
    """What Chatbot reads to render an alarm notification (the alarm and its metric graph), nothing more."""
    return dump(
        {
            "Version": VERSION,
            "Statement": [
                {
                    "Sid": "RenderAlarmNotifications",
                    "Effect": "Allow",
                    "Action": ["cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*"],
                    "Resource": "*",
                }
            ],
        }
    )


def topic_policy(*, topic_arn: str, account_id: str, region: str) -> str:
    """Only CloudWatch alarms of this account and region may publish to the topic."""
    return dump(
        {
            "Version": VERSION,
            "Statement": [
                {
                    "Sid": "CloudWatchAlarmsOfThisAccount",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudwatch.amazonaws.com"},
                    "Action": "sns:Publish",
                    "Resource": topic_arn,
                    "Condition": {
                        "StringEquals": {"aws:SourceAccount": account_id},
                        "ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:{region}:{account_id}:alarm:*"},
                    },
                }
            ],
        }
    )


def app_policy(log_group_arn: str | None, namespace: str) -> str:
    """What the application needs: write its log group, put metrics into its own namespace only."""
    statements: list[dict[str, Any]] = []
    if log_group_arn is not None:
        statements.append(
            {
                "Sid": "WriteOwnLogGroup",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [log_group_arn, f"{log_group_arn}:*"],
            }
        )
    statements.append(
        {
            "Sid": "PutOwnNamespaceMetrics",
            "Effect": "Allow",
            "Action": "cloudwatch:PutMetricData",
            "Resource": "*",
            "Condition": {"StringEquals": {"cloudwatch:namespace": namespace}},
        }
    )
    return dump({"Version": VERSION, "Statement": statements})
