"""The sink protocol every destination of EMF lines implements, and its statistics.

Example::

    >>> class NullSink:
    ...     stats = SinkStats(0, {})
    ...     def write(self, line: str) -> None: ...
    ...     def flush(self) -> None: ...
    ...     def close(self) -> None: ...
    >>> isinstance(NullSink(), Sink)
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple, Protocol, runtime_checkable


class SinkStats(NamedTuple):
    """Lines a sink has delivered (``written``), lines it gave up on by reason (``dropped``), and the metric
    values those dropped lines carried, by reason (``values_dropped``)."""

    written: int
    dropped: Mapping[str, int]
    values_dropped: Mapping[str, int] = {}

    @property
    def values_dropped_total(self) -> int:
        """All metric values lost in dropped lines, every reason."""
        return sum(self.values_dropped.values())

    @property
    def dropped_total(self) -> int:
        """All dropped lines, every reason."""
        return sum(self.dropped.values())


@runtime_checkable
class Sink(Protocol):
    """A destination of EMF lines. ``write`` must be thread-safe and must not block beyond a small bound."""

    def write(self, line: str) -> None:
        """Accept one EMF line (no trailing newline)."""

    def flush(self) -> None:
        """Deliver buffered lines now (bounded wait)."""

    def close(self) -> None:
        """Flush and release resources; later writes are dropped and counted."""

    @property
    def stats(self) -> SinkStats:
        """Delivery statistics."""
        ...
