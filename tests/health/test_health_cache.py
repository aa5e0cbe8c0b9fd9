from __future__ import annotations

import asyncio

from vigil.health import Check, CheckResult, Status
from vigil.health.cache import ResultCache
from vigil.health.execute import _result
from vigil.health.types import Observation


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_runner(calls: list[str], delay: float = 0.05) -> object:
    async def runner(check: Check) -> CheckResult:
        calls.append(check.name)
        await asyncio.sleep(delay)
        from datetime import UTC, datetime

        status = Status.PASS if len(calls) % 2 else Status.FAIL
        return _result(check, Observation(status), datetime.now(UTC), delay * 1000)

    return runner


def test_concurrent_callers_share_one_call_even_without_ttl() -> None:
    calls: list[str] = []
    cache = ResultCache()
    check = Check("db", lambda: True)

    async def main() -> list[CheckResult]:
        return await asyncio.gather(*(cache.get(check, make_runner(calls)) for _ in range(50)))  # type: ignore[arg-type]

    results = asyncio.run(main())
    assert calls == ["db"]
    assert len({id(r) for r in results}) == 1


def test_ttl_reuses_result_until_expiry() -> None:
    calls: list[str] = []
    clock = FakeClock()
    cache = ResultCache(clock)
    check = Check("db", lambda: True, cache_ttl=5.0)
    runner = make_runner(calls, delay=0)

    async def get() -> CheckResult:
        return await cache.get(check, runner)  # type: ignore[arg-type]

    first = asyncio.run(get())
    clock.now += 4.9
    assert asyncio.run(get()) is first
    clock.now += 0.2
    second = asyncio.run(get())
    assert second is not first
    assert len(calls) == 2


def test_without_ttl_sequential_calls_run_again() -> None:
    calls: list[str] = []
    cache = ResultCache()
    check = Check("db", lambda: True)
    runner = make_runner(calls, delay=0)
    for _ in range(3):
        asyncio.run(cache.get(check, runner))  # type: ignore[arg-type]
    assert len(calls) == 3


def test_cancelled_waiter_does_not_cancel_the_shared_call() -> None:
    calls: list[str] = []
    cache = ResultCache()
    check = Check("db", lambda: True)
    runner = make_runner(calls, delay=0.2)

    async def main() -> CheckResult:
        impatient = asyncio.ensure_future(cache.get(check, runner))  # type: ignore[arg-type]
        patient = asyncio.ensure_future(cache.get(check, runner))  # type: ignore[arg-type]
        await asyncio.sleep(0.05)
        impatient.cancel()
        return await patient

    result = asyncio.run(main())
    assert result.name == "db"
    assert calls == ["db"]
