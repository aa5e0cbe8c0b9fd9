"""The example's database connections: a small pool of SQLite connections, so the pool gauges have a source.

The example keeps its state in memory (:mod:`examples.agent_service.store`); the handlers still take a pooled
connection for the queries a real service would run, so ``db.query.duration``, ``db.connections`` and
``db.pool.utilization`` are measured the way a service on a real database measures them.

>>> pool = Pool(size=2)
>>> with pool.connection() as conn:
...     conn.execute("select 1").fetchone(), pool.in_use()
((1,), 1)
>>> pool.in_use()
0
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Pool:
    """``size`` SQLite connections (opened on first use), handed out one at a time; blocks when all are in use."""

    def __init__(self, size: int = 10, database: str = ":memory:") -> None:
        self.size = size
        self._database = database
        self._idle: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self._opened = 0
        self._in_use = 0
        self._lock = threading.Lock()

    def in_use(self) -> int:
        """Connections handed out and not yet returned (``db.connections``)."""
        with self._lock:
            return self._in_use

    @contextmanager
    def connection(self, timeout: float = 5.0) -> Iterator[sqlite3.Connection]:
        """A connection for the duration of the block."""
        with self._lock:
            opened = self._idle.empty() and self._opened < self.size
            if opened:
                self._opened += 1
        conn = sqlite3.connect(self._database, check_same_thread=False) if opened else self._idle.get(timeout=timeout)
        with self._lock:
            self._in_use += 1
        try:
            yield conn
        finally:
            with self._lock:
                self._in_use -= 1
            self._idle.put(conn)
