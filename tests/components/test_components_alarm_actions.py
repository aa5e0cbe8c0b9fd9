"""Automatic alarm actions as pulumi-aws receives them: the ARNs in each alarm's state lists, the Lambda
permissions, the scalable target and the step scaling policies.

Built from the fixture project (``tests/plan/plan_fixture.py``: job-failure-rate and worker-down scale the worker
service, worker-down opens an OpsItem and invokes another account's function on OK, platform-down invokes
``page-status:live`` and opens an OpsItem) under the mock engine.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest
from plan_fixture import FIXTURE_CONFIG, FIXTURE_SECRET_KEYS, fixture_plan
from pulumi_mocks import Recorder, install

from vigil.components.monitoring_stack import MonitoringStack, MonitoringStackArgs

REGION, ACCOUNT = "eu-west-1", "123456789012"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:vigil-dev-p1"


@pytest.fixture(scope="module")
def recorder() -> Recorder:
    rec = install("dev", dict(FIXTURE_CONFIG), list(FIXTURE_SECRET_KEYS), region=REGION)

    @pulumi.runtime.test
    def build() -> None:
        MonitoringStack("vigil", MonitoringStackArgs(plan=fixture_plan()))

    build()
    return rec


def alarm(recorder: Recorder, name: str) -> dict[str, Any]:
    alarms = {r.inputs.get("name") or r.inputs.get("alarmName"): r.inputs for r in recorder.of_type("Alarm")}
    return alarms[name]


def test_one_scalable_target_for_the_worker_service_shared_by_both_policies(recorder: Recorder) -> None:
    (target,) = recorder.of_type("appautoscaling/target:Target")
    assert (target.inputs["serviceNamespace"], target.inputs["scalableDimension"], target.inputs["resourceId"]) == (
        "ecs",
        "ecs:service:DesiredCount",
        "service/vigil-dev/worker",
    )
    assert (target.inputs["minCapacity"], target.inputs["maxCapacity"]) == (1, 8)
    policies = {p.inputs["name"]: p.inputs for p in recorder.of_type("appautoscaling/policy:Policy")}
    assert set(policies) == {
        "vigil-dev-job-failure-rate-scale",
        "vigil-dev-job-failure-rate-scale-1",
        "vigil-dev-worker-down-scale-2",
    }
    assert {p["resourceId"] for p in policies.values()} == {"service/vigil-dev/worker"}
    assert {p["policyType"] for p in policies.values()} == {"StepScaling"}


def test_the_step_starts_at_the_threshold_on_the_side_the_alarm_breaches(recorder: Recorder) -> None:
    policies = {p.inputs["name"]: p.inputs for p in recorder.of_type("appautoscaling/policy:Policy")}
    above = policies["vigil-dev-job-failure-rate-scale"]["stepScalingPolicyConfiguration"]
    (step,) = above["stepAdjustments"]
    assert (step["scalingAdjustment"], step["metricIntervalLowerBound"]) == (2, "0")
    assert "metricIntervalUpperBound" not in step
    assert (above["adjustmentType"], above["cooldown"]) == ("ChangeInCapacity", 120)
    below = policies["vigil-dev-worker-down-scale-2"]["stepScalingPolicyConfiguration"]
    (step,) = below["stepAdjustments"]
    assert (step["scalingAdjustment"], step["metricIntervalUpperBound"]) == (1, "0")
    assert "metricIntervalLowerBound" not in step
    # job-failure-rate back in OK: the rate is at or below the threshold, so the scale-in step lies below it.
    scale_in = policies["vigil-dev-job-failure-rate-scale-1"]["stepScalingPolicyConfiguration"]
    (step,) = scale_in["stepAdjustments"]
    assert (step["scalingAdjustment"], step["metricIntervalUpperBound"], scale_in["cooldown"]) == (-1, "0", 300)


def test_alarm_state_lists_hold_the_topic_then_the_automatic_actions(recorder: Recorder) -> None:
    scaling = alarm(recorder, "vigil-dev-job-failure-rate")
    assert scaling["alarmActions"] == [
        TOPIC,
        f"arn:aws:appautoscaling:{REGION}:{ACCOUNT}:vigil-dev-job-failure-rate-scale",  # the created policy's ARN
    ]
    assert scaling["okActions"][-1] == f"arn:aws:appautoscaling:{REGION}:{ACCOUNT}:vigil-dev-job-failure-rate-scale-1"
    down = alarm(recorder, "vigil-dev-worker-down")
    assert down["alarmActions"] == [
        TOPIC,
        f"arn:aws:ssm:{REGION}:{ACCOUNT}:opsitem:1#CATEGORY=Availability",
        f"arn:aws:appautoscaling:{REGION}:{ACCOUNT}:vigil-dev-worker-down-scale-2",
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:vigil-dev-restart-service",
    ]
    assert down["okActions"][-1] == "arn:aws:lambda:eu-west-1:210987654321:function:restart-worker"
    composite = alarm(recorder, "vigil-dev-platform-down")
    assert composite["alarmActions"] == [
        TOPIC,
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:page-status:live",
        f"arn:aws:ssm:{REGION}:{ACCOUNT}:opsitem:1",
    ]


def test_lambda_permission_lets_only_this_alarm_invoke_and_none_for_another_accounts_function(
    recorder: Recorder,
) -> None:
    permissions = {p.inputs["function"]: p for p in recorder.of_type("lambda/permission:Permission")}
    # restart-worker is in account 210987654321: no permission; Vigil's own restart function gets one
    assert set(permissions) == {"page-status", "vigil-dev-restart-service"}
    permission = permissions["page-status"]
    inputs = permission.inputs
    assert (inputs["action"], inputs["principal"]) == (
        "lambda:InvokeFunction",
        "lambda.alarms.cloudwatch.amazonaws.com",
    )
    assert (inputs["function"], inputs["qualifier"]) == ("page-status", "live")
    assert inputs["sourceArn"] == f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:vigil-dev-platform-down"
    assert inputs["sourceAccount"] == ACCOUNT
    assert "vigil:alarms:Alarms" in permission.parent


def test_the_restart_function_ships_the_handler_and_may_restart_only_its_services(recorder: Recorder) -> None:
    (function,) = [
        f for f in recorder.of_type("lambda/function:Function") if f.inputs["name"].endswith("restart-service")
    ]
    inputs = function.inputs
    assert (inputs["runtime"], inputs["handler"], inputs["timeout"]) == ("python3.12", "handler.handler", 30)
    assert json.loads(inputs["environment"]["variables"]["VIGIL_RESTART_TARGETS"]) == {
        "vigil-dev-worker-down": "vigil-dev/worker"
    }
    (policy,) = [p for p in recorder.of_type("iam/rolePolicy:RolePolicy") if "restart" in p.name]
    statements = {s["Sid"]: s for s in json.loads(policy.inputs["policy"])["Statement"]}
    assert statements["RestartServices"]["Resource"] == [f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/vigil-dev/worker"]
    assert statements["RestartServices"]["Action"] == ["ecs:DescribeServices", "ecs:UpdateService"]
    groups = {g.inputs["name"]: g.inputs for g in recorder.of_type("logGroup:LogGroup")}
    assert groups["/aws/lambda/vigil-dev-restart-service"]["retentionInDays"] == 30
    restart_permission = next(
        p
        for p in recorder.of_type("lambda/permission:Permission")
        if p.inputs["function"] == "vigil-dev-restart-service"
    )
    assert (
        restart_permission.inputs["sourceArn"] == f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:vigil-dev-worker-down"
    )
