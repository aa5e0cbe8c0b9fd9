"""Exponential backoff with jitter (half to full delay), shared by the network sinks.

Example::

    >>> b = Backoff(initial=0.1, maximum=1.0)
    >>> 0.05 <= b.next_delay() <= 0.1
    True
"""

from __future__ import annotations

import random


class Backoff:
    """Delays of ``random(c/2, c) with c = min(maximum, initial * 2**n))``; :meth:`reset` after a success."""

    __slots__ = ("_attempt", "initial", "maximum")

    def __init__(self, initial: float = 0.05, maximum: float = 5.0) -> None:
        self.initial = initial
        self.maximum = maximum
        self._attempt = 0

    def next_delay(self) -> float:
        """The delay before the next attempt."""
        ceiling = min(self.maximum, self.initial * (2 ** min(self._attempt, 30)))
        self._attempt += 1
        return random.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        """Start over after a success."""
        self._attempt = 0
