"""A sink that ships lines straight to CloudWatch Logs with PutLogEvents (boto3 imported lazily).

``write`` only queues; a background thread sends batches when they are full or ``max_age`` old,
retries throttling, service errors and connection errors (endpoint unreachable, connection reset,
timeouts) with backoff, creates the log stream (and group) if missing, and counts what it drops:
``unreachable`` when the connection attempts ran out, ``retries_exhausted`` for throttling,
``rejected`` only when CloudWatch Logs refused the request. ``close()``, interpreter exit and
(with ``flush_on_sigterm=True``) SIGTERM flush what is pending; ``close()`` is bounded by its
timeout and counts every line it could not deliver, including a batch still being retried.

``write`` puts the line in a lock-free buffer, so it never blocks, even from a signal handler. After
``os.fork()`` the child starts with an empty buffer (the parent's lines are the parent's to send), drops the
HTTP connections it inherited from the parent's client, and starts its own sender thread at its first ``write``.

Example::

    sink = CloudWatchLogsSink("/vigil/api", "host-1", region_name="us-east-1")
    MetricsLogger("Vigil/API", {"Service": "api"}, sink).put("Orders", 1, "Count")
    sink.close()
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from vigil.emf._reentrancy import after_fork_in_child
from vigil.emf.constants import EVENT_OVERHEAD_BYTES, MAX_BATCH_BYTES
from vigil.emf.sinks._background import close_on_sigterm, start_sender
from vigil.emf.sinks._backoff import Backoff
from vigil.emf.sinks._buffer import LineBuffer
from vigil.emf.sinks._drops import SinkDrops
from vigil.emf.sinks.base import SinkStats
from vigil.emf.sinks.batching import LogEvent, event_size, make_batches

if TYPE_CHECKING:
    from mypy_boto3_logs import CloudWatchLogsClient

_RETRYABLE = frozenset(
    {"ThrottlingException", "ServiceUnavailableException", "ServiceUnavailable", "InternalFailure", "RequestTimeout"}
)
_TS_PREFIX = '{"_aws":{"Timestamp":'


def line_timestamp(line: str) -> int:
    """The EMF timestamp at the start of a line written by vigil.emf, else the current time (epoch ms)."""
    if line.startswith(_TS_PREFIX):
        end = line.find(",", len(_TS_PREFIX))
        digits = line[len(_TS_PREFIX) : end]
        if digits.isdigit():
            return int(digits)
    return time.time_ns() // 1_000_000


class CloudWatchLogsSink:
    """EMF lines to a CloudWatch Logs stream.

    Parameters
    ----------
    log_group, log_stream:
        Destination; created on first ``ResourceNotFoundException`` when ``create`` is true.
    client:
        A boto3 ``logs`` client; if ``None`` one is made from ``client_kwargs`` (``region_name``, ``endpoint_url``...).
    max_age:
        Seconds a line may wait before its batch is sent.
    max_buffer:
        Lines held while CloudWatch Logs is unreachable; beyond it new lines are dropped (``buffer_full``).
    max_attempts:
        Tries per batch on throttling / service / connection errors before the batch is dropped
        (``retries_exhausted``, or ``unreachable`` when the last error was a connection error).
    flush_on_sigterm:
        Close (and so flush) this sink when the process gets SIGTERM, then let the signal take its course.
        Create the sink in the main thread.
    """

    def __init__(
        self,
        log_group: str,
        log_stream: str,
        client: CloudWatchLogsClient | None = None,
        *,
        max_age: float = 1.0,
        max_buffer: int = 100_000,
        max_attempts: int = 8,
        initial_backoff: float = 0.1,
        max_backoff: float = 5.0,
        create: bool = True,
        flush_on_sigterm: bool = False,
        **client_kwargs: Any,
    ) -> None:
        if client is None:
            import boto3

            client = boto3.client("logs", **client_kwargs)
        self._client = client
        self.log_group = log_group
        self.log_stream = log_stream
        self._max_age = max_age
        self._max_attempts = max_attempts
        self._backoff = Backoff(initial_backoff, max_backoff)
        self._create = create
        self._queue: LineBuffer[LogEvent] = LineBuffer(max_buffer)
        self._drops = SinkDrops(f"vigil.emf CloudWatchLogsSink({log_group}/{log_stream})")
        self._written = 0
        self._closed = False
        self._busy = False
        self._inflight: list[LogEvent] = []  # drained from the queue, not yet delivered or dropped
        self._abandoned = False  # close() gave up: the sender stops retrying and counts nothing more
        self._flush_now = threading.Event()
        self._stop = threading.Event()
        self._forked = False  # set in a forked child: the first write starts the child's sender thread
        self._thread = start_sender(self, self._run, "vigil-emf-cwlogs")
        after_fork_in_child(self)
        if flush_on_sigterm:
            close_on_sigterm(self)

    def write(self, line: str) -> None:
        """Queue ``line`` (never blocks); too-large lines and lines beyond the buffer are dropped and counted."""
        if self._closed:
            self._drops.drop("closed", "write after close()", (line,))
            return
        if event_size(line) > MAX_BATCH_BYTES:
            self._drops.drop("too_large", f"line of {event_size(line) - EVENT_OVERHEAD_BYTES} bytes", (line,))
            return
        if self._forked:
            self._restart_in_child()
        if not self._queue.put((line_timestamp(line), line)):
            self._drops.drop("buffer_full", "CloudWatch Logs unreachable or slow", (line,))

    def _after_fork_in_child(self) -> None:
        """In a forked child: the parent's lines, HTTP connections, events and sender thread are not ours."""
        self._queue.clear()
        self._inflight, self._busy, self._written = [], False, 0
        self._flush_now, self._stop = threading.Event(), threading.Event()
        self._drops = SinkDrops(self._drops.lines._owner)
        with contextlib.suppress(Exception):  # botocore's pooled sockets are the parent's: open new ones
            self._client._endpoint.http_session.close()  # type: ignore[attr-defined]
        self._forked = not self._closed

    def _restart_in_child(self) -> None:
        self._forked = False
        self._thread = threading.Thread(target=self._run, name="vigil-emf-cwlogs", daemon=True)
        self._thread.start()

    def flush(self, timeout: float = 10.0) -> None:
        """Send everything queued now; wait at most ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        self._flush_now.set()
        if self._forked and len(self._queue):
            self._restart_in_child()
        while (len(self._queue) or self._busy) and time.monotonic() < deadline and self._thread.is_alive():
            self._flush_now.set()
            time.sleep(0.005)

    def close(self, timeout: float = 10.0) -> None:
        """Flush (at most ``timeout`` seconds), stop the sender thread, count every line not delivered."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        self._flush_now.set()
        self._thread.join(timeout)
        self._abandoned = True
        left = [message for _, message in (*self._inflight, *self._drain())]
        self._inflight = []
        if left:
            self._drops.drop("undelivered_at_close", "CloudWatch Logs unreachable or slow", left)

    @property
    def stats(self) -> SinkStats:
        """Lines delivered and dropped, and the metric values of the dropped lines."""
        return self._drops.stats(self._written)

    def _run(self) -> None:
        while True:
            self._flush_now.wait(self._max_age)
            self._flush_now.clear()
            stopping = self._stop.is_set()
            self._busy = True
            try:
                batches = make_batches(self._drain())
                self._inflight = [event for batch in batches for event in batch]
                for batch in batches:
                    if self._abandoned:
                        return
                    self._put(batch)
                    self._inflight = self._inflight[len(batch) :]
            finally:
                self._busy = False
            if stopping:
                if not len(self._queue):
                    return
                self._flush_now.set()

    def _drain(self) -> list[LogEvent]:
        return self._queue.take(len(self._queue) + 1)

    def _put(self, batch: list[LogEvent]) -> None:
        """Send one batch, retrying throttling, unavailability and connection errors with backoff."""
        request = [{"timestamp": ts, "message": message} for ts, message in batch]
        reason, detail = "retries_exhausted", ""
        for _ in range(self._max_attempts):
            if self._abandoned:
                return
            try:
                response = self._client.put_log_events(
                    logGroupName=self.log_group,
                    logStreamName=self.log_stream,
                    logEvents=request,  # type: ignore[arg-type]
                )
            except Exception as exc:
                code = _error_code(exc)
                if code == "ResourceNotFoundException" and self._create:
                    self._create_destination()
                    continue
                if code in _RETRYABLE or _is_connection_error(exc):
                    reason = "retries_exhausted" if code else "unreachable"
                    detail = f"{code or type(exc).__name__}: {exc}"
                    self._stop.wait(self._backoff.next_delay())  # close() cuts the wait short
                    continue
                self._drop_batch("rejected", f"{code or type(exc).__name__}: {exc}", batch)
                return
            self._backoff.reset()
            self._written += len(batch) - self._count_rejected(response.get("rejectedLogEventsInfo"), batch)
            return
        self._drop_batch(reason, f"{self._max_attempts} attempts, last: {detail}", batch)

    def _drop_batch(self, reason: str, detail: str, batch: list[LogEvent]) -> None:
        if not self._abandoned:  # after close() gave up, close() counted the batch
            self._drops.drop(reason, detail, [message for _, message in batch])

    def _count_rejected(self, info: Any, batch: list[LogEvent]) -> int:
        if not info:
            return 0
        size = len(batch)
        too_new = info.get("tooNewLogEventStartIndex")
        old_end = max(info.get("tooOldLogEventEndIndex", -1), info.get("expiredLogEventEndIndex", -1))
        rejected = [m for i, (_, m) in enumerate(batch) if i <= old_end or (too_new is not None and i >= too_new)]
        if rejected:
            self._drops.drop("rejected_by_cloudwatch", "events too old or too new", rejected)
        return min(len(rejected), size)

    def _create_destination(self) -> None:
        calls: list[Callable[[], object]] = [
            lambda: self._client.create_log_group(logGroupName=self.log_group),
            lambda: self._client.create_log_stream(logGroupName=self.log_group, logStreamName=self.log_stream),
        ]
        for call in calls:
            try:
                call()
            except Exception as exc:
                if _error_code(exc) != "ResourceAlreadyExistsException":
                    self._drops.drop("create_failed", f"{_error_code(exc) or type(exc).__name__}: {exc}")


def _is_connection_error(exc: BaseException) -> bool:
    """True for errors of the connection itself (endpoint unreachable, reset, timeouts): worth a retry."""
    if isinstance(exc, OSError | TimeoutError):
        return True
    try:
        from botocore import exceptions
    except ImportError:  # pragma: no cover - a client without botocore
        return False
    return isinstance(exc, exceptions.ConnectionError | exceptions.HTTPClientError)


def _error_code(exc: BaseException) -> str | None:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        return str(code) if code else None
    return None
