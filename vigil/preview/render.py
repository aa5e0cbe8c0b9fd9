"""Text rendering of a preview, in the spirit of ``pulumi preview``: a tree, key inputs, counts, cost."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from vigil.preview.run import PreviewResource, PreviewResult

#: The inputs worth a glance, by resource type (everything is in ``--format json``).
KEY_INPUTS: dict[str, tuple[str, ...]] = {
    "pulumi:providers:aws": ("region",),  # explicit providers of services served outside the stack's region
    "aws:cloudwatch/logGroup:LogGroup": ("name", "retentionInDays", "kmsKeyId"),
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": ("logGroupName", "pattern"),
    "aws:cloudwatch/queryDefinition:QueryDefinition": ("name",),
    "aws:cloudwatch/metricAlarm:MetricAlarm": (
        "metricName",
        "statistic",
        "extendedStatistic",
        "comparisonOperator",
        "threshold",
        "thresholdMetricId",
        "period",
        "evaluationPeriods",
        "alarmActions",
    ),
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": ("alarmRule", "alarmActions", "actionsSuppressor"),
    "aws:cloudwatch/dashboard:Dashboard": ("dashboardName",),
    "aws:sns/topic:Topic": ("name", "kmsMasterKeyId"),
    "aws:sns/topicSubscription:TopicSubscription": ("protocol", "endpoint", "filterPolicy", "redrivePolicy"),
    "aws:route53/healthCheck:HealthCheck": ("type", "fqdn", "resourcePath", "requestInterval", "regions"),
    "aws:sqs/queue:Queue": ("name", "kmsMasterKeyId", "messageRetentionSeconds"),
    "aws:sqs/queuePolicy:QueuePolicy": ("policy",),
    "aws:iam/role:Role": ("name",),
    "aws:synthetics/canary:Canary": ("name", "runtimeVersion", "handler", "schedule"),
    "aws:s3/bucket:Bucket": ("bucket", "forceDestroy"),
    "aws:s3/bucketObjectv2:BucketObjectv2": ("key", "source"),
    "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration": (
        "configurationName",
        "slackChannelId",
        "snsTopicArns",
        "guardrailPolicyArns",
    ),
    "aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration": (
        "configurationName",
        "channelId",
        "snsTopicArns",
        "guardrailPolicyArns",
    ),
    "aws:kms/key:Key": ("description", "enableKeyRotation"),
    "aws:kms/alias:Alias": ("name",),
    "aws:ssm/parameter:Parameter": ("name", "type"),
    "aws:xray/samplingRule:SamplingRule": ("serviceName", "fixedRate", "reservoirSize", "priority"),
    "aws:xray/group:Group": ("filterExpression",),
    "aws:cloudwatch/logAnomalyDetector:LogAnomalyDetector": (
        "logGroupArnLists",
        "evaluationFrequency",
        "anomalyVisibilityTime",
    ),
}
MAX_VALUE = 60


def _short(value: Any) -> str:
    if isinstance(value, list):
        text = ",".join(_short(v) for v in value)
    elif isinstance(value, str) and value.startswith("arn:aws:"):
        text = value.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def key_inputs(resource: PreviewResource) -> str:
    """``key=value`` pairs of the inputs that matter for the resource's type.

    >>> key_inputs(PreviewResource("aws:sns/topic:Topic", "t", "", {"name": "vigil-dev-p1", "kmsMasterKeyId": "arn:aws:kms:r:1:key/k"}))
    'name=vigil-dev-p1 kmsMasterKeyId=k'
    """
    keys = KEY_INPUTS.get(resource.type, ())
    return " ".join(f"{k}={_short(resource.inputs[k])}" for k in keys if resource.inputs.get(k) not in (None, "", []))


def _tree(result: PreviewResult) -> list[tuple[str, PreviewResource]]:
    children: dict[str, list[PreviewResource]] = defaultdict(list)
    for r in result.resources:
        children[r.parent].append(r)
    rows: list[tuple[str, PreviewResource]] = []

    def walk(parent: str, prefix: str) -> None:
        kids = children.get(parent, [])
        for i, r in enumerate(kids):
            last = i == len(kids) - 1
            rows.append((prefix + ("└─ " if last else "├─ "), r))
            walk(f"{r.type}::{r.name}", prefix + ("   " if last else "│  "))

    walk("", "")
    return rows


def render_text(result: PreviewResult) -> str:
    """The preview as text: one ``+`` line per resource, counts by type, and the monthly cost."""
    priced = result.monthly_usd is not None
    rows = _tree(result)
    width = max((len(p) + len(r.type) for p, r in rows), default=10) + 2
    name_width = max((len(r.name) for _, r in rows), default=10) + 2
    lines = [
        f"Previewing stack '{result.stack}' under Pulumi's mock engine (nothing is created, no AWS calls).",
        "",
        f"     {'Type':<{width}}{'Name':<{name_width}}{'USD/month' if priced else '':>10}  Key inputs",
    ]
    lines.append(f" +   {'pulumi:pulumi:Stack':<{width}}vigil-{result.stack}")
    for prefix, r in rows:
        usd = f"{r.monthly_usd:10.2f}" if r.monthly_usd is not None else " " * 10
        lines.append(f" +   {prefix + r.type:<{width}}{r.name:<{name_width}}{usd}  {key_inputs(r)}".rstrip())
    lines += ["", "Resources:", f"    + {len(result.resources)} to create"]
    lines += [f"      {count:5d}  {typ}" for typ, count in result.counts.items()]
    if priced:
        lines += ["", "Monthly cost estimate (vigil.cost):"]
        lines += [
            f"      {usd:10.2f} USD  {kind} (not tied to one resource)" for kind, usd in result.unattributed_usd.items()
        ]
        lines.append(f"      {result.monthly_usd:10.2f} USD  total")
    if result.placeholders:
        lines += ["", "Secrets and values not set in the stack file were replaced by placeholders:"]
        lines += [f"    {key}" for key in result.placeholders]
    return "\n".join(lines)
