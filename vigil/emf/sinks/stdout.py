"""A sink that prints each line to stdout (Lambda, containers): one ``write`` call per line.

Example::

    >>> StdoutSink().write('{"_aws": {}}')
    {"_aws": {}}
"""

from __future__ import annotations

import sys
from _thread import allocate_lock
from typing import TextIO

from vigil.emf.sinks._drops import SinkDrops
from vigil.emf.sinks.base import SinkStats


class StdoutSink:
    """Writes ``line + "\\n"`` in a single call under a lock, so lines from threads never interleave.

    ``stream`` defaults to the *current* ``sys.stdout`` at each write (so test capture and redirection work).
    """

    def __init__(self, stream: TextIO | None = None, *, flush_each: bool = False) -> None:
        self._stream = stream
        self._flush_each = flush_each
        self._lock = allocate_lock()
        self._written = 0
        self._drops = SinkDrops("vigil.emf StdoutSink")

    def write(self, line: str) -> None:
        """Write one line; an OSError (closed pipe) is counted, not raised."""
        stream = self._stream or sys.stdout
        try:
            with self._lock:
                stream.write(line + "\n")
                if self._flush_each:
                    stream.flush()
                self._written += 1
        except (OSError, ValueError) as exc:
            self._drops.drop("stream_error", f"{type(exc).__name__}: {exc}", (line,))

    def flush(self) -> None:
        """Flush the stream."""
        try:
            (self._stream or sys.stdout).flush()
        except (OSError, ValueError) as exc:
            self._drops.drop("stream_error", f"{type(exc).__name__}: {exc}")

    def close(self) -> None:
        """Flush; the stream itself is not closed (it is not ours)."""
        self.flush()

    @property
    def stats(self) -> SinkStats:
        """Lines written and dropped, and the metric values of the dropped lines."""
        return self._drops.stats(self._written)
