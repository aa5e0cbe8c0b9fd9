"""TCP connect check: can we open a connection to ``host:port``?"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable

from vigil.health.types import Observation, Status


def tcp_check(host: str, port: int) -> Callable[[], Awaitable[Observation]]:
    """An async check that connects to ``host:port`` and reports the connect time in ms.

    The check's timeout (set when registering) bounds the connect.

    >>> registry.register("redis", tcp_check("127.0.0.1", 6379), component_type="datastore")  # doctest: +SKIP
    """

    async def check() -> Observation:
        t0 = time.perf_counter()
        _, writer = await asyncio.open_connection(host, port)
        elapsed_ms = (time.perf_counter() - t0) * 1000.0
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return Observation(Status.PASS, value=round(elapsed_ms, 3), unit="ms")

    check.__qualname__ = f"tcp_check({host}:{port})"
    return check
