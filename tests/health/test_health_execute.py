from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from vigil.health import Check, Observation, Status
from vigil.health.execute import CheckExecutor


def run(check: Check, executor: CheckExecutor | None = None) -> tuple[Status, str, float]:
    executor = executor or CheckExecutor(ThreadPoolExecutor(4))
    result = asyncio.run(executor.execute(check))
    return result.status, result.output, result.duration_ms


def test_return_values_map_to_statuses() -> None:
    assert run(Check("a", lambda: None))[0] is Status.PASS
    assert run(Check("b", lambda: True))[0] is Status.PASS
    assert run(Check("c", lambda: False))[:2] == (Status.FAIL, "check returned False")
    assert run(Check("d", lambda: Observation(Status.WARN, output="meh")))[:2] == (Status.WARN, "meh")
    assert run(Check("e", lambda: 42))[0] is Status.FAIL  # type: ignore[arg-type,return-value]


def test_raising_check_fails_with_its_error() -> None:
    def boom() -> bool:
        raise ConnectionRefusedError("db refused")

    status, output, _ = run(Check("db", boom))
    assert status is Status.FAIL
    assert output == "ConnectionRefusedError: db refused"


def test_hung_sync_check_times_out_and_is_not_called_again_while_stuck() -> None:
    release = threading.Event()
    calls = 0

    def hang() -> bool:
        nonlocal calls
        calls += 1
        release.wait(30)
        return True

    executor = CheckExecutor(ThreadPoolExecutor(4))
    check = Check("hung", hang, timeout=0.2)
    t0 = time.monotonic()
    status, output, _ = run(check, executor)
    assert status is Status.FAIL
    assert "timed out after 0.2 s" in output
    assert time.monotonic() - t0 < 10  # did not hang
    status, output, _ = run(check, executor)
    assert (status, calls) == (Status.FAIL, 1)
    assert "has not returned yet" in output
    release.set()
    deadline = time.monotonic() + 10
    while run(check, executor)[0] is not Status.PASS:  # once the thread returns, the check runs again
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert calls >= 2


def test_async_check_that_ignores_cancellation_still_times_out() -> None:
    async def stubborn() -> bool:
        for _ in range(40):
            try:
                await asyncio.sleep(0.05)
            except asyncio.CancelledError:
                continue
        return True

    async def main() -> tuple[Status, str, float]:
        t0 = time.monotonic()
        result = await CheckExecutor(ThreadPoolExecutor(1)).execute(Check("stubborn", stubborn, timeout=0.2))
        return result.status, result.output, time.monotonic() - t0

    status, output, elapsed = asyncio.run(main())
    assert status is Status.FAIL
    assert "timed out" in output
    assert elapsed < 1.9  # the probe returned before the 2 s body could finish


def test_sync_callable_returning_a_coroutine_is_awaited() -> None:
    async def inner() -> Observation:
        return Observation(Status.WARN, value=3, unit="items")

    check = Check("wrapped", lambda: inner())  # a lambda is not a coroutine function
    assert not check.is_async
    executor = CheckExecutor(ThreadPoolExecutor(2))
    result = asyncio.run(executor.execute(check))
    assert (result.status, result.observed_value, result.observed_unit) == (Status.WARN, 3, "items")


def test_response_time_defaults_to_duration_in_ms() -> None:
    executor = CheckExecutor(ThreadPoolExecutor(2))
    result = asyncio.run(executor.execute(Check("slowish", lambda: time.sleep(0.05))))
    assert result.observed_unit == "ms"
    assert isinstance(result.observed_value, float)
    assert result.observed_value >= 40
