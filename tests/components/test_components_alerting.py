"""The alerting resources as pulumi-aws receives them: probes, chat, per-state filters, dead letters, suppression.

Built from the fixture project (``tests/plan/plan_fixture.py``) under the mock engine; each test reads the
inputs of the resources an AWS reviewer would look at.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest
from plan_fixture import FIXTURE_CONFIG, FIXTURE_SECRET_KEYS, fixture_plan
from pulumi_mocks import Recorder, install

from vigil.components.monitoring_stack import MonitoringStack, MonitoringStackArgs

ARN = "arn:aws:sns:eu-west-1:123456789012:"


@pytest.fixture(scope="module")
def recorder() -> Recorder:
    rec = install("dev", dict(FIXTURE_CONFIG), list(FIXTURE_SECRET_KEYS), region="eu-west-1")

    @pulumi.runtime.test
    def build() -> None:
        MonitoringStack("vigil", MonitoringStackArgs(plan=fixture_plan()))

    build()
    return rec


def by_name(recorder: Recorder, suffix: str, key: str = "name") -> dict[str, dict[str, Any]]:
    return {r.inputs[key]: r.inputs for r in recorder.of_type(suffix)}


def test_probe_is_a_route53_health_check_whose_id_the_alarm_reads(recorder: Recorder) -> None:
    (check,) = recorder.of_type("healthCheck:HealthCheck")
    assert check.inputs["type"] == "HTTPS_STR_MATCH"
    assert (check.inputs["fqdn"], check.inputs["port"], check.inputs["resourcePath"]) == (
        "api.example.com",
        443,
        "/health/ready",
    )
    assert check.inputs["searchString"] == '"status":"pass"'
    assert check.inputs["tags"]["Name"] == "vigil-dev-api-unreachable"
    alarm = by_name(recorder, "metricAlarm:MetricAlarm")["vigil-dev-api-unreachable"]
    assert (alarm["namespace"], alarm["metricName"], alarm["statistic"]) == (
        "AWS/Route53",
        "HealthCheckStatus",
        "Minimum",
    )
    assert alarm["dimensions"] == {"HealthCheckId": f"{check.name}-id"}  # the created check's id, not its name
    assert (alarm["comparisonOperator"], alarm["threshold"], alarm["treatMissingData"]) == (
        "LessThanThreshold",
        1,
        "breaching",
    )
    assert alarm["alarmActions"] == [f"{ARN}vigil-dev-p1"]


def test_each_subscription_gets_only_the_states_it_asked_for(recorder: Recorder) -> None:
    subs = {r.name: r.inputs for r in recorder.of_type("topicSubscription:TopicSubscription")}
    states = {
        name.split("-")[-1]: json.loads(s["filterPolicy"])["NewStateValue"]
        for name, s in subs.items()
        if "vigil-dev-p1" in name
    }
    assert states == {"pagerduty": ["ALARM", "OK"], "sms": ["ALARM"], "email": ["ALARM"], "webhook": ["ALARM", "OK"]}
    assert {s["filterPolicyScope"] for s in subs.values()} == {"MessageBody"}


def test_https_subscriptions_dead_letter_into_an_encrypted_queue_only_our_topics_may_write(
    recorder: Recorder,
) -> None:
    (queue,) = recorder.of_type("sqs/queue:Queue")
    assert queue.inputs["name"] == "vigil-dev-notifications-dlq"
    assert queue.inputs["kmsMasterKeyId"].startswith("arn:aws:kms:")
    assert queue.inputs["messageRetentionSeconds"] == 14 * 86400
    subs = recorder.of_type("topicSubscription:TopicSubscription")
    for sub in subs:
        redrive = sub.inputs.get("redrivePolicy")
        if sub.inputs["protocol"] == "https":
            assert json.loads(redrive)["deadLetterTargetArn"].endswith(":vigil-dev-notifications-dlq")
        else:
            assert redrive is None
    (policy,) = recorder.of_type("queuePolicy:QueuePolicy")
    statement = json.loads(policy.inputs["policy"])["Statement"][0]
    assert statement["Principal"] == {"Service": "sns.amazonaws.com"}
    assert f"{ARN}vigil-dev-p1" in statement["Condition"]["ArnEquals"]["aws:SourceArn"]


def test_delivery_failures_go_to_their_own_topic(recorder: Recorder) -> None:
    topics = by_name(recorder, "sns/topic:Topic")
    assert "vigil-dev-delivery-failures" in topics
    alarms = by_name(recorder, "metricAlarm:MetricAlarm")
    failed = {n: a for n, a in alarms.items() if n.startswith("vigil-dev-delivery-failed-")}
    assert sorted(failed) == [
        "vigil-dev-delivery-failed-p1",
        "vigil-dev-delivery-failed-p2",
        "vigil-dev-delivery-failed-p3",
    ]
    for name, alarm in failed.items():
        severity = name.rsplit("-", 1)[1]
        assert alarm["dimensions"] == {"TopicName": f"vigil-dev-{severity}"}
        assert alarm["alarmActions"] == [f"{ARN}vigil-dev-delivery-failures"]  # never the failing topic
    dlq = alarms["vigil-dev-notifications-dead-lettered"]
    assert (dlq["namespace"], dlq["dimensions"]) == ("AWS/SQS", {"QueueName": "vigil-dev-notifications-dlq"})


def test_chat_goes_through_chatbot_with_a_read_only_guardrail(recorder: Recorder) -> None:
    (slack,) = recorder.of_type("slackChannelConfiguration:SlackChannelConfiguration")
    assert (slack.inputs["slackTeamId"], slack.inputs["slackChannelId"]) == ("T0FIXTURE", "C0FIXTURE")
    assert sorted(slack.inputs["snsTopicArns"]) == [f"{ARN}vigil-dev-p2", f"{ARN}vigil-dev-p3"]
    assert slack.inputs["guardrailPolicyArns"] == ["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"]
    (role,) = [r for r in recorder.of_type("iam/role:Role") if r.inputs["name"].endswith("-chatbot")]
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "chatbot.amazonaws.com"}
    subs = recorder.of_type("topicSubscription:TopicSubscription")
    assert not [s for s in subs if "hooks.slack.com" in json.dumps(s.inputs)]  # no raw https to Slack


def test_composite_suppression_and_children_that_do_not_notify(recorder: Recorder) -> None:
    composite = by_name(recorder, "compositeAlarm:CompositeAlarm", "alarmName")["vigil-dev-platform-down"]
    assert composite["actionsSuppressor"] == {
        "alarm": "vigil-dev-maintenance",
        "waitPeriod": 120,
        "extensionPeriod": 300,
    }
    maintenance = by_name(recorder, "metricAlarm:MetricAlarm")["vigil-dev-maintenance"]
    assert maintenance.get("alarmActions", []) == []


def test_canary_code_is_uploaded_to_a_private_encrypted_bucket_and_started(recorder: Recorder) -> None:
    (canary,) = recorder.of_type("synthetics/canary:Canary")
    inputs = canary.inputs
    assert (inputs["name"], inputs["handler"], inputs["startCanary"]) == (
        "vigil-dev-smoke-flow",
        "vigil_canary.handler",
        True,
    )
    assert inputs["schedule"] == {"expression": "rate(10 minutes)"}
    assert inputs["runConfig"]["environmentVariables"]["VIGIL_SMOKE_BASE_URL"] == "https://api.example.com"
    (code,) = recorder.of_type("bucketObjectv2:BucketObjectv2")
    assert code.inputs["key"] == inputs["s3Key"]
    assert inputs["s3Key"].startswith("code/vigil-dev-smoke-flow-")
    (block,) = recorder.of_type("bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert all(
        block.inputs[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    )
    (encryption,) = recorder.of_type("bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
    assert encryption.inputs["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"


def test_a_percentile_alarm_sends_evaluate_low_sample_count_percentiles(recorder: Recorder) -> None:
    alarms = by_name(recorder, "metricAlarm:MetricAlarm")
    assert alarms["vigil-dev-api-latency-p95"]["evaluateLowSampleCountPercentiles"] == "ignore"
    assert all("evaluateLowSampleCountPercentiles" not in a or a["extendedStatistic"] for a in alarms.values())
