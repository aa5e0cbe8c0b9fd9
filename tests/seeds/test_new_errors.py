"""The new-error detector: the handler against moto (DynamoDB conditional writes, PutMetricData), its plan,
its resources under the mock engine, and that the shipped handler file runs alone in a Lambda runtime."""

from __future__ import annotations

import ast
import base64
import gzip
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from vigil.new_errors import handler as h
from vigil.plan import StackPlan as _StackPlan
from vigil.plan.stack import load_stack_plan


def plan_for_stack(root: Path, stack: str) -> _StackPlan:
    """The plan `pulumi up` deploys for ``stack`` (the one entry point)."""
    return load_stack_plan(root, stack).plan


ROOT = Path(__file__).resolve().parents[2]
T0 = 1_764_900_000_000  # epoch ms


def _event(lines: list[dict[str, Any]], group: str = "/vigil/prod/worker") -> dict[str, Any]:
    data = {
        "messageType": "DATA_MESSAGE",
        "logGroup": group,
        "logEvents": [{"id": str(i), "timestamp": T0 + i, "message": json.dumps(line)} for i, line in enumerate(lines)],
    }
    return {"awslogs": {"data": base64.b64encode(gzip.compress(json.dumps(data).encode())).decode()}}


def _error(fingerprint: str, kind: str = "KeyError") -> dict[str, Any]:
    return {"level": "ERROR", "message": "boom", "error": {"fingerprint": fingerprint, "type": kind, "message": "x"}}


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    yield f"http://127.0.0.1:{server._server.server_port}"
    server.stop()


@pytest.fixture
def aws(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    import boto3
    import requests

    requests.post(f"{moto_endpoint}/moto-api/reset", timeout=10)
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_MAX_ATTEMPTS": "1",
        "TABLE": "vigil-prod-worker-new-errors",
        "NAMESPACE": "Vigil/Worker",
        "METRIC": "error.new_fingerprints",
        "DIMENSIONS": json.dumps({"Service": "worker", "Environment": "prod"}),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    dynamodb = boto3.client("dynamodb")
    dynamodb.create_table(
        TableName=env["TABLE"],
        KeySchema=[{"AttributeName": "fingerprint", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "fingerprint", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    h._SEEN.clear()
    return {"dynamodb": dynamodb, "cloudwatch": boto3.client("cloudwatch")}


def _published(cloudwatch: Any) -> list[float]:
    stats = cloudwatch.get_metric_statistics(
        Namespace="Vigil/Worker",
        MetricName="error.new_fingerprints",
        Dimensions=[{"Name": "Environment", "Value": "prod"}, {"Name": "Service", "Value": "worker"}],
        StartTime=datetime.fromtimestamp(T0 / 1000, UTC) - timedelta(hours=1),
        EndTime=datetime.fromtimestamp(T0 / 1000, UTC) + timedelta(hours=1),
        Period=60,
        Statistics=["Sum", "SampleCount"],
    )
    return sorted(p["Sum"] for p in stats["Datapoints"])


@pytest.mark.integration
def test_a_fingerprint_counts_once_per_stack_even_across_containers(aws: dict[str, Any]) -> None:
    first = h.handler(_event([_error("aaaa"), _error("bbbb"), _error("aaaa"), {"level": "INFO", "message": "ok"}]))
    assert first == {"errors": 3, "new": 2}
    h._SEEN.clear()  # a new container: only DynamoDB remembers
    again = h.handler(_event([_error("aaaa"), _error("cccc", "TimeoutError")]))
    assert again == {"errors": 2, "new": 1}
    item = aws["dynamodb"].get_item(TableName="vigil-prod-worker-new-errors", Key={"fingerprint": {"S": "cccc"}})
    assert item["Item"]["error_type"] == {"S": "TimeoutError"}
    assert item["Item"]["first_seen_ms"] == {"N": str(T0 + 1)}
    assert _published(aws["cloudwatch"]) == [3.0]  # 2 + 1 in the same minute


@pytest.mark.integration
def test_batches_without_error_lines_publish_nothing(aws: dict[str, Any]) -> None:
    assert h.handler(_event([{"level": "ERROR", "message": "no exception"}])) == {"errors": 0, "new": 0}
    control = {"messageType": "CONTROL_MESSAGE", "logEvents": []}
    event = {"awslogs": {"data": base64.b64encode(gzip.compress(json.dumps(control).encode())).decode()}}
    assert h.handler(event) == {"errors": 0, "new": 0}
    assert _published(aws["cloudwatch"]) == []


@pytest.mark.integration
def test_each_new_fingerprint_is_logged_as_one_json_line(
    aws: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    h.handler(_event([_error("dddd", "ValueError")]))
    (line,) = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert line["message"] == "new error fingerprint"
    assert line["error"] == {"fingerprint": "dddd", "type": "ValueError", "message": "x"}


def test_the_shipped_file_imports_only_the_standard_library_and_boto3() -> None:
    tree = ast.parse(Path(h.__file__).read_text(encoding="utf-8"))
    roots = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
        if not (isinstance(node, ast.ImportFrom) and node.level)
    }
    assert roots - {"__future__", "boto3"} <= set(sys.stdlib_module_names), roots


def test_every_log_group_with_a_detector_gets_its_function_wired_to_the_catalog_metric() -> None:
    plan = plan_for_stack(ROOT, "prod")
    detectors = {n.namespace: n.new_errors for n in plan.namespaces if n.new_errors is not None}
    assert set(detectors) == {"Vigil/API", "Vigil/Worker"}
    worker = detectors["Vigil/Worker"]
    assert worker is not None
    assert worker.environment == {
        "TABLE": "vigil-prod-worker-new-errors",
        "NAMESPACE": "Vigil/Worker",
        "METRIC": "error.new_fingerprints",
        "DIMENSIONS": '{"Environment": "prod", "Service": "worker"}',
    }
    assert worker.log_group_name == "/vigil/prod/worker"
    assert worker.function_log_retention_days == 365  # the stack's retention: every log group has one
    policy = json.loads(worker.policy)["Statement"]
    assert policy[0]["Resource"] == "arn:aws:dynamodb:us-east-1:123456789012:table/vigil-prod-worker-new-errors"
    assert policy[1]["Condition"] == {"StringEquals": {"cloudwatch:namespace": "Vigil/Worker"}}
    alarms = {a.name for a in plan.alarms.metric_alarms}
    assert {"vigil-prod-new-error-api", "vigil-prod-new-error-worker"} <= alarms


def test_a_detector_publishing_to_an_undeclared_metric_is_refused(tmp_path: Path) -> None:
    import shutil

    from vigil.spec import load_project

    project = tmp_path / "p"
    for part in ("metrics", "alarms", "dashboards", "stacks"):
        shutil.copytree(ROOT / part, project / part)
    path = project / "metrics" / "worker.yaml"
    path.write_text(
        path.read_text().replace("    metric: error.new_fingerprints\n", "    metric: error.new_fingerprint\n")
    )
    errors = [str(e) for e in load_project(project, stack="prod").errors if e.severity == "error"]
    assert any("metrics/worker.yaml:" in e and "log_group.new_errors.metric" in e for e in errors), errors
