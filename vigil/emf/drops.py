"""Counting of dropped data: every datum ``vigil.emf`` refuses is counted by reason, and warned about once.

Example::

    >>> counter = DropCounter()
    >>> counter.drop("non_finite", "metric 'latency' = nan")
    >>> counter.snapshot()
    {'non_finite': 1}
"""

from __future__ import annotations

from _thread import allocate_lock
from collections.abc import Mapping
from typing import NamedTuple

LOGGER_NAME = "vigil.emf"


class DropCounter:
    """Thread-safe counts of dropped data by reason; the first drop of each reason logs one warning.

    Each logger and each sink owns its own counter (no process-wide state), so two loggers never
    silence each other's warnings.
    """

    __slots__ = ("_counts", "_lock", "_owner")

    def __init__(self, owner: str = "vigil.emf") -> None:
        self._counts: dict[str, int] = {}
        self._lock = allocate_lock()  # _thread, not threading: keeps ``import vigil.emf`` cheap
        self._owner = owner

    def drop(self, reason: str, detail: str = "", count: int = 1) -> None:
        """Count ``count`` dropped items for ``reason``; warn through ``logging`` the first time only."""
        with self._lock:
            first = reason not in self._counts
            self._counts[reason] = self._counts.get(reason, 0) + count
        if first:
            import logging  # only when something is dropped: keeps ``import vigil.emf`` cheap

            logging.getLogger(LOGGER_NAME).warning(
                "%s dropped data (%s): %s; further drops of this kind are only counted",
                self._owner,
                reason,
                detail or "no detail",
            )

    def add(self, reason: str, count: int) -> None:
        """Count without any warning (for a second unit of something already reported)."""
        with self._lock:
            self._counts[reason] = self._counts.get(reason, 0) + count

    def snapshot(self) -> dict[str, int]:
        """A copy of the counts by reason."""
        with self._lock:
            return dict(self._counts)

    @property
    def total(self) -> int:
        """All drops, every reason."""
        with self._lock:
            return sum(self._counts.values())


class LoggerStats(NamedTuple):
    """What a :class:`~vigil.emf.MetricsLogger` refused, in two units that are never mixed.

    ``values_dropped``: metric values lost, by reason (a list of 5 bad values counts 5). ``other_dropped``:
    properties, dimensions, dimension sets dropped and timestamps replaced, by reason (no metric value was
    lost for them). Lines a sink could not deliver are in ``logger.sink.stats``.

    >>> LoggerStats({"non_finite": 2}, {"invalid_property": 1}).values_dropped_total
    2
    """

    values_dropped: Mapping[str, int]
    other_dropped: Mapping[str, int]

    @property
    def values_dropped_total(self) -> int:
        """All metric values lost, every reason."""
        return sum(self.values_dropped.values())
