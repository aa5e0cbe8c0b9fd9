"""MonitoringStack under Pulumi's mock engine, built from the fixture project."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest
from plan_fixture import (
    FAKE_PAGERDUTY_KEY,
    FAKE_WEBHOOK,
    FIXTURE_CONFIG,
    FIXTURE_SECRET_KEYS,
    fixture_plan,
)
from pulumi_mocks import Recorder, install, is_secret, plain_strings

from vigil.components.monitoring_stack import MonitoringStack, MonitoringStackArgs


@pytest.fixture(scope="module")
def built() -> tuple[Recorder, dict[str, Any]]:
    recorder = install("dev", dict(FIXTURE_CONFIG), list(FIXTURE_SECRET_KEYS), region="eu-west-1")
    outputs: dict[str, Any] = {}

    @pulumi.runtime.test
    def build() -> pulumi.Output[Any]:
        stack = MonitoringStack("vigil", MonitoringStackArgs(plan=fixture_plan()))
        collected = pulumi.Output.all(
            topic_arns=stack.topic_arns, app_policies=stack.app_policies, log_group_names=stack.log_group_names
        )
        outputs["dashboard_urls"] = stack.dashboard_urls
        return collected.apply(outputs.update)

    build()
    return recorder, outputs


def test_components_have_vigil_type_tokens_and_children_are_parented(built: tuple[Recorder, dict[str, Any]]) -> None:
    recorder, _ = built
    tokens = {r.type for r in recorder.resources if r.type.startswith("vigil:")}
    assert tokens == {
        "vigil:monitoring_stack:MonitoringStack",
        "vigil:metric_namespace:MetricNamespace",
        "vigil:alarm_routing:AlarmRouting",
        "vigil:alarms:Alarms",
        "vigil:dashboards:Dashboards",
        "vigil:tracing:Tracing",
    }
    orphans = [
        r.name
        for r in recorder.resources
        if r.type.startswith("aws:") and "$vigil:" not in r.parent and "::vigil:" not in r.parent
    ]
    assert orphans == []


def test_outputs_name_topics_log_groups_dashboards_and_policies(built: tuple[Recorder, dict[str, Any]]) -> None:
    _, outputs = built
    assert sorted(outputs["topic_arns"]) == ["P1", "P2", "P3", "P4"]
    assert outputs["log_group_names"] == {"Vigil/API": "/vigil/dev/api", "Vigil/Worker": "/vigil/dev/worker"}
    assert outputs["dashboard_urls"]["overview"].endswith("#dashboards:name=dev-overview")
    policy = json.loads(outputs["app_policies"]["api"])
    assert policy["Statement"][1]["Condition"]["StringEquals"]["cloudwatch:namespace"] == "Vigil/API"


def test_alarm_inputs_reach_pulumi_aws_as_planned(built: tuple[Recorder, dict[str, Any]]) -> None:
    recorder, _ = built
    alarms = {
        r.inputs["name"].removeprefix("vigil-dev-"): r.inputs for r in recorder.of_type("metricAlarm:MetricAlarm")
    }
    p95 = alarms["api-latency-p95"]
    assert (p95["extendedStatistic"], "statistic" in p95) == ("p95", False)
    assert p95["dimensions"] == {"Environment": "dev", "Service": "api"}
    math = alarms["job-failure-rate"]
    assert [q["id"] for q in math["metricQueries"] if q.get("returnData")] == ["e1"]
    assert math["metricQueries"][0]["metric"]["metricName"] == "job.claimed"
    assert alarms["token-spike"]["thresholdMetricId"] == "ad1"
    assert alarms["request-drop"].get("alarmActions", []) == []  # P4 without listeners
    # The severity's topic first; the fixture's automatic actions follow (tests/components/test_components_alarm_actions.py).
    assert alarms["worker-down"]["alarmActions"][0] == "arn:aws:sns:eu-west-1:123456789012:vigil-dev-p1"


def test_existing_kms_alias_is_looked_up_for_the_log_group(built: tuple[Recorder, dict[str, Any]]) -> None:
    recorder, _ = built
    groups = {r.inputs["name"]: r.inputs for r in recorder.of_type("logGroup:LogGroup")}
    assert groups["/vigil/dev/worker"]["kmsKeyId"] == "arn:aws:kms:eu-west-1:123456789012:key/for-alias/shared-logs"
    assert groups["/vigil/dev/api"]["kmsKeyId"].startswith("arn:aws:kms:")
    assert groups["/vigil/dev/api"]["retentionInDays"] == 90


def test_secrets_stay_secret(built: tuple[Recorder, dict[str, Any]]) -> None:
    recorder, _ = built
    for r in recorder.resources:
        leaked = [s for s in plain_strings(r.inputs) if FAKE_PAGERDUTY_KEY in s or FAKE_WEBHOOK in s]
        assert leaked == [], f"{r.type} {r.name} has a secret in plain inputs"
    endpoints = [r.inputs["endpoint"] for r in recorder.of_type("topicSubscription:TopicSubscription")]
    assert sum(is_secret(e) for e in endpoints) == 3  # P1 pagerduty + P1 webhook + P3 webhook
    assert "oncall@example.com" in endpoints  # plain config stays plain
