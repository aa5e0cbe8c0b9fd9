"""Run one check once: bounded by its timeout, blocking code on threads, every failure turned into a result.

A sync check (or a blocking call made by an async one: ``asyncio.to_thread``, ``run_in_executor(None, ...)``,
:func:`~vigil.health.threads.run_blocking`) that outlives its timeout keeps its thread (Python cannot kill it); until that thread returns, further runs of the same
check fail at once instead of piling up more stuck threads. Whatever a check returns becomes a valid
result: a status given as a string is read as that status (an unknown one fails the check), and an
observed value that JSON cannot carry (NaN, infinity, objects) is reported as text.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import math
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor, Future
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from vigil.health.check import Check, CheckReturn
from vigil.health.threads import CURRENT, CheckThreads, install_loop_executor
from vigil.health.types import CheckResult, Observation, ObservedValue, Status

T = TypeVar("T")


class CheckExecutor:
    """Executes checks; owns the bookkeeping of sync checks whose threads are still stuck.

    >>> import asyncio
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> runner = CheckExecutor(ThreadPoolExecutor(2))
    >>> asyncio.run(runner.execute(Check("ok", lambda: True))).status
    <Status.PASS: 'pass'>
    """

    def __init__(self, pool: Executor | CheckThreads | None = None) -> None:
        self._pool = pool if pool is not None else CheckThreads()
        self._stuck: set[str] = set()
        self._outstanding: dict[str, list[Future[Any]]] = {}  # blocking calls of async checks now running
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
            install_loop_executor(asyncio.get_running_loop())
            token = CURRENT.set((self, check.name))  # blocking calls made inside the check use our threads
            try:
                return await _await_bounded(cast(Awaitable[CheckReturn], check.func()), check.timeout)
            finally:
                CURRENT.reset(token)
                self._settle(check.name)
        future = self._submit(check.name, check.func)
        try:
            returned = await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), check.timeout)
        except TimeoutError:
            self._mark_stuck(check.name, future)
            raise
        if inspect.isawaitable(returned):  # a sync callable that returned a coroutine
            return await _await_bounded(returned, check.timeout)
        return cast(CheckReturn, returned)

    async def blocking(self, name: str, func: Callable[..., T], /, *args: Any) -> T:
        """Run ``func(*args)`` for check ``name`` on a thread (see :func:`~vigil.health.threads.run_blocking`)."""
        return await asyncio.wrap_future(self.submit_for(name, func, *args))

    def submit_for(self, name: str, func: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        """Start a blocking call made by async check ``name``; still running when the check ends, it marks the
        check stuck. ``RuntimeError`` at once while an earlier call of the check is stuck."""
        future = self._submit(name, func, *args, **kwargs)
        self._outstanding.setdefault(name, []).append(future)
        return future

    def _settle(self, name: str) -> None:
        for future in self._outstanding.pop(name, ()):
            if not future.done():
                self._mark_stuck(name, future)

    def _submit(self, name: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Future[Any]:
        with self._lock:
            if name in self._stuck:
                raise RuntimeError("previous call has not returned yet (hung past its timeout)")
        if kwargs:
            return self._pool.submit(functools.partial(func, *args, **kwargs))
        return self._pool.submit(func, *args)

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
        status = _status(returned.status)
        if status is None:
            return Observation(Status.FAIL, output=f"check returned an unknown status {_text(returned.status)[:60]}")
        return Observation(status, returned.value, returned.unit, returned.output)
    if returned is None or returned is True:
        return Observation(Status.PASS)
    if returned is False:
        return Observation(Status.FAIL, output="check returned False")
    return Observation(Status.FAIL, output=f"check returned an unsupported value of type {type(returned).__name__}")


def _status(value: object) -> Status | None:
    """``value`` as a Status: a Status, or its name or value as a string in any case (``"FAIL"``)."""
    if isinstance(value, Status):
        return value
    if isinstance(value, str):
        text = str.__str__(value).strip().lower()
        for status in Status:
            if text == status.value:
                return status
    return None


def json_value(value: object) -> ObservedValue:
    """An observed value JSON can carry: finite numbers, strings, bools and None as they are, others as text.

    >>> json_value(1.5), json_value(float("nan")), json_value(float("inf")), json_value(b"x")
    (1.5, 'nan', 'inf', "b'x'")
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int.__index__(value)
    if isinstance(value, float):
        number = float.__float__(value)
        return number if math.isfinite(number) else repr(number)
    if isinstance(value, str):
        return str.__str__(value)
    return _text(value)


def _text(value: object) -> str:
    """``str(value)`` that never raises (and never returns a non-str)."""
    try:
        text = str(value)
        return text if type(text) is str else type(value).__name__
    except Exception:
        return f"<unprintable {type(value).__name__}>"


def _describe(exc: BaseException) -> str:
    text = _text(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _result(check: Check, obs: Observation, started_at: datetime, duration_ms: float) -> CheckResult:
    value = json_value(obs.value)
    unit = None if obs.unit is None else _text(obs.unit)
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
        output=obs.output if type(obs.output) is str else _text(obs.output),
        time=started_at,
        duration_ms=duration_ms,
    )
