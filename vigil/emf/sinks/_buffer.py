"""The line buffer of the network sinks: bounded, and free of locks, so ``write`` never blocks.

``queue.Queue.put`` takes a lock; a signal handler that writes while its thread is inside ``put`` (or the opt-in
SIGTERM flush that lands there) would wait forever on it. ``collections.deque.append`` and ``popleft`` are
single C calls, atomic with respect to both threads and signal handlers, so the buffer needs no lock. The bound
is checked before appending: concurrent writers may overshoot it by at most one line each.

Example::

    >>> buffer = LineBuffer(2)
    >>> buffer.put("a"), buffer.put("b"), buffer.put("c")
    (True, True, False)
    >>> buffer.take(10), len(buffer)
    (['a', 'b'], 0)
"""

from __future__ import annotations

from collections import deque
from typing import Generic, TypeVar

T = TypeVar("T")


class LineBuffer(Generic[T]):
    """A bounded FIFO of lines (or events) between ``write`` and the sender thread."""

    __slots__ = ("_items", "_max")

    def __init__(self, max_items: int) -> None:
        self._items: deque[T] = deque()
        self._max = max_items

    def put(self, item: T) -> bool:
        """Append ``item``; False (not added) when the buffer is full."""
        if len(self._items) >= self._max:
            return False
        self._items.append(item)
        return True

    def take(self, limit: int) -> list[T]:
        """Remove and return up to ``limit`` items, oldest first."""
        items = self._items
        out: list[T] = []
        while items and len(out) < limit:
            try:
                out.append(items.popleft())
            except IndexError:  # emptied by another taker
                break
        return out

    def clear(self) -> None:
        """Forget every item (a forked child's copy of its parent's lines)."""
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
