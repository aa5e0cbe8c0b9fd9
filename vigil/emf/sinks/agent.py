"""A sink that sends lines to the CloudWatch agent over TCP or UDP from a background thread.

``write`` only puts the line in a bounded, lock-free buffer (never blocks, even from a signal handler); a
daemon thread connects, sends, reconnects with exponential backoff while the agent is down, and counts the
lines it drops when the buffer is full. Pending lines are flushed by ``close()``, at interpreter exit, and on
SIGTERM with ``flush_on_sigterm=True``. ``flush()``/``close()`` stop waiting as soon as a fresh attempt
finds the agent unreachable, so they do not block for their whole timeout while it is down.

After ``os.fork()`` the child starts with an empty buffer (the parent's lines are the parent's to send), its
own connection and its own sender thread, started by its first ``write``.

Example::

    sink = AgentSink("tcp://127.0.0.1:25888")
    MetricsLogger("Shop", {"Service": "api"}, sink).put("Orders", 1, "Count")
    sink.close()
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import time
from urllib.parse import urlsplit

from vigil.emf._reentrancy import after_fork_in_child
from vigil.emf.constants import DEFAULT_AGENT_ENDPOINT
from vigil.emf.errors import ConfigError
from vigil.emf.sinks._background import close_on_sigterm, start_sender
from vigil.emf.sinks._backoff import Backoff
from vigil.emf.sinks._buffer import LineBuffer
from vigil.emf.sinks._drops import SinkDrops
from vigil.emf.sinks.base import SinkStats

_UDP_MAX = 65_507
_BATCH = 512
_IDLE_WAIT = 0.05  # seconds the idle sender waits before looking at the buffer again


def parse_endpoint(url: str) -> tuple[str, str, int]:
    """``(scheme, host, port)`` of ``tcp://host:port`` or ``udp://host:port`` (``ConfigError`` otherwise)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"agent endpoint {url!r}: {exc}") from exc
    if parts.scheme not in ("tcp", "udp") or not parts.hostname or port is None:
        raise ConfigError(f"agent endpoint {url!r}: expected tcp://host:port or udp://host:port")
    return parts.scheme, parts.hostname, port


