"""Threads for blocking health-check code: one thread per call, never a shared queue, bounded in total.

A sync check, or the blocking part of an async check (:func:`run_blocking`), runs on a thread of its
own, so a hung dependency can never make a healthy check wait in a queue behind it, and it never uses
the event loop's default executor (which the application needs). The executor that runs the checks
allows each check at most one call in flight: while a call that outlived its timeout has not returned,
the check fails at once instead of starting another thread. ``max_threads`` bounds the total.

Example::

    >>> import asyncio
    >>> from vigil.health import HealthRegistry
    >>> registry = HealthRegistry(service_id="api")
    >>> async def db() -> bool:
    ...     return await run_blocking(lambda: True)  # instead of asyncio.to_thread / run_in_executor(None, ...)
    >>> registry.register("db", db, timeout=1.0)
    >>> registry.run_sync().status
    <Status.PASS: 'pass'>
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, TypeVar

from vigil.health.errors import CheckConfigError

if TYPE_CHECKING:
    from vigil.health.execute import CheckExecutor

T = TypeVar("T")

#: The executor and check name of the async check running in this context (set by ``CheckExecutor``).
CURRENT: contextvars.ContextVar[tuple[CheckExecutor, str] | None] = contextvars.ContextVar(
    "vigil_health_check", default=None
)


class CheckThreads:
    """Runs each submitted call on a new daemon thread; refuses (``RuntimeError``) beyond ``max_threads`` alive.

    >>> CheckThreads(2).submit(lambda: 42).result()
    42
    """

    def __init__(self, max_threads: int = 16) -> None:
        if not (type(max_threads) is int and max_threads >= 1):
            raise CheckConfigError(f"max_threads must be an integer of at least 1, got {max_threads!r}")
        self.max_threads = max_threads
        self._alive = 0
        self._lock = threading.Lock()

    @property
    def alive(self) -> int:
        """Threads still running (including ones stuck past their check's timeout)."""
        return self._alive

    def submit(self, func: Callable[..., T], /, *args: Any) -> Future[T]:
        """Start ``func(*args)`` on its own thread; its result or exception lands in the returned future."""
        with self._lock:
            if self._alive >= self.max_threads:
                raise RuntimeError(
                    f"{self._alive} blocking health-check calls are still running (max_threads={self.max_threads})"
                )
            self._alive += 1
        future: Future[T] = Future()
        context = contextvars.copy_context()

        def work() -> None:
            try:
                if future.set_running_or_notify_cancel():
                    try:
                        future.set_result(context.run(func, *args))
                    except BaseException as exc:
                        future.set_exception(exc)
            finally:
                with self._lock:
                    self._alive -= 1

        threading.Thread(target=work, name="vigil-health-check", daemon=True).start()
        return future

    def shutdown(self, wait: bool = False, *, cancel_futures: bool = False) -> None:
        """Nothing to release: threads end with their calls (stuck ones are abandoned, never joined)."""


async def run_blocking(func: Callable[..., T], /, *args: Any) -> T:
    """Run blocking ``func(*args)`` from an async check on the health checks' own bounded threads.

    Inside a check run by ``vigil.health`` the call is tied to that check: while an earlier call of the
    same check is still stuck past its timeout, this raises ``RuntimeError`` at once (the check fails)
    instead of stacking up another thread. Outside a check it is ``asyncio.to_thread``.
    """
    current = CURRENT.get()
    if current is None:
        return await asyncio.to_thread(func, *args)
    executor, name = current
    return await executor.blocking(name, func, *args)
