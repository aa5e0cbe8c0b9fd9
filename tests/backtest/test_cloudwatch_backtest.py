"""``vigil backtest --from-cloudwatch``: GetMetricData against moto's server (history seeded by PutMetricData);
percentile statistics, pagination and throttling with a botocore Stubber (moto's serializer crashes on them)."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from vigil.backtest import cloudwatch
from vigil.backtest.cloudwatch import MAX_DATAPOINTS, MAX_QUERIES, Query, batches, fetch_history, load
from vigil.backtest.errors import CloudWatchFetchError
from vigil.cli.main import main
from vigil.emulator.store import MetricKey, MetricStore
from vigil.plan.stack import load_stack_plan

pytestmark = pytest.mark.integration
KEY = MetricKey.of("Vigil/Worker", "worker.heartbeat", {"Service": "worker", "Environment": "prod"})


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    yield f"http://127.0.0.1:{server._server.server_port}"
    server.stop()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, moto_endpoint: str) -> str:
    import urllib.request

    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    urllib.request.urlopen(urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")).close()
    return moto_endpoint


def client(endpoint: str) -> Any:
    return cloudwatch.make_client("us-east-1", endpoint)


def seed_heartbeats(endpoint: str, start: int, minutes: int, dead: range) -> None:
    """Four workers (prod's count) beating every minute, except during ``dead`` (minute indexes)."""
    cw = client(endpoint)
    data = []
    for minute in range(minutes):
        if minute in dead:
            continue
        for _ in range(4):
            data.append(
                {
                    "MetricName": KEY.metric,
                    "Dimensions": [{"Name": k, "Value": v} for k, v in KEY.dimensions],
                    "Timestamp": datetime.fromtimestamp(start + minute * 60 + 5, UTC),
                    "Value": 1.0,
                    "Unit": "Count",
                }
            )
    for i in range(0, len(data), 500):
        cw.put_metric_data(Namespace=KEY.namespace, MetricData=data[i : i + 500])


def test_history_from_moto_fills_statistic_sets(aws_env: str) -> None:
    start = (int(time.time()) // 3600 - 4) * 3600
    seed_heartbeats(aws_env, start, 180, dead=range(200, 200))
    plan = load_stack_plan(".", "prod").plan
    store, stats = fetch_history(plan, start, start + 180 * 60, endpoint_url=aws_env, region="us-east-1")
    assert stats.datapoints >= 4 * 180  # SampleCount, Sum, Minimum, Maximum per minute
    assert store.datapoints(KEY, "Sum", 60, [start + 60 * m for m in (1, 90, 180)]) == [4.0, 4.0, 4.0]
    assert store.datapoints(KEY, "SampleCount", 300, [start + 300]) == [20.0]


def test_cli_from_cloudwatch_detects_dead_workers(aws_env: str) -> None:
    start = (int(time.time()) // 3600 - 4) * 3600
    seed_heartbeats(aws_env, start, 180, dead=range(100, 130))
    out, err = io.StringIO(), io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(
            [
                "backtest",
                "--from-cloudwatch",
                "--stack",
                "prod",
                "--endpoint",
                aws_env,
                "--format",
                "json",
                "--from",
                datetime.fromtimestamp(start + 3600, UTC).isoformat(),
                "--to",
                datetime.fromtimestamp(start + 180 * 60, UTC).isoformat(),
            ]
        )
    import json

    report = json.loads(out.getvalue())
    worker_down = next(a for a in report["alarms"] if a["name"].endswith("worker-down"))
    alarms = [t for t in worker_down["transitions"] if t["to"] == "ALARM"]
    assert alarms, err.getvalue()
    first = datetime.fromisoformat(alarms[0]["time"].replace("Z", "+00:00")).timestamp()
    assert start + 100 * 60 < first <= start + 105 * 60
    assert "GetMetricData call" in err.getvalue()
    assert code in (0, 1)


def test_batches_respect_the_api_limits() -> None:
    queries = [Query(MetricKey.of("N", f"m{i}", {}), "Sum", 60) for i in range(1200)]
    day = 86400
    calls = list(batches(queries, 0, 14 * day))
    per_query = 14 * 1440
    for batch, low, high in calls:
        assert len(batch) <= MAX_QUERIES
        assert len(batch) * -(-(high - low) // 60) <= MAX_DATAPOINTS
    assert sum(len(b) for b, _, _ in calls) == 1200
    assert len(calls) == -(-1200 // (MAX_DATAPOINTS // per_query))
    short = list(batches(queries, 0, 3600))
    assert [len(b) for b, _, _ in short] == [500, 500, 200]
    long = list(batches(queries[:1], 0, 100 * day))  # more than 100,800 minutes: the range is split
    assert [(low, high) for _, low, high in long] == [(0, MAX_DATAPOINTS * 60), (MAX_DATAPOINTS * 60, 100 * day)]


def stubbed(responses: list[tuple[str, dict[str, Any]]]) -> Any:
    from botocore.stub import Stubber

    cw = cloudwatch.make_client("us-east-1", None)
    stubber = Stubber(cw)
    for kind, body in responses:
        if kind == "ok":
            stubber.add_response("get_metric_data", body)
        else:
            stubber.add_client_error("get_metric_data", service_error_code=kind, http_status_code=400)
    stubber.activate()
    return cw


def result(ident: str, stamps: list[int], values: list[float]) -> dict[str, Any]:
    return {
        "Id": ident,
        "Label": ident,
        "Timestamps": [datetime.fromtimestamp(s, UTC) for s in stamps],
        "Values": values,
        "StatusCode": "Complete",
    }


def test_percentiles_pagination_and_throttling_with_a_stubber() -> None:
    query = Query(MetricKey.of("Vigil/API", "http.request.duration", {"Service": "api"}), "p95", 60)
    cw = stubbed(
        [
            ("Throttling", {}),
            ("ok", {"MetricDataResults": [result("q0", [0, 60], [100.0, 120.0])], "NextToken": "page-2"}),
            ("ThrottlingException", {}),
            ("ok", {"MetricDataResults": [result("q0", [120], [6000.0])]}),
        ]
    )
    sleeps: list[float] = []
    store = MetricStore()
    count = load(store, cloudwatch.fetch(cw, [query], 0, 180, sleep=sleeps.append))
    assert count == 3
    assert len(sleeps) == 2
    assert all(0 < s <= 20 for s in sleeps)
    assert store.datapoints(query.key, "p95", 60, [60, 120, 180]) == [100.0, 120.0, 6000.0]


def test_a_non_throttling_error_is_reported_not_retried() -> None:
    cw = stubbed([("AccessDenied", {})])
    query = Query(KEY, "Sum", 60)
    with pytest.raises(CloudWatchFetchError, match="AccessDenied"):
        list(cloudwatch.fetch(cw, [query], 0, 60, sleep=lambda s: None))


def test_unreachable_endpoint_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"}.items():
        monkeypatch.setenv(key, value)
    err = io.StringIO()
    import contextlib

    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(
            ["backtest", "--from-cloudwatch", "--stack", "prod", "--since", "1h", "--endpoint", "http://127.0.0.1:9"]
        )
    assert code == 2
    assert "cannot reach CloudWatch (http://127.0.0.1:9)" in err.getvalue()
