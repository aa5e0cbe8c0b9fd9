"""Timer and counter helpers: each works as a context manager and as a decorator of sync or async functions.

Example::

    >>> from vigil.emf import MetricsLogger, InMemorySink
    >>> sink = InMemorySink()
    >>> metrics = MetricsLogger("Shop", {"Service": "api"}, sink)
    >>> @metrics.timer("checkout.duration")
    ... def checkout() -> str:
    ...     return "ok"
    >>> checkout()
    'ok'
    >>> sink.events()[0]["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Unit"]
    'Milliseconds'
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, cast

from vigil.emf.validation import Number

if TYPE_CHECKING:
    from vigil.emf.logger import MetricsLogger

F = TypeVar("F", bound=Callable[..., Any])

_CO_COROUTINE = 0x80


def _is_async(func: Callable[..., Any]) -> bool:
    """Whether calling ``func`` starts a coroutine: an ``async def``, also behind ``functools.partial`` and
    ``partialmethod``, a bound method, or an object whose ``__call__`` is ``async def``."""
    for _ in range(100):  # partials of partials; bounded against a self-referencing object
        inner = getattr(func, "func", None)
        if isinstance(func, functools.partial | functools.partialmethod) and inner is not None:
            func = inner
            continue
        code = getattr(func, "__code__", None)
        if code is not None:
            return bool(code.co_flags & _CO_COROUTINE)
        call = getattr(type(func), "__call__", None)  # noqa: B004 (the method itself, to read its code)
        if call is None or call is func or isinstance(func, type):
            return False
        func = call
    return False


async def _timed_await(helper: _Helper, started: float, awaitable: Any) -> Any:
    """Await what a sync-looking callable returned (a coroutine, a task) and measure until it completes."""
    try:
        result = await awaitable
    except BaseException as exc:
        helper._finish(started, exc)
        raise
    helper._finish(started, None)
    return result


class _Helper:
    """Shared decorator plumbing: subclasses define ``_start`` and ``_finish``."""

    def _start(self) -> float:
        raise NotImplementedError

    def _finish(self, started: float, error: BaseException | None) -> None:
        raise NotImplementedError

    def __call__(self, func: F) -> F:
        """Decorate ``func`` (sync or async): each call is measured on its own, so concurrent calls are safe."""
        if _is_async(func):

            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                started = self._start()
                try:
                    result = await func(*args, **kwargs)
                except BaseException as exc:
                    self._finish(started, exc)
                    raise
                self._finish(started, None)
                return result

            return cast(F, async_wrapper)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = self._start()
            try:
                result = func(*args, **kwargs)
            except BaseException as exc:
                self._finish(started, exc)
                raise
            if hasattr(result, "__await__"):  # async work the check above could not see: time it to completion
                return _timed_await(self, started, result)
            self._finish(started, None)
            return result

        return cast(F, wrapper)


class Timer(_Helper):
    """Records the duration of a block or call in Milliseconds; on an exception also a count of 1 in the
    error metric (default ``<name>.errors``) and the exception type as property ``error``. The exception
    is re-raised. As a context manager one object times one block at a time (nest fresh timers)."""

    __slots__ = ("_dims", "_error_metric", "_logger", "_name", "_starts")

    def __init__(
        self, logger: MetricsLogger, name: str, dimensions: Mapping[str, str] | None, error_metric: str | None
    ) -> None:
        self._logger = logger
        self._name = name
        self._dims = dimensions
        self._error_metric = error_metric or f"{name}.errors"
        self._starts: list[float] = []

    def _start(self) -> float:
        return time.perf_counter()

    def _finish(self, started: float, error: BaseException | None) -> None:
        elapsed_ms = (time.perf_counter() - started) * 1000.0
        event = self._logger.event().metric(self._name, elapsed_ms, "Milliseconds")
        if self._dims:
            event.dimensions(self._dims)
        if error is not None:
            event.metric(self._error_metric, 1, "Count").property("error", type(error).__name__)
        event.emit()

    def __enter__(self) -> Timer:
        self._starts.append(self._start())
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._finish(self._starts.pop(), exc)


class Counter(_Helper):
    """Emits ``value`` (unit Count) per decorated call, at the end of each ``with`` block, or on :meth:`emit`.

    Creating a counter emits nothing by itself; for a one-off count call ``logger.put(name, 1, "Count")``.
    """

    __slots__ = ("_dims", "_logger", "_name", "_value")

    def __init__(self, logger: MetricsLogger, name: str, value: Number, dimensions: Mapping[str, str] | None) -> None:
        self._logger = logger
        self._name = name
        self._value = value
        self._dims = dimensions

    def emit(self) -> None:
        """Emit the count now."""
        self._logger.put(self._name, self._value, "Count", dimensions=self._dims)

    def _start(self) -> float:
        return 0.0

    def _finish(self, started: float, error: BaseException | None) -> None:
        self.emit()

    def __enter__(self) -> Counter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.emit()
