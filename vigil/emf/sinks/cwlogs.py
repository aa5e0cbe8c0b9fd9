"""A sink that ships lines straight to CloudWatch Logs with PutLogEvents (boto3 imported lazily).

``write`` only queues; a background thread sends batches when they are full or ``max_age`` old,
retries throttling and service errors with backoff, creates the log stream (and group) if missing,
and counts what it drops. ``close()`` and interpreter exit flush what is pending.

Example::

    sink = CloudWatchLogsSink("/vigil/api", "host-1", region_name="us-east-1")
    MetricsLogger("Vigil/API", {"Service": "api"}, sink).put("Orders", 1, "Count")
    sink.close()
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from vigil.emf.constants import EVENT_OVERHEAD_BYTES, MAX_BATCH_BYTES
from vigil.emf.drops import DropCounter
from vigil.emf.sinks._background import start_sender
from vigil.emf.sinks._backoff import Backoff
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
        Tries per batch on throttling / service errors before the batch is dropped (``retries_exhausted``).
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
        self._queue: queue.Queue[LogEvent] = queue.Queue(maxsize=max_buffer)
        self._drops = DropCounter(f"vigil.emf CloudWatchLogsSink({log_group}/{log_stream})")
        self._written = 0
        self._closed = False
        self._busy = False
        self._flush_now = threading.Event()
        self._stop = threading.Event()
        self._thread = start_sender(self, self._run, "vigil-emf-cwlogs")

    def write(self, line: str) -> None:
        """Queue ``line`` (never blocks); too-large lines and lines beyond the buffer are dropped and counted."""
        if self._closed:
            self._drops.drop("closed", "write after close()")
            return
        if event_size(line) > MAX_BATCH_BYTES:
            self._drops.drop("too_large", f"line of {event_size(line) - EVENT_OVERHEAD_BYTES} bytes")
            return
        try:
            self._queue.put_nowait((line_timestamp(line), line))
        except queue.Full:
            self._drops.drop("buffer_full", "CloudWatch Logs unreachable or slow")

    def flush(self, timeout: float = 10.0) -> None:
        """Send everything queued now; wait at most ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        self._flush_now.set()
        while (self._queue.qsize() or self._busy) and time.monotonic() < deadline and self._thread.is_alive():
            self._flush_now.set()
            time.sleep(0.005)

    def close(self, timeout: float = 10.0) -> None:
        """Flush (bounded) and stop the sender thread."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        self._flush_now.set()
        self._thread.join(timeout)
        left = self._queue.qsize()
        if left:
            self._drops.drop("undelivered_at_close", "CloudWatch Logs unreachable", left)

    @property
    def stats(self) -> SinkStats:
        """Lines delivered and dropped."""
        return SinkStats(self._written, self._drops.snapshot())

    def _run(self) -> None:
        while True:
            self._flush_now.wait(self._max_age)
            self._flush_now.clear()
            stopping = self._stop.is_set()
            self._busy = True
            try:
                events = self._drain()
                for batch in make_batches(events):
                    self._put(batch)
            finally:
                self._busy = False
            if stopping:
                if self._queue.empty():
                    return
                self._flush_now.set()

    def _drain(self) -> list[LogEvent]:
        events: list[LogEvent] = []
        while True:
            try:
                events.append(self._queue.get_nowait())
            except queue.Empty:
                return events

    def _put(self, batch: list[LogEvent]) -> None:
        """Send one batch, retrying throttling / unavailability with backoff and creating the stream."""
        request = [{"timestamp": ts, "message": message} for ts, message in batch]
        for _ in range(self._max_attempts):
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
                if code in _RETRYABLE or (code is None and isinstance(exc, OSError | TimeoutError)):
                    time.sleep(self._backoff.next_delay())
                    continue
                self._drops.drop("rejected", f"{code or type(exc).__name__}: {exc}", len(batch))
                return
            self._backoff.reset()
            self._written += len(batch) - self._count_rejected(response.get("rejectedLogEventsInfo"), len(batch))
            return
        self._drops.drop("retries_exhausted", f"{self._max_attempts} attempts", len(batch))

    def _count_rejected(self, info: Any, size: int) -> int:
        if not info:
            return 0
        too_new = info.get("tooNewLogEventStartIndex")
        rejected: int = (size - too_new) if too_new is not None else 0
        old_end = max(info.get("tooOldLogEventEndIndex", -1), info.get("expiredLogEventEndIndex", -1))
        rejected += old_end + 1
        if rejected:
            self._drops.drop("rejected_by_cloudwatch", "events too old or too new", rejected)
        return rejected

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
                    self._drops.drop("create_failed", f"{_error_code(exc) or type(exc).__name__}: {exc}", 0)


def _error_code(exc: BaseException) -> str | None:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        return str(code) if code else None
    return None
