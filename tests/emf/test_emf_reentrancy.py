"""Signals and forks, for real, in subprocesses with timeouts: a logger call never deadlocks and loses nothing.

- A signal handler (``setitimer``, hundreds of interrupts) that emits through the same logger while the main
  thread is inside it: through the drop counters, the stdout sink and the agent sink's buffer. The process
  must finish, and every line and every drop of both the main loop and the handler must be accounted for.
- The opt-in SIGTERM flush, with SIGTERM landing while the main thread writes to the agent sink in a tight
  loop: the process must end by SIGTERM.
- ``os.fork()`` after the agent sink started: the child's lines reach the agent through the child's own sender
  thread, and the parent's keep flowing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from typing import Any

import pytest
from emf_helpers import TcpListener

TIMEOUT = int(os.environ.get("VIGIL_TEST_DEADLOCK_TIMEOUT", "60"))


def run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,  # a deadlock fails here instead of hanging the suite
        check=False,
        cwd=tempfile.gettempdir(),  # import the installed vigil, not a directory that happens to be the cwd
    )


_INTERRUPTED = """
import signal, sys
from vigil.emf import MetricsLogger, {sink_import}

sink = {sink}
metrics = MetricsLogger("Shop", {{"Service": "api"}}, sink)
handled = 0

def handler(signum, frame):
    global handled
    handled += 1
    metrics.put("from.handler", float("nan"), "Count")  # a drop: the drop counter, reentered
    metrics.put("from.handler", 1, "Count")  # a line: the sink, reentered

signal.signal(signal.SIGALRM, handler)
signal.setitimer(signal.ITIMER_REAL, 0.0002, 0.0002)
main = 0
while handled < 300:
    main += 1
    metrics.put("from.main", float("inf"), "Count")
    metrics.put("from.main", 1, "Count")
signal.setitimer(signal.ITIMER_REAL, 0, 0)
metrics.flush()
metrics.close()
print("COUNTS", main, handled, metrics.stats.values_dropped.get("non_finite", 0), file=sys.stderr)
"""


def _counts(stderr: str) -> tuple[int, int, int]:
    line = next(x for x in stderr.splitlines() if x.startswith("COUNTS"))
    main, handled, dropped = (int(v) for v in line.split()[1:])
    return main, handled, dropped


def test_signal_handler_emitting_through_the_stdout_sink_never_deadlocks_nor_loses_a_line() -> None:
    result = run(_INTERRUPTED.format(sink_import="StdoutSink", sink="StdoutSink()"))
    assert result.returncode == 0, result.stderr[-2000:]
    main, handled, dropped = _counts(result.stderr)
    assert dropped == main + handled  # every drop counted, including the ones made inside the counter
    lines = result.stdout.splitlines()
    assert sum('"from.main":1' in x for x in lines) == main
    assert sum('"from.handler":1' in x for x in lines) == handled


def test_signal_handler_emitting_through_the_agent_sink_never_deadlocks_nor_loses_a_line() -> None:
    listener = TcpListener()
    try:
        sink = f"AgentSink('tcp://127.0.0.1:{listener.port}', max_buffer=1_000_000)"
        result = run(_INTERRUPTED.format(sink_import="AgentSink", sink=sink))
        assert result.returncode == 0, result.stderr[-2000:]
        main, handled, dropped = _counts(result.stderr)
        assert dropped == main + handled
        deadline = time.monotonic() + 10
        while len(listener.lines) < main + handled and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sum('"from.main":1' in x for x in listener.lines) == main
        assert sum('"from.handler":1' in x for x in listener.lines) == handled
    finally:
        listener.close()


_SIGTERM_AT_LINE = """
import signal, sys
from vigil.emf import AgentSink, MetricsLogger
sink = AgentSink("tcp://127.0.0.1:{port}", flush_on_sigterm=True, max_buffer={buffer})
metrics = MetricsLogger("Shop", {{"Service": "api"}}, sink)
for _ in range(100):
    metrics.put("warm", 1, "Count")
target, seen, inside = int(sys.argv[1]), 0, None

def trace(frame, event, arg):  # SIGTERM lands at the target-th line run inside the sink's write()
    global seen, inside
    if event == "call" and inside is None and frame.f_code.co_name == "write" and "sinks" in frame.f_code.co_filename:
        inside = frame
    elif event == "return" and frame is inside:
        inside = None
    elif event == "line" and inside is not None:
        seen += 1
        if seen == target:
            signal.raise_signal(signal.SIGTERM)
    return trace

