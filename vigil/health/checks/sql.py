"""SQL ping: run a trivial query through any DB-API connection factory or async driver callable."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol


class _Cursor(Protocol):
    def execute(self, operation: str, /) -> object: ...
    def fetchone(self) -> Any: ...


class DBAPIConnection(Protocol):
    """The part of a PEP 249 connection the ping uses."""

    def cursor(self) -> Any: ...
    def close(self) -> None: ...


def sql_ping(connect: Callable[[], DBAPIConnection], query: str = "SELECT 1") -> Callable[[], bool]:
    """A sync check: open a connection with ``connect``, run ``query``, fetch one row, close.

    >>> import sqlite3
    >>> sql_ping(lambda: sqlite3.connect(":memory:"))()
    True
    """

    def check() -> bool:
        conn = connect()
        try:
            cursor = conn.cursor()
            cursor.execute(query)
            cursor.fetchone()
        finally:
            conn.close()
        return True

    return check


def async_sql_ping(ping: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[bool]]:
    """An async check around a driver call, e.g. ``lambda: pool.fetchval("SELECT 1")`` (asyncpg).

    >>> registry.register("db", async_sql_ping(lambda: pool.fetchval("SELECT 1")))  # doctest: +SKIP
    """

    async def check() -> bool:
        await ping()
        return True

    return check
