"""Automatic alarm actions against moto on 127.0.0.1: the fixture plan's scalable target, step scaling policies and
alarm action ARNs are created with the real API calls, read back, and compared by ``vigil verify``.

The fixture project (``tests/plan/plan_fixture.py``) scales ``vigil-dev/worker`` from two alarms, opens OpsItems
and invokes Lambda functions. moto checks what Application Auto Scaling checks here (the ECS service must exist,
the step configuration is stored) and stores any action ARN on an alarm; it never runs an action.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from vigil.plan.types import StackPlan
from vigil.verify import AwsTarget, apply_plan
from vigil.verify.deployed import read_deployed
from vigil.verify.diff import diff_states
from vigil.verify.emulator import reset
from vigil.verify.state import expected_state

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plan"))
from plan_fixture import FIXTURE_CONFIG, fixture_plan

REGION = "eu-west-1"


@pytest.fixture(scope="module")
def plan() -> StackPlan:
    return fixture_plan()


@pytest.fixture
def target(emulator_url: str) -> AwsTarget:
    reset(emulator_url)
    return AwsTarget(REGION, endpoint_url=emulator_url)


def worker_service(target: AwsTarget) -> None:
    """The world the stack is deployed into: the worker's ECS service exists (it is not Vigil's to create)."""
    ecs = target.client("ecs")
    ecs.create_cluster(clusterName="vigil-dev")
    ecs.create_service(cluster="vigil-dev", serviceName="worker", desiredCount=1)


def config(key: str) -> str | None:
    return FIXTURE_CONFIG.get(f"vigil:{key}")


def test_policies_are_created_and_their_arns_are_the_alarms_actions(target: AwsTarget, plan: StackPlan) -> None:
    worker_service(target)
    applied = apply_plan(target, plan, config)
    assert not [s for s in applied.skipped if "scal" in s]
    aas = target.client("application-autoscaling")
    (registered,) = aas.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
    assert (registered["ResourceId"], registered["MinCapacity"], registered["MaxCapacity"]) == (
        "service/vigil-dev/worker",
        1,
        8,
    )
    policies = {p["PolicyName"]: p for p in aas.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]}
    assert set(policies) == {
        "vigil-dev-job-failure-rate-scale",
        "vigil-dev-job-failure-rate-scale-1",
        "vigil-dev-worker-down-scale-2",
    }
    steps = policies["vigil-dev-worker-down-scale-2"]["StepScalingPolicyConfiguration"]["StepAdjustments"]
    assert steps == [{"MetricIntervalUpperBound": 0.0, "ScalingAdjustment": 1}]
    cw = target.client("cloudwatch")
    (down,) = cw.describe_alarms(AlarmNames=["vigil-dev-worker-down"])["MetricAlarms"]
    assert policies["vigil-dev-worker-down-scale-2"]["PolicyARN"] in down["AlarmActions"]
    assert f"arn:aws:ssm:{REGION}:123456789012:opsitem:1#CATEGORY=Availability" in down["AlarmActions"]
    assert down["OKActions"][-1:] == ["arn:aws:lambda:eu-west-1:210987654321:function:restart-worker"]


def test_verify_finds_no_drift_once_applied_and_reports_a_removed_policy(target: AwsTarget, plan: StackPlan) -> None:
    worker_service(target)
    apply_plan(target, plan, config)
    expected = expected_state(plan, config)
    report = diff_states(expected, read_deployed(target, plan))
    assert [d for d in report.drifts if d.resource == "metric alarm"] == []

    cw = target.client("cloudwatch")
    (alarm,) = cw.describe_alarms(AlarmNames=["vigil-dev-job-failure-rate"])["MetricAlarms"]
    keep = [a for a in alarm["AlarmActions"] if ":scalingPolicy:" not in a]
    cw.put_metric_alarm(**{**_put_args(alarm), "AlarmActions": keep})
    drifts = [d for d in diff_states(expected, read_deployed(target, plan)).drifts if d.resource == "metric alarm"]
    assert [(d.name, d.field) for d in drifts] == [("vigil-dev-job-failure-rate", "AlarmActions")]
    assert ":scalingPolicy:*:resource/ecs/service/vigil-dev/worker:policyName/vigil-dev-job-failure-rate-scale" in (
        str(drifts[0].expected)
    )


def test_without_the_ecs_service_the_target_is_skipped_and_verify_says_the_scaling_is_missing(
    target: AwsTarget, plan: StackPlan
) -> None:
    applied = apply_plan(target, plan, config)
    assert any(s.startswith("scalable target service/vigil-dev/worker:") for s in applied.skipped)
    drifts = diff_states(expected_state(plan, config), read_deployed(target, plan)).drifts
    assert {d.name for d in drifts if d.field == "AlarmActions"} == {
        "vigil-dev-job-failure-rate",
        "vigil-dev-worker-down",
    }


def _put_args(alarm: dict[str, object]) -> dict[str, object]:
    keys = (
        "AlarmName",
        "AlarmDescription",
        "ActionsEnabled",
        "OKActions",
        "AlarmActions",
        "InsufficientDataActions",
        "EvaluationPeriods",
        "DatapointsToAlarm",
        "Threshold",
        "ComparisonOperator",
        "TreatMissingData",
        "Metrics",
        "Namespace",
        "MetricName",
        "Dimensions",
        "Period",
        "Statistic",
    )
    return {k: alarm[k] for k in keys if k in alarm}
