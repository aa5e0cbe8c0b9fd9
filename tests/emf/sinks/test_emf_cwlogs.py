"""CloudWatchLogsSink against a moto server: exact round trip, throttling, exit with pending data."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError
from emf_helpers import assert_valid_emf

from vigil.emf import MetricsLogger
from vigil.emf.sinks.cwlogs import CloudWatchLogsSink, line_timestamp

pytestmark = pytest.mark.integration
BASE = time.time_ns() // 1_000_000 - 60_000  # a minute ago: inside what CloudWatch Logs accepts


def read_back(client: Any, group: str, stream: str) -> list[str]:
    messages: list[str] = []
    kwargs: dict[str, Any] = {"logGroupName": group, "logStreamNames": [stream]}
    while True:
        page = client.filter_log_events(**kwargs)
        messages.extend(e["message"] for e in page["events"])
        if not page.get("nextToken"):
            return messages
        kwargs["nextToken"] = page["nextToken"]


def names() -> tuple[str, str]:
    return f"/vigil/test-{uuid.uuid4().hex[:8]}", "host-1"


def test_put_log_events_round_trip_creates_group_and_stream(logs_client: Any) -> None:
    group, stream = names()
    sink = CloudWatchLogsSink(group, stream, logs_client, max_age=0.05)
    logger = MetricsLogger("Vigil/API", {"Service": "api"}, sink)
    for i in range(120):
        logger.put("requests", i, "Count", properties={"job_id": f"j-{i}"}, timestamp=BASE + i)
    written = list(sink_lines(logger, 120))
    sink.close()
    assert read_back(logs_client, group, stream) == written
    assert [assert_valid_emf(x)["requests"] for x in written] == list(range(120))
    assert sink.stats.written == 120
    assert sink.stats.dropped_total == 0


def sink_lines(logger: MetricsLogger, n: int) -> list[str]:
    """The lines the logger produced, re-rendered through an in-memory logger with the same inputs."""
    from vigil.emf import InMemorySink

    mirror = InMemorySink()
    twin = MetricsLogger(logger.namespace, logger.default_dimensions, mirror)
    for i in range(n):
        twin.put("requests", i, "Count", properties={"job_id": f"j-{i}"}, timestamp=BASE + i)
    return mirror.lines


class ThrottlingClient:
    """Wraps a real client: the first ``failures`` PutLogEvents calls raise ThrottlingException."""

    def __init__(self, client: Any, failures: int) -> None:
        self._client = client
        self.failures = failures
        self.calls = 0

    def put_log_events(self, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls <= self.failures:
            error = {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}
            raise ClientError(error, "PutLogEvents")  # type: ignore[arg-type]
        return self._client.put_log_events(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def test_throttling_is_retried_and_nothing_is_lost(logs_client: Any) -> None:
    group, stream = names()
    client = ThrottlingClient(logs_client, failures=2)
    sink = CloudWatchLogsSink(group, stream, client, max_age=0.05, initial_backoff=0.01, max_backoff=0.02)  # type: ignore[arg-type]
    lines = [f'{{"_aws":{{"Timestamp":{BASE + i},"CloudWatchMetrics":[]}},"i":{i}}}' for i in range(30)]
    for line in lines:
        sink.write(line)
    sink.close()
    assert client.calls >= 3
    assert read_back(logs_client, group, stream) == lines
    assert sink.stats.written == 30
    assert sink.stats.dropped_total == 0


def test_non_retryable_errors_drop_the_batch_with_a_count(logs_client: Any) -> None:
    group, stream = names()
    sink = CloudWatchLogsSink(group, stream, logs_client, max_age=0.05, create=False)
    sink.write('{"_aws":{"Timestamp":1790000000000,"CloudWatchMetrics":[]}}')
    sink.close()
    assert sink.stats.dropped == {"rejected": 1}


def test_pending_lines_are_flushed_at_interpreter_exit(logs_client: Any, moto_endpoint: str) -> None:
    group, stream = names()
    code = (
        "from vigil.emf import MetricsLogger\n"
        "m = MetricsLogger('Vigil/API', {'Service': 'api'})\n"
        "for i in range(25): m.put('requests', i, 'Count')\n"
    )
    env = {
        **os.environ,
        "VIGIL_EMF_SINK": f"cwlogs://{group}/{stream}",
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120, env=env)
    got = read_back(logs_client, group, stream)
    assert sorted(assert_valid_emf(x)["requests"] for x in got) == list(range(25))


def test_line_timestamp_reads_the_emf_timestamp() -> None:
    assert line_timestamp('{"_aws":{"Timestamp":1234,"CloudWatchMetrics":[]}}') == 1234
    assert line_timestamp("plain text") > 1_600_000_000_000