class AgentSink:
    """Lines to the CloudWatch agent. Thread-safe; ``write`` never blocks.

    Parameters
    ----------
    endpoint:
        ``tcp://host:port`` (default ``tcp://127.0.0.1:25888``) or ``udp://host:port``.
    max_buffer:
        Lines held while the agent is slow or down; beyond it new lines are dropped (``buffer_full``).
    connect_timeout, initial_backoff, max_backoff:
        Seconds; reconnection waits grow from ``initial_backoff`` to ``max_backoff``.
    flush_on_sigterm:
        Close (and so flush) this sink when the process gets SIGTERM, then let the signal take its course
        (see :mod:`vigil.emf.sinks._background`). Create the sink in the main thread.
    """

    def __init__(
        self,
        endpoint: str = DEFAULT_AGENT_ENDPOINT,
        *,
        max_buffer: int = 10_000,
        connect_timeout: float = 1.0,
        initial_backoff: float = 0.05,
        max_backoff: float = 5.0,
        flush_on_sigterm: bool = False,
    ) -> None:
        self._scheme, self._host, self._port = parse_endpoint(endpoint)
        self._queue: LineBuffer[str] = LineBuffer(max_buffer)
        self._pending: list[bytes] = []
        self._connect_timeout = connect_timeout
        self._backoff = Backoff(initial_backoff, max_backoff)
        self._drops = SinkDrops(f"vigil.emf AgentSink({endpoint})")
        self._sock: socket.socket | None = None
        self._written = 0
        self._failures = 0  # failed send attempts so far (flush stops waiting when a fresh one fails)
        self._closed = False
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._forked = False  # set in a forked child: the first write starts the child's sender thread
        self._thread = start_sender(self, self._run, "vigil-emf-agent")
        after_fork_in_child(self)
        if flush_on_sigterm:
            close_on_sigterm(self)

    def write(self, line: str) -> None:
        """Queue ``line``; if the buffer is full (agent down or slow) it is dropped and counted."""
        if self._closed:
            self._drops.drop("closed", "write after close()", (line,))
            return
        if self._forked:
            self._restart_in_child()
        if not self._queue.put(line):
            self._drops.drop("buffer_full", f"agent {self._host}:{self._port} unreachable or slow", (line,))

    def _after_fork_in_child(self) -> None:
        """In a forked child: the parent's lines, socket, events and sender thread are not this process's."""
        self._queue.clear()
        self._pending = []
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()  # closes the child's copy only; the parent's connection stays open
            self._sock = None
        self._stop, self._wake = threading.Event(), threading.Event()
        self._written, self._failures = 0, 0
        self._drops = SinkDrops(self._drops.lines._owner)
        self._forked = not self._closed

    def _restart_in_child(self) -> None:
        self._forked = False
        self._thread = threading.Thread(target=self._run, name="vigil-emf-agent", daemon=True)
        self._thread.start()

    def flush(self, timeout: float = 5.0) -> None:
        """Wait until every queued line is sent: at most ``timeout`` seconds, and no longer than one fresh
        attempt once the agent is unreachable."""
        deadline = time.monotonic() + timeout
        failures = self._failures
        self._wake.set()  # retry now instead of at the end of a backoff wait
        if self._forked and len(self._queue):
            self._restart_in_child()
        while (len(self._queue) or self._pending) and time.monotonic() < deadline and self._thread.is_alive():
            if self._failures > failures:
                return  # a send attempted during this flush failed: the agent is down, waiting will not help
            self._wake.set()
            time.sleep(0.005)

    def close(self, timeout: float = 5.0) -> None:
        """Flush (bounded as :meth:`flush`), stop the sender thread, count what could not be delivered."""
        if self._closed:
            return
        self.flush(timeout)
        self._closed = True
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)
        undelivered: list[str | bytes] = [*self._pending, *self._drain()]
        self._pending.clear()
        if undelivered:
            where = f"agent {self._host}:{self._port} unreachable"
            self._drops.drop("undelivered_at_close", where, undelivered)
        self._disconnect()

    @property
    def stats(self) -> SinkStats:
        """Lines sent and dropped, and the metric values of the dropped lines."""
        return self._drops.stats(self._written)

    def _drain(self) -> list[str]:
        return self._queue.take(len(self._queue) + 1)

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self._pending:
                self._take(block=True)
            if not self._pending:
                continue
            if self._send():
                self._backoff.reset()
            else:
                self._failures += 1
                self._wake.clear()
                self._wake.wait(self._backoff.next_delay())  # flush() and close() wake it for a retry now

    def _take(self, *, block: bool) -> None:
        if block and not len(self._queue):
            self._wake.wait(_IDLE_WAIT)  # write() never signals (it must not take a lock): poll, or flush() wakes
            self._wake.clear()
        for line in self._queue.take(_BATCH - len(self._pending)):
            self._pending.append(line.encode("utf-8", "surrogatepass") + b"\n")

    def _send(self) -> bool:
        """Send the pending batch; False (batch kept) if the agent could not be reached."""
        try:
            if self._scheme == "udp":
                self._send_udp()
            else:
                sock = self._connected()
                sock.sendall(b"".join(self._pending))
        except OSError:
            self._disconnect()
            return False
        self._written += len(self._pending)
        self._pending.clear()
        return True

    def _send_udp(self) -> None:
        sock = self._sock
        if sock is None:
            sock = self._sock = socket.socket(
                socket.AF_INET6 if ":" in self._host else socket.AF_INET, socket.SOCK_DGRAM
            )
        while self._pending:
            datagram = self._pending[0]
            if len(datagram) > _UDP_MAX:
                self._drops.drop("too_large_for_udp", f"{len(datagram)} bytes", (datagram,))
            else:
                sock.sendto(datagram, (self._host, self._port))
                self._written += 1
            self._pending.pop(0)

    def _connected(self) -> socket.socket:
        sock = self._sock
        if sock is not None and _peer_closed(sock):
            self._disconnect()
            sock = None
        if sock is None:
            sock = socket.create_connection((self._host, self._port), timeout=self._connect_timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._sock = sock
        return sock

    def _disconnect(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
            self._sock = None


def _peer_closed(sock: socket.socket) -> bool:
    """True if the agent closed the connection (it never sends data, so readable means EOF or reset)."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        if not readable:
            return False
        return sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True
