"""A sink that prints each line to stdout (Lambda, containers): one ``write`` call per line.

``write``, ``flush`` and ``close`` never raise and never block on the sink's own lock: a line written from a
signal handler while its thread is inside ``write`` is queued and written right after the interrupted line; a
stream that raises (a closed pipe, a user's stream) or is missing (``sys.stdout`` is None under pythonw or a
daemon) costs the line, counted in :attr:`StdoutSink.stats`.

Example::

    >>> StdoutSink().write('{"_aws": {}}')
    {"_aws": {}}
"""

from __future__ import annotations

import sys
from typing import TextIO

from vigil.emf._reentrancy import GuardedLock
from vigil.emf.sinks._drops import SinkDrops
from vigil.emf.sinks.base import SinkStats


class StdoutSink:
    """Writes ``line + "\\n"`` in a single call under a lock, so lines from threads never interleave.

    ``stream`` defaults to the *current* ``sys.stdout`` at each write (so test capture and redirection work).
    """

    def __init__(self, stream: TextIO | None = None, *, flush_each: bool = False) -> None:
        self._stream = stream
        self._flush_each = flush_each
        self._guard = GuardedLock()
        self._deferred: list[str] = []  # written by a signal handler while this thread was inside write()
        self._written = 0
        self._drops = SinkDrops("vigil.emf StdoutSink")

    def write(self, line: str) -> None:
        """Write one line; a failing or missing stream is counted, not raised."""
        guard = self._guard
        entered = guard.enter()
        try:
            if not entered:
                self._deferred.append(line)
                return
            self._emit(line)
            while self._deferred:
                self._emit(self._deferred.pop(0))
        finally:
            guard.leave(entered)
        if entered and self._deferred:  # a signal handler wrote while the lock was being released
            self.write(self._deferred.pop(0))

    def _emit(self, line: str) -> None:
        stream = self._stream or sys.stdout
        try:
            if stream is None:
                raise ValueError("sys.stdout is None (no console: pythonw, a daemon)")
            stream.write(line + "\n")
            if self._flush_each:
                stream.flush()
            self._written += 1
        except Exception as exc:
            self._drops.drop("stream_error", f"{type(exc).__name__}: {exc}", (line,))

    def flush(self) -> None:
        """Write what signal handlers left queued, then flush the stream (if there is one)."""
        if self._deferred:
            self.write(self._deferred.pop(0))
        stream = self._stream or sys.stdout
        if stream is None:
            return
        try:
            stream.flush()
        except Exception as exc:
            self._drops.drop("stream_error", f"{type(exc).__name__}: {exc}")

    def close(self) -> None:
        """Flush; the stream itself is not closed (it is not ours)."""
        self.flush()

    @property
    def stats(self) -> SinkStats:
        """Lines written and dropped, and the metric values of the dropped lines."""
        return self._drops.stats(self._written)
