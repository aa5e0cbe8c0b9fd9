"""Run one check once: bounded by its timeout, sync callables in a thread pool, every failure turned into a result.

A sync check that outlives its timeout keeps its thread (Python cannot kill it); until that thread returns,
further runs of the same check fail at once instead of piling up more stuck threads.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from collections.abc import Awaitable
from concurrent.futures import Executor, Future
from datetime import UTC, datetime
from typing import Any, cast

from vigil.health.check import Check, CheckReturn
from vigil.health.types import CheckResult, Observation, Status


class CheckExecutor:
    """Executes checks; owns the bookkeeping of sync checks whose threads are still stuck.

    >>> import asyncio
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> runner = CheckExecutor(ThreadPoolExecutor(2))
    >>> asyncio.run(runner.execute(Check("ok", lambda: True))).status
    <Status.PASS: 'pass'>
    """

    def __init__(self, pool: Executor) -> None:
        self._pool = pool
        self._stuck: set[str] = set()
        self._lock = threading.Lock()

    async def execute(self, check: Check) -> CheckResult:
        """Run ``check`` once and describe the outcome; never raises (except cancellation)."""
        started_at = datetime.now(UTC)
        t0 = time.perf_counter()
        try:
            returned = await self._call(check)
            observation = _normalise(returned)
        except TimeoutError:
            observation = Observation(Status.FAIL, output=f"timed out after {check.timeout:g} s")
        except Exception as exc:  # a failing dependency is data, not an error of the probe
            observation = Observation(Status.FAIL, output=_describe(exc))
        duration_ms = (time.perf_counter() - t0) * 1000.0
        return _result(check, observation, started_at, duration_ms)

    async def _call(self, check: Check) -> CheckReturn:
        if check.is_async:
            return await _await_bounded(cast(Awaitable[CheckReturn], check.func()), check.timeout)
        with self._lock:
            if check.name in self._stuck:
                raise RuntimeError("previous call has not returned yet (hung past its timeout)")
        future = self._pool.submit(check.func)
        try:
            returned = await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), check.timeout)
        except TimeoutError:
            self._mark_stuck(check.name, future)
            raise
        if inspect.isawaitable(returned):  # a sync callable that returned a coroutine
            return await _await_bounded(returned, check.timeout)
        return returned

    def _mark_stuck(self, name: str, future: Future[Any]) -> None:
        with self._lock:
            self._stuck.add(name)

        def release(_: Future[Any]) -> None:
            with self._lock:
                self._stuck.discard(name)

        future.add_done_callback(release)  # runs in the worker thread, even after the loop is gone


async def _await_bounded(awaitable: Awaitable[CheckReturn], timeout: float) -> CheckReturn:
    """Await with a deadline that holds even if the awaitable ignores cancellation (unlike ``wait_for``)."""
    task = asyncio.ensure_future(awaitable)
    try:
        done, _ = await asyncio.wait({task}, timeout=timeout)
    except asyncio.CancelledError:
        task.cancel()
        raise
    if not done:
        task.cancel()
        raise TimeoutError
    return task.result()


def _normalise(returned: object) -> Observation:
    if isinstance(returned, Observation):
        return returned
    if returned is None or returned is True:
        return Observation(Status.PASS)
    if returned is False:
        return Observation(Status.FAIL, output="check returned False")
    return Observation(Status.FAIL, output=f"check returned an unsupported value of type {type(returned).__name__}")


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _result(check: Check, obs: Observation, started_at: datetime, duration_ms: float) -> CheckResult:
    value, unit = obs.value, obs.unit
    if value is None and check.measurement == "responseTime":
        value, unit = round(duration_ms, 3), "ms"
    return CheckResult(
        name=check.name,
        component=check.component,
        measurement=check.measurement,
        component_type=check.component_type,
        critical=check.critical,
        status=obs.status,
        observed_value=value,
        observed_unit=unit,
        output=obs.output,
        time=started_at,
        duration_ms=duration_ms,
    )
