"""Counting of dropped data: every datum ``vigil.emf`` refuses is counted by reason, and warned about once.

Counting never blocks and never raises: a drop counted from a signal handler while its thread is inside the
counter is deferred (merged at the next call), a forked child starts with a fresh lock, and the one warning per
reason goes through ``logging`` guarded, so a raising ``logging.Filter`` or handler cannot escape into the
application.

Example::

    >>> counter = DropCounter()
    >>> counter.drop("non_finite", "metric 'latency' = nan")
    >>> counter.snapshot()
    {'non_finite': 1}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from vigil.emf._reentrancy import GuardedLock

LOGGER_NAME = "vigil.emf"


def warn(message: str, *args: object) -> None:
    """Log a warning on the ``vigil.emf`` logger; whatever a filter or handler raises is swallowed."""
    try:
        import logging  # only when something is dropped: keeps ``import vigil.emf`` cheap

        logging.getLogger(LOGGER_NAME).warning(message, *args)
    except Exception:
        pass


class DropCounter:
    """Thread-safe counts of dropped data by reason; the first drop of each reason logs one warning.

    Each logger and each sink owns its own counter (no process-wide state), so two loggers never
    silence each other's warnings.
    """

    __slots__ = ("__weakref__", "_counts", "_deferred", "_guard", "_owner")

    def __init__(self, owner: str = "vigil.emf") -> None:
        self._counts: dict[str, int] = {}
        self._deferred: list[tuple[str, int]] = []  # counted from a signal handler while this thread was inside
        self._guard = GuardedLock()
        self._owner = owner

    def _count(self, reason: str, count: int) -> bool | None:
        """Add ``count``; True when ``reason`` is new, None when deferred (this thread is already inside)."""
        guard = self._guard
        entered = guard.enter()
        try:
            if not entered:
                self._deferred.append((reason, count))
                return None
            counts = self._merged()
            first = reason not in counts
            counts[reason] = counts.get(reason, 0) + count
            return first
        finally:
            guard.leave(entered)

    def _merged(self) -> dict[str, int]:
        """The counts with what signal handlers deferred added in (call with the lock held)."""
        counts = self._counts
        while self._deferred:
            late, n = self._deferred.pop()
            counts[late] = counts.get(late, 0) + n
        return counts

    def drop(self, reason: str, detail: str = "", count: int = 1) -> None:
        """Count ``count`` dropped items for ``reason``; warn through ``logging`` the first time only."""
        if self._count(reason, count):
            warn(
                "%s dropped data (%s): %s; further drops of this kind are only counted",
                self._owner,
                reason,
                detail or "no detail",
            )

    def add(self, reason: str, count: int) -> None:
        """Count without any warning (for a second unit of something already reported)."""
        self._count(reason, count)

    def snapshot(self) -> dict[str, int]:
        """A copy of the counts by reason."""
        guard = self._guard
        entered = guard.enter()
        try:
            counts = dict(self._merged() if entered else self._counts)
            for late, n in list(self._deferred) if not entered else ():
                counts[late] = counts.get(late, 0) + n
            return counts
        finally:
            guard.leave(entered)

    @property
    def total(self) -> int:
        """All drops, every reason."""
        return sum(self.snapshot().values())


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
