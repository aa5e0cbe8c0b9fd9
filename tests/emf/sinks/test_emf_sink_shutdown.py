"""Network sinks at shutdown and during outages: SIGTERM flush (opt-in), bounded close with the agent down,
CloudWatch Logs connection errors retried and counted under their own reason, lost values counted."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
import uuid
from typing import Any

import pytest
from botocore.exceptions import EndpointConnectionError
from emf_helpers import TcpListener, assert_valid_emf, free_port, wait_for

from vigil.emf import MetricsLogger
from vigil.emf.sinks.agent import AgentSink
from vigil.emf.sinks.cwlogs import CloudWatchLogsSink


def emf_line(i: int, values: int = 1) -> str:
    metrics = ",".join(f'{{"Name":"m{j}","Unit":"Count"}}' for j in range(values))
    body = ",".join(f'"m{j}":{i}' for j in range(values))
    stamp = time.time_ns() // 1_000_000
    return f'{{"_aws":{{"Timestamp":{stamp},"CloudWatchMetrics":[{{"Namespace":"T","Dimensions":[[]],"Metrics":[{metrics}]}}]}},{body}}}'


def test_close_with_the_agent_down_returns_early_and_counts_lines_and_values() -> None:
    sink = AgentSink(f"tcp://127.0.0.1:{free_port()}", max_buffer=50, initial_backoff=2.0, max_backoff=2.0)
    for i in range(60):
        sink.write(emf_line(i, values=3))
    started = time.monotonic()
    sink.close(timeout=30.0)
    assert time.monotonic() - started < 15.0  # one fresh attempt fails: close does not wait its 30 s timeout
    stats = sink.stats
    assert stats.written == 0
    # how many were refused at write (buffer full) depends on when the sender took its first batch
    assert set(stats.dropped) <= {"buffer_full", "undelivered_at_close"}
    assert stats.dropped_total == 60
    assert stats.values_dropped == {reason: 3 * lines for reason, lines in stats.dropped.items()}


SIGTERM_CHILD = """
import sys, time
from vigil.emf import MetricsLogger, close_on_sigterm
from vigil.emf.sinks.agent import AgentSink
sink = AgentSink("tcp://127.0.0.1:{port}", flush_on_sigterm="{how}" == "argument", initial_backoff=2.0)
m = MetricsLogger("Vigil/API", {{"Service": "api"}}, sink)
if "{how}" == "function":  # e.g. a sink chosen by $VIGIL_EMF_SINK
    close_on_sigterm(m.sink)
for i in range(200):
    m.put("requests", i, "Count")
time.sleep(0.5)  # the first connection attempt has failed: the sender waits out its backoff
print("ready", flush=True)
time.sleep(60)
"""


@pytest.mark.parametrize("how", ["argument", "function", "none"])
def test_sigterm_flushes_the_queue_then_terminates_by_sigterm(how: str) -> None:
    port = free_port()  # the agent is down while the child queues its lines
    child = subprocess.Popen(
        [sys.executable, "-c", SIGTERM_CHILD.format(port=port, how=how)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    listener = TcpListener(port)  # the agent is back; the sender only finds out at its next retry (seconds)
    try:
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=60) == -signal.SIGTERM  # the default action still happens, after the flush
        if how == "none":  # the control: without the opt-in the queue dies with the process
            time.sleep(0.5)
            assert listener.lines == []
            return
        assert wait_for(lambda: len(listener.lines) == 200)
        assert [json.loads(x)["requests"] for x in listener.lines] == list(range(200))
    finally:
        listener.close()


def test_without_opt_in_sigterm_is_left_alone() -> None:
    before = signal.getsignal(signal.SIGTERM)
    sink = AgentSink(f"tcp://127.0.0.1:{free_port()}")
    assert signal.getsignal(signal.SIGTERM) is before
    sink.close(timeout=1.0)


class UnreachableClient:
    """Wraps a real client: the first ``failures`` PutLogEvents calls fail to connect (a botocore error)."""

    def __init__(self, client: Any, failures: int) -> None:
        self._client = client
        self.failures = failures
        self.calls = 0

    def put_log_events(self, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls <= self.failures:
            raise EndpointConnectionError(endpoint_url="https://logs.us-east-1.amazonaws.com/")
        return self._client.put_log_events(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


@pytest.mark.integration
def test_connection_errors_are_retried_and_nothing_is_lost(logs_client: Any) -> None:
    group = f"/vigil/test-{uuid.uuid4().hex[:8]}"
    client = UnreachableClient(logs_client, failures=3)
    sink = CloudWatchLogsSink(group, "s", client, max_age=0.05, initial_backoff=0.01, max_backoff=0.02)  # type: ignore[arg-type]
    logger = MetricsLogger("Vigil/API", {"Service": "api"}, sink)
    for i in range(20):
        logger.put("requests", i, "Count")
    sink.close()
    assert client.calls >= 4
    assert sink.stats.written == 20
    assert sink.stats.dropped_total == 0
    events = logs_client.filter_log_events(logGroupName=group)["events"]
    assert sorted(assert_valid_emf(e["message"])["requests"] for e in events) == list(range(20))


@pytest.mark.integration
def test_an_unreachable_endpoint_is_counted_as_unreachable_not_rejected(logs_client: Any) -> None:
    client = UnreachableClient(logs_client, failures=10**9)
    sink = CloudWatchLogsSink("/vigil/x", "s", client, max_age=0.05, max_attempts=3, initial_backoff=0.01)  # type: ignore[arg-type]
    for i in range(5):
        sink.write(emf_line(i, values=2))
    sink.flush()
    sink.close()
    assert sink.stats.dropped == {"unreachable": 5}
    assert sink.stats.values_dropped == {"unreachable": 10}


class HangingClient:
    """PutLogEvents hangs (like a connection that never answers) until ``release`` is set, then fails."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls = 0

    def put_log_events(self, **kwargs: Any) -> Any:
        self.calls += 1
        self.release.wait(30)
        raise EndpointConnectionError(endpoint_url="https://logs.us-east-1.amazonaws.com/")


def test_close_is_bounded_and_counts_a_batch_still_in_flight() -> None:
    client = HangingClient()
    sink = CloudWatchLogsSink("/vigil/x", "s", client, max_age=0.01)  # type: ignore[arg-type]
    for i in range(4):
        sink.write(emf_line(i, values=2))
    assert wait_for(lambda: client.calls >= 1)
    sink.close(timeout=0.5)  # returns although the call still hangs
    assert sink.stats.dropped == {"undelivered_at_close": 4}
    assert sink.stats.values_dropped == {"undelivered_at_close": 8}
    client.release.set()  # the abandoned sender gives up without counting the batch twice
    assert wait_for(lambda: not sink._thread.is_alive())
    assert sink.stats.dropped == {"undelivered_at_close": 4}


def test_stdout_sink_counts_the_values_of_lines_it_could_not_write() -> None:
    import io

    from vigil.emf import StdoutSink

    stream = io.StringIO()
    stream.close()  # a closed pipe: every write raises
    sink = StdoutSink(stream)
    logger = MetricsLogger("Vigil/API", {"Service": "api"}, sink)
    logger.put("requests", [1, 2, 3], "Count")
    assert sink.stats.dropped == {"stream_error": 1}
    assert sink.stats.values_dropped == {"stream_error": 3}
    assert logger.stats.values_dropped == {}  # the sink counted it; the logger handed the line over