sys.settrace(trace)
while True:
    metrics.put("busy", 1, "Count")
"""


@pytest.mark.parametrize("buffer", [1_000_000, 1])  # lines queued; buffer full (every write counts a drop)
def test_sigterm_flush_landing_anywhere_inside_a_write_ends_the_process(buffer: int) -> None:
    listener = TcpListener()
    script = _SIGTERM_AT_LINE.format(port=listener.port, buffer=buffer)
    try:
        processes = {
            line: subprocess.Popen(
                [sys.executable, "-c", script, str(line)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=tempfile.gettempdir(),
            )
            for line in range(1, 41)
        }
        hung = []
        for line, process in processes.items():
            try:
                code = process.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                hung.append(line)
                continue
            assert code == -signal.SIGTERM, f"SIGTERM at line {line}: exit code {code}"
        assert not hung, f"deadlocked when SIGTERM landed at lines {hung} of a write"
    finally:
        listener.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork")
def test_forked_child_sends_its_lines_through_its_own_sender_thread() -> None:
    listener = TcpListener()
    script = f"""
        import os, sys
        from vigil.emf import AgentSink, MetricsLogger
        sink = AgentSink("tcp://127.0.0.1:{listener.port}")
        metrics = MetricsLogger("Shop", {{"Service": "api"}}, sink)
        metrics.put("parent.before", 1, "Count")
        sink.flush()
        pid = os.fork()
        if pid == 0:
            for i in range(100):
                metrics.put("child", i, "Count")
            sink.close()
            os._exit(0 if sink.stats.written == 100 and not sink.stats.dropped else 3)
        for i in range(100):
            metrics.put("parent.after", i, "Count")
        _, status = os.waitpid(pid, 0)
        sink.close()
        print("CHILD", os.waitstatus_to_exitcode(status), "PARENT", sink.stats.written, file=sys.stderr)
    """
    try:
        result = run(script)
        assert result.returncode == 0, result.stderr[-2000:]
        assert "CHILD 0 PARENT 101" in result.stderr, result.stderr[-2000:]
        deadline = time.monotonic() + 10
        while len(listener.lines) < 201 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sum('"child":' in x for x in listener.lines) == 100  # delivered, not counted as lost
        assert sum('"parent.after":' in x for x in listener.lines) == 100
        assert sum('"parent.before":' in x for x in listener.lines) == 1  # the child did not resend it
    finally:
        listener.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork")
def test_forked_child_ships_to_cloudwatch_logs_over_its_own_connections(moto_endpoint: str, logs_client: Any) -> None:
    group = f"/vigil/fork-{uuid.uuid4().hex[:8]}"
    script = f"""
        import os, sys
        import boto3
        from botocore.config import Config
        from vigil.emf import MetricsLogger
        from vigil.emf.sinks.cwlogs import CloudWatchLogsSink
        client = boto3.client("logs", endpoint_url="{moto_endpoint}", region_name="us-east-1",
                              aws_access_key_id="testing", aws_secret_access_key="testing",
                              config=Config(retries={{"max_attempts": 1}}))
        sink = CloudWatchLogsSink("{group}", "host-1", client, max_age=0.05)
        metrics = MetricsLogger("Shop", {{"Service": "api"}}, sink)
        metrics.put("parent.before", 1, "Count")
        sink.flush()
        pid = os.fork()
        if pid == 0:
            for i in range(50):
                metrics.put("child", i, "Count")
            sink.close()
            os._exit(0 if sink.stats.written == 50 and not sink.stats.dropped else 3)
        _, status = os.waitpid(pid, 0)
        metrics.put("parent.after", 1, "Count")
        sink.close()
        print("CHILD", os.waitstatus_to_exitcode(status), "PARENT", sink.stats.written, file=sys.stderr)
    """
    result = run(script)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "CHILD 0 PARENT 2" in result.stderr, result.stderr[-2000:]
    events = logs_client.filter_log_events(logGroupName=group)["events"]
    messages = [e["message"] for e in events]
    assert sum('"child":' in m for m in messages) == 50
    assert sum('"parent.before":' in m for m in messages) == 1  # sent once, by the parent
