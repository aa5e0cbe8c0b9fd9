"""What users hand to ``vigil.emf`` (streams, logging filters, callables, property mappings) can make no logger
call raise or record a wrong value.

- ``sys.stdout`` is None (pythonw, daemons), or the stream raises: ``write``/``flush``/``close`` never raise, the
  lines are counted as dropped;
- a ``logging.Filter`` that raises on the ``vigil.emf`` logger: ``metric()``, ``property()``, ``timestamp()``,
  ``dimensions()`` (which warn through it on the first drop) still never raise;
- ``timer()`` on ``functools.partial(async_fn)``, an object with an ``async __call__``, or a sync callable that
  returns a coroutine: the duration is measured until the coroutine completes (a fake clock, no timing);
- the metric set's fast path on the stdlib JSON backend never writes duplicate keys for ``{1: .., "1": ..}``.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigil.emf import InMemorySink, MetricsLogger, StdoutSink, _json
from vigil.emf import timing as timing_module

DIMS = {"Service": "api"}


def test_stdout_none_never_raises_and_counts_the_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    sink = StdoutSink()
    metrics = MetricsLogger("Shop", DIMS, sink)
    metrics.put("orders", 1, "Count")
    metrics.flush()
    metrics.close()
    sink.flush()
    sink.close()
    assert sink.stats.written == 0
    assert sink.stats.dropped == {"stream_error": 1}
    assert sink.stats.values_dropped == {"stream_error": 1}


class Boom(Exception):
    pass


class HostileStream:
    """A user stream whose methods raise what hypothesis picks (or return nonsense)."""

    def __init__(self, error: type[BaseException] | None) -> None:
        self.error = error
        self.lines: list[str] = []

    def write(self, text: str) -> Any:
        if self.error is not None:
            raise self.error("write")
        self.lines.append(text)
        return object()

    def flush(self) -> None:
        if self.error is not None:
            raise self.error("flush")


class RaisingFilter(logging.Filter):
    def __init__(self, error: type[Exception]) -> None:
        super().__init__()
        self.error = error

    def filter(self, record: logging.LogRecord) -> bool:
        raise self.error("filter")


@pytest.fixture
def raising_filter() -> Iterator[RaisingFilter]:
    log = logging.getLogger("vigil.emf")
    hostile = RaisingFilter(Boom)
    log.addFilter(hostile)
    yield hostile
    log.removeFilter(hostile)


def test_raising_logging_filter_never_escapes_the_builder_methods(raising_filter: RaisingFilter) -> None:
    metrics = MetricsLogger("Shop", DIMS, InMemorySink())
    event = metrics.event()
    event.metric("latency", float("nan"), "Milliseconds")  # a drop: warns through the filter
    event.property("_aws", "reserved")
    event.timestamp(-1)
    event.dimensions({"": "empty name"})
    event.metric("ok", 1, "Count")
    event.emit()
    assert metrics.stats.values_dropped_total == 1
    assert sum(metrics.stats.other_dropped.values()) >= 3


_ERRORS = st.sampled_from([None, OSError, ValueError, RuntimeError, Boom, TypeError, UnicodeEncodeError.__base__])


@settings(max_examples=60, deadline=None)
@given(error=_ERRORS, filter_error=st.sampled_from([Boom, RuntimeError, ValueError]), value=st.floats())
def test_no_user_stream_or_filter_makes_a_logger_call_raise(
    error: type[BaseException] | None, filter_error: type[Exception], value: float
) -> None:
    log = logging.getLogger("vigil.emf")
    hostile = RaisingFilter(filter_error)
    log.addFilter(hostile)
    try:
        stream = HostileStream(error)
        sink = StdoutSink(stream, flush_each=True)  # type: ignore[arg-type]
        metrics = MetricsLogger("Shop", DIMS, sink)
        metrics.put("value", value, "Count")
        metrics.event().metric("value", value, "Count").property("p", object()).emit()
        metrics.metric_set({"value": "Count"}).emit(value)
        metrics.flush()
        metrics.close()
        assert sink.stats.written + sum(sink.stats.dropped.values()) >= 0
        if error is not None:
            assert sink.stats.written == 0
    finally:
        log.removeFilter(hostile)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(timing_module.time, "perf_counter", fake)
    return fake


async def _work(clock: FakeClock, seconds: float) -> str:
    await asyncio.sleep(0)
    clock.now += seconds  # the coroutine's work: 250 ms on the fake clock, after the call returned
    return "done"


class AsyncCallable:
    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock

    async def __call__(self, seconds: float) -> str:
        return await _work(self.clock, seconds)


@pytest.mark.parametrize("kind", ["partial", "async __call__", "bound method", "returns a coroutine"])
def test_timer_measures_async_work_behind_any_callable(kind: str, clock: FakeClock) -> None:
    sink = InMemorySink()
    metrics = MetricsLogger("Shop", DIMS, sink)
    target: Any = {
        "partial": functools.partial(_work, clock),
        "async __call__": AsyncCallable(clock),
        "bound method": AsyncCallable(clock).__call__,
        "returns a coroutine": lambda seconds: _work(clock, seconds),
    }[kind]
    timed = metrics.timer("job.duration")(target)
    assert asyncio.run(timed(0.25)) == "done"
    (event,) = sink.events()
    assert event["job.duration"] == pytest.approx(250.0)


def test_timer_on_a_partial_coroutine_that_fails_records_the_error(clock: FakeClock) -> None:
    async def fail() -> None:
        clock.now += 0.1
        raise Boom("x")

    sink = InMemorySink()
    timed = MetricsLogger("Shop", DIMS, sink).timer("job.duration")(functools.partial(fail))
    with pytest.raises(Boom):
        asyncio.run(timed())
    (event,) = sink.events()
    assert event["job.duration"] == pytest.approx(100.0)
    assert event["job.duration.errors"] == 1


@pytest.fixture
def stdlib_json() -> Iterator[None]:
    _json.use_stdlib()
    yield
    _json.reset()
    _json.load()


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), f"duplicate JSON keys: {keys}"
    return dict(pairs)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    properties=st.dictionaries(
        st.one_of(st.integers(0, 3), st.sampled_from(["0", "1", "2", "x"])), st.integers(), max_size=6
    )
)
def test_metric_set_fast_path_never_writes_duplicate_keys_on_the_stdlib_backend(
    properties: dict[Any, int], stdlib_json: None
) -> None:
    sink = InMemorySink()
    metrics = MetricsLogger("Shop", DIMS, sink)
    metrics.metric_set({"orders": "Count"}).emit(1, properties=properties)
    for line in sink.lines:
        json.loads(line, object_pairs_hook=_no_duplicate_keys)
