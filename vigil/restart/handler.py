"""Lambda handler: force a new deployment of the ECS service an alarm names, when the alarm goes into ALARM.

Environment: ``VIGIL_RESTART_TARGETS``, JSON ``{"<alarm name>": "<cluster>/<service>"}``.

This file is shipped alone as the function's code: standard library and boto3 only, no ``vigil`` import.

Example (the event CloudWatch sends a Lambda alarm action, trimmed)::

    >>> event = {"source": "aws.cloudwatch", "alarmData": {"alarmName": "vigil-prod-worker-down",
    ...          "state": {"value": "ALARM"}, "previousState": {"value": "OK"}}}
    >>> decide(event, {"vigil-prod-worker-down": "vigil-prod/worker"})
    RestartDecision(target='vigil-prod/worker', reason='vigil-prod-worker-down went into ALARM')
    >>> decide({**event, "alarmData": {**event["alarmData"], "state": {"value": "OK"}}}, {}).target is None
    True
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from typing import Any

#: The environment variable that maps alarm names to ``cluster/service``.
TARGETS_VARIABLE = "VIGIL_RESTART_TARGETS"
LOG = logging.getLogger("vigil.restart")
LOG.setLevel(logging.INFO)


@dataclass(frozen=True)
class RestartDecision:
    """The service to restart (``cluster/service``), or None, and why."""

    target: str | None
    reason: str


def decide(event: dict[str, Any], targets: dict[str, str]) -> RestartDecision:
    """What to do for one alarm event: restart only on a change into ALARM, only a service mapped to the alarm."""
    data = event.get("alarmData") or {}
    name = str(data.get("alarmName", ""))
    state = (data.get("state") or {}).get("value")
    if state != "ALARM":
        return RestartDecision(None, f"{name or 'the alarm'} is {state}, not ALARM")
    target = targets.get(name)
    if target is None or target.count("/") != 1:
        return RestartDecision(None, f"no service to restart for alarm {name!r}")
    return RestartDecision(target, f"{name} went into ALARM")


def restart(ecs: Any, target: str) -> dict[str, Any]:
    """Force a new deployment of ``cluster/service`` unless one is already rolling out; what was done."""
    cluster, service = target.split("/")
    found = ecs.describe_services(cluster=cluster, services=[service]).get("services") or []
    if not found or found[0].get("status") != "ACTIVE":
        return {"restarted": None, "target": target, "reason": "the service does not exist or is not active"}
    rolling = [d for d in found[0].get("deployments") or [] if d.get("rolloutState") == "IN_PROGRESS"]
    if len(found[0].get("deployments") or []) > 1 or rolling:
        return {"restarted": None, "target": target, "reason": "a deployment is already rolling out"}
    ecs.update_service(cluster=cluster, service=service, forceNewDeployment=True)
    return {"restarted": target, "target": target, "reason": "forced a new deployment"}


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    """The Lambda entry point: decide, then restart; every outcome is one JSON log line."""
    targets = json.loads(os.environ.get(TARGETS_VARIABLE) or "{}")
    decision = decide(event, targets)
    if decision.target is None:
        outcome: dict[str, Any] = {"restarted": None, "target": None, "reason": decision.reason}
    else:
        import boto3  # in every Lambda Python runtime; imported here so the module loads without it

        outcome = restart(boto3.client("ecs"), decision.target)
        outcome["alarm"] = decision.reason
    LOG.info(json.dumps(outcome, sort_keys=True))
    return outcome
