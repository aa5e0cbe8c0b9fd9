"""Threads for blocking health-check code: one thread per call, never a shared queue, bounded in total.

A sync check, or a blocking call made by an async check, runs on a thread of its own, so a hung
dependency can never make a healthy check wait in a queue behind it, and it never takes a thread of
the executor the application uses. Async checks may call ``asyncio.to_thread``,
``loop.run_in_executor(None, ...)`` or :func:`run_blocking`: while a check runs, the loop's default
executor routes the calls made *from inside that check* to these threads (every other call goes to
the executor the loop had before). The executor that runs the checks allows each check at most one
call in flight: while a call that outlived its timeout has not returned, the check fails at once
instead of starting another thread. ``max_threads`` bounds the total.

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
from concurrent.futures import Executor, Future, ThreadPoolExecutor
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

    def submit(self, func: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
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
                        future.set_result(context.run(func, *args, **kwargs))
                    except BaseException as exc:
                        future.set_exception(exc)
            finally:
                with self._lock:
                    self._alive -= 1

        threading.Thread(target=work, name="vigil-health-check", daemon=True).start()
        return future

    def shutdown(self, wait: bool = False, *, cancel_futures: bool = False) -> None:
        """Nothing to release: threads end with their calls (stuck ones are abandoned, never joined)."""


class _LoopExecutor(ThreadPoolExecutor):
    """A loop's default executor once health checks ran on it: calls made from inside a check go to the
    checks' threads (with the check's stuck tracking); all others to the loop's previous default executor."""

    def __init__(self, previous: Executor | None) -> None:
        super().__init__(thread_name_prefix="asyncio")  # what asyncio would have made, used if there was none
        self._previous = previous

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        current = CURRENT.get()
        if current is not None:
            executor, name = current
            return executor.submit_for(name, fn, *args, **kwargs)
        if self._previous is not None:
            return self._previous.submit(fn, *args, **kwargs)
        return super().submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self._previous is not None:
            self._previous.shutdown(wait=wait, cancel_futures=cancel_futures)
        super().shutdown(wait=wait, cancel_futures=cancel_futures)


def install_loop_executor(loop: asyncio.AbstractEventLoop) -> None:
    """Make ``loop``'s default executor route blocking calls made inside health checks (idempotent)."""
    previous = getattr(loop, "_default_executor", None)  # asyncio and uvloop keep it there; None: not made yet
    if isinstance(previous, _LoopExecutor):
        return
    loop.set_default_executor(_LoopExecutor(previous))


async def run_blocking(func: Callable[..., T], /, *args: Any) -> T:
    """Run blocking ``func(*args)`` from an async check on the health checks' own bounded threads.

    Inside a check run by ``vigil.health`` the call is tied to that check: while an earlier call of the
    same check is still stuck past its timeout, this raises ``RuntimeError`` at once (the check fails)
    instead of stacking up another thread. Outside a check it is ``asyncio.to_thread``. (Inside a check,
    ``asyncio.to_thread`` does the same through the loop's default executor; this works on any loop.)
    """
    current = CURRENT.get()
    if current is None:
        return await asyncio.to_thread(func, *args)
    executor, name = current
    return await executor.blocking(name, func, *args)
