"""A sink that keeps lines in a list, for tests.

Example::

    >>> sink = InMemorySink()
    >>> sink.write('{"a": 1}')
    >>> sink.lines, sink.events()
    (['{"a": 1}'], [{'a': 1}])
"""

from __future__ import annotations

from typing import Any

from vigil.emf.sinks.base import SinkStats


class InMemorySink:
    """Collects every written line in :attr:`lines` (``list.append`` is atomic, so it is thread-safe)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def write(self, line: str) -> None:
        """Append ``line``."""
        self.lines.append(line)

    def events(self) -> list[dict[str, Any]]:
        """The written lines, parsed."""
        import json

        return [json.loads(line) for line in list(self.lines)]

    def clear(self) -> None:
        """Forget the lines written so far."""
        self.lines.clear()

    def flush(self) -> None:
        """Nothing to flush."""

    def close(self) -> None:
        """Nothing to release."""

    @property
    def stats(self) -> SinkStats:
        """``written`` is the number of lines held."""
        return SinkStats(len(self.lines), {})
