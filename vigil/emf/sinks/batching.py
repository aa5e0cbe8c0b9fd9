"""Cutting queued log events into PutLogEvents batches that respect every API limit.

Limits: at most 10,000 events, at most 1,048,576 bytes counting 26 bytes of overhead per event,
events in chronological order, and a batch may not span more than 24 hours.

Example::

    >>> [len(b) for b in make_batches([(3, "c"), (1, "a"), (2, "b")])]
    [3]
    >>> [e[0] for e in make_batches([(3, "c"), (1, "a")])[0]]
    [1, 3]
"""

from __future__ import annotations

from collections.abc import Iterable

from vigil.emf.constants import EVENT_OVERHEAD_BYTES, MAX_BATCH_BYTES, MAX_BATCH_EVENTS, MAX_BATCH_SPAN_MS

#: A log event waiting to be sent: (timestamp in epoch ms, message).
LogEvent = tuple[int, str]


def event_size(message: str) -> int:
    """Bytes PutLogEvents counts for one event."""
    return (len(message) if message.isascii() else len(message.encode("utf-8"))) + EVENT_OVERHEAD_BYTES


def make_batches(
    events: Iterable[LogEvent],
    *,
    max_events: int = MAX_BATCH_EVENTS,
    max_bytes: int = MAX_BATCH_BYTES,
    max_span_ms: int = MAX_BATCH_SPAN_MS,
) -> list[list[LogEvent]]:
    """Sort ``events`` by timestamp (stable) and cut them into batches within the limits.

    An event too large to fit in any batch alone must be filtered out by the caller beforehand.
    """
    batches: list[list[LogEvent]] = []
    current: list[LogEvent] = []
    size = 0
    for event in sorted(events, key=lambda e: e[0]):
        event_bytes = event_size(event[1])
        if current and (
            len(current) >= max_events or size + event_bytes > max_bytes or event[0] - current[0][0] > max_span_ms
        ):
            batches.append(current)
            current, size = [], 0
        current.append(event)
        size += event_bytes
    if current:
        batches.append(current)
    return batches
