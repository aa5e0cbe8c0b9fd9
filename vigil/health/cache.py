"""Per-check result cache with single-flight: concurrent probes share one call, results live ``cache_ttl`` seconds.

This is what keeps a flapping or slow dependency from being stampeded by load-balancer and Kubernetes probes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from vigil.health.check import Check
from vigil.health.types import CheckResult

Runner = Callable[[Check], Awaitable[CheckResult]]


@dataclass
class _Entry:
    result: CheckResult | None = None
    expires_at: float = 0.0
    inflight: asyncio.Task[CheckResult] | None = None
    loop: asyncio.AbstractEventLoop | None = None


class ResultCache:
    """Single-flight cache of check results, keyed by check name.

    >>> ResultCache().size
    0
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._entries: dict[str, _Entry] = {}
        self._clock = clock

    @property
    def size(self) -> int:
        """Number of checks with a cache entry."""
        return len(self._entries)

    async def get(self, check: Check, run: Runner) -> CheckResult:
        """Return a fresh-enough result for ``check``, calling ``run`` at most once for concurrent callers."""
        entry = self._entries.setdefault(check.name, _Entry())
        if entry.result is not None and self._clock() < entry.expires_at:
            return entry.result
        loop = asyncio.get_running_loop()
        task = entry.inflight
        if task is None or task.done() or entry.loop is not loop:
            task = loop.create_task(self._refresh(check, run, entry))
            entry.inflight, entry.loop = task, loop
        # shield: a caller that goes away (client disconnect) must not cancel the call others wait for
        return await asyncio.shield(task)

    async def _refresh(self, check: Check, run: Runner, entry: _Entry) -> CheckResult:
        result = await run(check)
        if check.cache_ttl > 0:
            entry.result = result
            entry.expires_at = self._clock() + check.cache_ttl
        return result

    def clear(self) -> None:
        """Forget every cached result (in-flight calls still complete for their waiters)."""
        self._entries.clear()
