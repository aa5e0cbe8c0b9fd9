"""The Tracing component under Pulumi's mock engine: X-Ray rules and groups, log anomaly detectors."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from plan_fixture import FIXTURE_CONFIG, FIXTURE_SECRET_KEYS, fixture_plan
from pulumi_mocks import Recorder, install

from vigil.components.monitoring_stack import MonitoringStack, MonitoringStackArgs


@pytest.fixture(scope="module")
def built() -> tuple[Recorder, dict[str, Any]]:
    recorder = install("dev", dict(FIXTURE_CONFIG), list(FIXTURE_SECRET_KEYS), region="eu-west-1")
    outputs: dict[str, Any] = {}

    @pulumi.runtime.test
    def build() -> None:
        stack = MonitoringStack("vigil", MonitoringStackArgs(plan=fixture_plan()))
        outputs["app_environment"] = stack.app_environment
        outputs["collector_policy"] = stack.collector_policy

    build()
    return recorder, outputs


def test_xray_rules_and_groups_per_service(built: tuple[Recorder, dict[str, Any]]) -> None:
    recorder, _ = built
    rules = {r.inputs["ruleName"]: r.inputs for r in recorder.of_type("xray/samplingRule:SamplingRule")}
    assert set(rules) == {"vigil-dev-api", "vigil-dev-worker"}
    assert rules["vigil-dev-api"]["serviceName"] == "api"
    assert rules["vigil-dev-api"]["fixedRate"] == 1.0
    assert rules["vigil-dev-api"]["reservoirSize"] == 1
    assert rules["vigil-dev-api"]["attributes"] == {"vigil_environment": "dev"}  # never matches prod's traffic
    groups = {r.inputs["groupName"]: r.inputs for r in recorder.of_type("xray/group:Group")}
    assert (
        groups["vigil-dev-worker"]["filterExpression"] == 'service("worker") AND annotation.vigil_environment = "dev"'
    )
    assert groups["vigil-dev-worker"]["insightsConfiguration"]["insightsEnabled"] is True
    for r in [*recorder.of_type("xray/samplingRule:SamplingRule"), *recorder.of_type("xray/group:Group")]:
        assert "vigil:tracing:Tracing" in r.parent


def test_anomaly_detector_per_log_group(built: tuple[Recorder, dict[str, Any]]) -> None:
    recorder, outputs = built
    detectors = {r.inputs["detectorName"]: r.inputs for r in recorder.of_type("logAnomalyDetector:LogAnomalyDetector")}
    assert set(detectors) == {"vigil-dev-api-logs", "vigil-dev-worker-logs"}
    api = detectors["vigil-dev-api-logs"]
    assert api["logGroupArnLists"] == ["arn:aws:logs:eu-west-1:123456789012:log-group:/vigil/dev/api"]
    assert (api["evaluationFrequency"], api["enabled"]) == ("FIFTEEN_MIN", True)
    assert outputs["app_environment"]["api"]["VIGIL_ENVIRONMENT"] == "dev"
    assert "xray:PutTraceSegments" in outputs["collector_policy"]
