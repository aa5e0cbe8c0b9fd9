"""Event-loop lag: how late a short sleep on the serving loop wakes up (a blocked loop shows here first)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from vigil.health.types import Observation, Status


def event_loop_lag_check(
    *, warn_ms: float = 100.0, fail_ms: float = 500.0, interval_s: float = 0.01
) -> Callable[[], Awaitable[Observation]]:
    """An async check measuring the lag of the running loop over a ``interval_s`` sleep, in ms.

    Register it with ``measurement="lag"``; the check's timeout should exceed ``fail_ms``.

    >>> asyncio.run(event_loop_lag_check()()).unit
    'ms'
    """

    async def check() -> Observation:
        t0 = time.perf_counter()
        await asyncio.sleep(interval_s)
        lag_ms = round(max(0.0, (time.perf_counter() - t0 - interval_s) * 1000.0), 3)
        if lag_ms >= fail_ms:
            return Observation(Status.FAIL, value=lag_ms, unit="ms", output=f"event loop lag {lag_ms:.0f} ms")
        if lag_ms >= warn_ms:
            return Observation(Status.WARN, value=lag_ms, unit="ms", output=f"event loop lag {lag_ms:.0f} ms")
        return Observation(Status.PASS, value=lag_ms, unit="ms")

    return check
