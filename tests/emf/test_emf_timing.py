"""Timer and counter helpers as context managers and decorators, sync and async."""

from __future__ import annotations

import asyncio

import pytest
from emf_helpers import assert_valid_emf

from vigil.emf import InMemorySink, MetricsLogger


def make() -> tuple[MetricsLogger, InMemorySink]:
    sink = InMemorySink()
    return MetricsLogger("Vigil/API", {"Service": "api"}, sink), sink


def test_timer_context_manager_records_milliseconds_and_errors() -> None:
    logger, sink = make()
    with logger.timer("db.query", dimensions={"Table": "jobs"}):
        pass
    with pytest.raises(KeyError), logger.timer("db.query", error_metric="db.errors"):
        raise KeyError("boom")
    ok, failed = (assert_valid_emf(x) for x in sink.lines)
    assert ok["_aws"]["CloudWatchMetrics"][0]["Metrics"] == [{"Name": "db.query", "Unit": "Milliseconds"}]
    assert ok["db.query"] >= 0
    assert ok["Table"] == "jobs"
    assert "db.errors" not in ok
    assert failed["db.errors"] == 1
    assert failed["error"] == "KeyError"


def test_timer_decorates_sync_and_async_functions() -> None:
    logger, sink = make()

    @logger.timer("sync.call")
    def add(a: int, b: int) -> int:
        return a + b

    @logger.timer("async.call")
    async def fail() -> None:
        await asyncio.sleep(0)
        raise ValueError("nope")

    assert add(2, 3) == 5
    assert add.__name__ == "add"
    with pytest.raises(ValueError, match="nope"):
        asyncio.run(fail())
    docs = [assert_valid_emf(x) for x in sink.lines]
    assert "sync.call" in docs[0]
    assert docs[1]["async.call.errors"] == 1
    assert docs[1]["async.call"] >= 0


def test_counter_as_context_manager_decorator_and_emit() -> None:
    logger, sink = make()
    counter = logger.counter("jobs.started", 2, dimensions={"Queue": "q1"})
    with counter:
        pass

    @logger.counter("handler.calls")
    async def handler() -> str:
        return "done"

    assert asyncio.run(handler()) == "done"
    logger.counter("manual").emit()
    docs = [assert_valid_emf(x) for x in sink.lines]
    assert [(d.get("jobs.started"), d.get("handler.calls"), d.get("manual")) for d in docs] == [
        (2, None, None),
        (None, 1, None),
        (None, None, 1),
    ]
    assert docs[0]["Queue"] == "q1"
    assert docs[0]["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Unit"] == "Count"
