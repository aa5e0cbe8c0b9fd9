"""AgentSink against real loopback sockets: delivery, agent down, agent restart, UDP, exit with pending data."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable

import pytest
from emf_helpers import TcpListener, assert_valid_emf

from vigil.emf import ConfigError, MetricsLogger
from vigil.emf.sinks.agent import AgentSink


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
    """Poll until ``condition`` holds (generous bound; never a timing assertion)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_lines_reach_the_agent_over_tcp(tcp_listener: TcpListener) -> None:
    sink = AgentSink(f"tcp://127.0.0.1:{tcp_listener.port}")
    logger = MetricsLogger("Vigil/API", {"Service": "api"}, sink)
    for i in range(300):
        logger.put("requests", i, "Count")
    sink.flush()
    assert wait_for(lambda: len(tcp_listener.lines) == 300)
    assert [assert_valid_emf(x)["requests"] for x in tcp_listener.lines] == list(range(300))
    sink.close()
    assert sink.stats.written == 300
    assert sink.stats.dropped_total == 0


def test_agent_down_drops_are_counted_and_writes_return() -> None:
    sink = AgentSink(f"tcp://127.0.0.1:{free_port()}", max_buffer=10, initial_backoff=0.01, max_backoff=0.05)
    for i in range(100):
        sink.write(json.dumps({"i": i}))  # returns although nobody listens: the queue is bounded
    assert sink.stats.dropped["buffer_full"] >= 80
    sink.close(timeout=0.2)
    stats = sink.stats
    assert stats.written == 0
    assert stats.dropped_total == 100


def test_agent_restart_mid_stream_reconnects() -> None:
    first = TcpListener()
    port = first.port
    sink = AgentSink(f"tcp://127.0.0.1:{port}", initial_backoff=0.01, max_backoff=0.1)
    sink.write("before-1")
    assert wait_for(lambda: first.lines == ["before-1"])
    first.close()
    sink.write("while-down")  # may be lost with the old connection; it must not break the sink
    second = TcpListener(port)
    try:
        for i in range(5):
            sink.write(f"after-{i}")
        assert wait_for(lambda: [x for x in second.lines if x.startswith("after")] == [f"after-{i}" for i in range(5)])
    finally:
        sink.close()
        second.close()


def test_udp_sends_one_datagram_per_line() -> None:
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(20)
    sink = AgentSink(f"udp://127.0.0.1:{receiver.getsockname()[1]}")
    logger = MetricsLogger("Vigil/API", {"Service": "api"}, sink)
    logger.put("latency", 1.5, "Milliseconds")
    logger.put("latency", 2.5, "Milliseconds")
    got = [receiver.recv(65535).decode() for _ in range(2)]
    assert [assert_valid_emf(x.rstrip("\n"))["latency"] for x in got] == [1.5, 2.5]
    sink.close()
    receiver.close()


def test_pending_lines_are_sent_at_interpreter_exit(tcp_listener: TcpListener) -> None:
    code = (
        "from vigil.emf import MetricsLogger\n"
        f"m = MetricsLogger('Vigil/API', {{'Service': 'api'}}, 'tcp://127.0.0.1:{tcp_listener.port}')\n"
        "for i in range(50): m.put('requests', i, 'Count')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    assert wait_for(lambda: len(tcp_listener.lines) == 50)
    assert [json.loads(x)["requests"] for x in tcp_listener.lines] == list(range(50))


def test_bad_endpoints_are_configuration_errors() -> None:
    for url in ("tcp://127.0.0.1", "http://127.0.0.1:80", "udp://:25888", "tcp://127.0.0.1:99999"):
        with pytest.raises(ConfigError):
            AgentSink(url)
