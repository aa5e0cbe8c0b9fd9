"""Drop accounting of a sink: lines by reason (warned once per reason) and the metric values they carried.

Example::

    >>> drops = SinkDrops("doc")
    >>> drops.drop("buffer_full", "agent down", ['{"_aws":{"CloudWatchMetrics":[{"Metrics":[{"Name":"a"}]}]},"a":[1,2]}'])
    >>> drops.stats(0)
    SinkStats(written=0, dropped={'buffer_full': 1}, values_dropped={'buffer_full': 2})
"""

from __future__ import annotations

from collections.abc import Iterable

from vigil.emf.drops import DropCounter
from vigil.emf.encoder import count_line_values
from vigil.emf.sinks.base import SinkStats


class SinkDrops:
    """A sink's drops counted twice: lines by reason (warned once per reason), and the metric values in them."""

    __slots__ = ("lines", "values")

    def __init__(self, owner: str) -> None:
        self.lines = DropCounter(owner)
        self.values = DropCounter(owner)

    def drop(self, reason: str, detail: str, lines: Iterable[str | bytes] = ()) -> None:
        """Count ``lines`` dropped for ``reason`` (and the values they carried); no lines: count the reason once."""
        batch = list(lines)
        if not batch:
            self.lines.drop(reason, detail, 0)
            return
        values = sum(count_line_values(x if isinstance(x, str) else x.decode("utf-8", "replace")) for x in batch)
        self.lines.drop(reason, detail, len(batch))
        self.values.add(reason, values)

    def stats(self, written: int) -> SinkStats:
        """The sink's statistics."""
        return SinkStats(written, self.lines.snapshot(), self.values.snapshot())
