"""Vigil's restart function against moto's ECS on 127.0.0.1: the handler CloudWatch invokes for a ``restart``
action forces a new deployment of the alarm's service once it went into ALARM, and leaves a deployment that is
rolling out alone.

moto's ECS records a forced deployment by giving the primary deployment a new id; a service whose desired
count exceeds its running tasks (moto runs none) reports its deployment ``IN_PROGRESS``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from vigil.restart.handler import TARGETS_VARIABLE, handler
from vigil.verify.emulator import local_aws, reset

ALARM = "vigil-prod-worker-down"


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    with local_aws("us-east-1") as url:  # boto3 in the handler finds it through AWS_ENDPOINT_URL
        yield url


@pytest.fixture
def ecs(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    reset(moto_url)
    monkeypatch.setenv(TARGETS_VARIABLE, json.dumps({ALARM: "vigil-prod/worker"}))
    client = boto3.client("ecs", region_name="us-east-1", endpoint_url=moto_url)
    client.create_cluster(clusterName="vigil-prod")
    return client


def event(state: str, name: str = ALARM) -> dict[str, Any]:
    """The event a CloudWatch alarm's Lambda action sends (the fields the handler reads, and a few more)."""
    return {
        "source": "aws.cloudwatch",
        "alarmArn": f"arn:aws:cloudwatch:us-east-1:123456789012:alarm:{name}",
        "region": "us-east-1",
        "alarmData": {"alarmName": name, "state": {"value": state}, "previousState": {"value": "OK"}},
    }


def deployment(ecs: Any) -> dict[str, Any]:
    (service,) = ecs.describe_services(cluster="vigil-prod", services=["worker"])["services"]
    (primary,) = service["deployments"]
    return dict(primary)


def test_alarm_forces_a_new_deployment_of_the_mapped_service(ecs: Any) -> None:
    ecs.create_service(cluster="vigil-prod", serviceName="worker", desiredCount=0)  # settled: COMPLETED
    before = deployment(ecs)["id"]
    outcome = handler(event("ALARM"), None)
    assert outcome["restarted"] == "vigil-prod/worker"
    assert deployment(ecs)["id"] != before


def test_a_deployment_rolling_out_is_left_alone(ecs: Any) -> None:
    ecs.create_service(cluster="vigil-prod", serviceName="worker", desiredCount=2)  # moto: IN_PROGRESS
    before = deployment(ecs)
    assert before["rolloutState"] == "IN_PROGRESS"
    outcome = handler(event("ALARM"), None)
    assert (outcome["restarted"], outcome["reason"]) == (None, "a deployment is already rolling out")
    assert deployment(ecs)["id"] == before["id"]


@pytest.mark.parametrize(
    ("sent", "reason"),
    [
        (event("OK"), f"{ALARM} is OK, not ALARM"),
        (event("INSUFFICIENT_DATA"), f"{ALARM} is INSUFFICIENT_DATA, not ALARM"),
        (event("ALARM", "vigil-prod-other"), "no service to restart for alarm 'vigil-prod-other'"),
    ],
)
def test_other_states_and_unmapped_alarms_restart_nothing(ecs: Any, sent: dict[str, Any], reason: str) -> None:
    ecs.create_service(cluster="vigil-prod", serviceName="worker", desiredCount=0)
    before = deployment(ecs)["id"]
    assert handler(sent, None) == {"restarted": None, "target": None, "reason": reason}
    assert deployment(ecs)["id"] == before


def test_a_missing_service_is_reported_not_raised(ecs: Any) -> None:
    outcome = handler(event("ALARM"), None)
    assert (outcome["restarted"], outcome["reason"]) == (None, "the service does not exist or is not active")
