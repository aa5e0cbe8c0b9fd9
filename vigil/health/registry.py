"""``HealthRegistry``: register checks, run a probe concurrently, get a ``HealthReport``."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable

from vigil.health.cache import ResultCache
from vigil.health.check import DEFAULT_TIMEOUT_S, Check, CheckFunc, KindsArg, parse_kinds
from vigil.health.errors import CheckConfigError
from vigil.health.execute import CheckExecutor
from vigil.health.metrics import MetricsEmitter, emit_result
from vigil.health.report import HealthReport, aggregate
from vigil.health.threads import CheckThreads
from vigil.health.types import CheckResult, Kind, Status

_log = logging.getLogger("vigil.health")
#: While a check keeps failing, its failure is logged again at most this often (seconds).
REMIND_EVERY_S = 60.0


class HealthRegistry:
    """The checks of one service and the machinery to run them.

    Checks run concurrently (blocking ones on threads of their own, at most ``max_threads`` alive), so a
    probe takes about as long as its slowest check, bounded by that check's timeout. Each execution is
    emitted through ``emitter`` if given. A check that stops passing is logged (logger ``vigil.health``:
    a warning for fail, info for warn) with its output, again every minute while it keeps failing, and
    once more when it passes again.

    >>> registry = HealthRegistry(service_id="api", version="1.0.0")
    >>> registry.register("self", lambda: True, kind="liveness", timeout=1.0)
    >>> registry.run_sync("liveness").status
    <Status.PASS: 'pass'>
    """

    def __init__(
        self,
        *,
        service_id: str = "",
        version: str = "",
        release_id: str = "",
        description: str = "",
        emitter: MetricsEmitter | None = None,
        max_threads: int = 16,
    ) -> None:
        self.service_id = service_id
        self.version = version
        self.release_id = release_id
        self.description = description
        self.emitter = emitter
        self._checks: dict[str, Check] = {}
        self._pool = CheckThreads(max_threads)
        self._executor = CheckExecutor(self._pool)
        self._last: dict[str, tuple[Status, float]] = {}  # check -> (status last logged, when)
        self._cache = ResultCache()
        self._lock = threading.Lock()

    def add(self, check: Check) -> None:
        """Register a ready-made ``Check``; names are unique."""
        with self._lock:
            if check.name in self._checks:
                raise CheckConfigError(f"a check named {check.name!r} is already registered")
            self._checks[check.name] = check

    def register(
        self,
        name: str,
        func: CheckFunc,
        *,
        kind: KindsArg = Kind.READINESS,
        timeout: float = DEFAULT_TIMEOUT_S,
        critical: bool = True,
        cache_ttl: float = 0.0,
        component: str = "",
        measurement: str = "responseTime",
        component_type: str = "component",
    ) -> None:
        """Register ``func`` (sync or async, no arguments) as check ``name``; see ``Check`` for the fields."""
        self.add(
            Check(
                name,
                func,
                kinds=parse_kinds(kind),
                timeout=timeout,
                critical=critical,
                cache_ttl=cache_ttl,
                component=component,
                measurement=measurement,
                component_type=component_type,
            )
        )

    def check(self, name: str, **options: object) -> Callable[[CheckFunc], CheckFunc]:
        """Decorator form of ``register``: ``@registry.check("db", kind="readiness", timeout=1.0)``."""

        def decorate(func: CheckFunc) -> CheckFunc:
            self.register(name, func, **options)  # type: ignore[arg-type]
            return func

        return decorate

    def checks(self, kind: Kind | str | None = None) -> tuple[Check, ...]:
        """Registered checks, all or those of one kind, in registration order."""
        with self._lock:
            checks = tuple(self._checks.values())
        if kind is None:
            return checks
        wanted = next(iter(parse_kinds(kind)))
        return tuple(c for c in checks if wanted in c.kinds)

    async def run(self, kind: Kind | str | None = None) -> HealthReport:
        """Run the checks of ``kind`` (all when ``None``) concurrently and aggregate them."""
        selected = self.checks(kind)
        results = await asyncio.gather(*(self._cache.get(c, self._execute) for c in selected))
        return HealthReport(
            aggregate(results),
            tuple(results),
            service_id=self.service_id,
            version=self.version,
            release_id=self.release_id,
            description=self.description,
        )

    def run_sync(self, kind: Kind | str | None = None) -> HealthReport:
        """Blocking ``run`` for code without an event loop (scripts, CLIs, cron)."""
        return asyncio.run(self.run(kind))

    def close(self) -> None:
        """Nothing to wait for: threads stuck in hung checks are abandoned, never joined."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def _execute(self, check: Check) -> CheckResult:
        result = await self._executor.execute(check)
        self._log_result(result)
        if self.emitter is not None:
            emit_result(self.emitter, result)
        return result

    def _log_result(self, result: CheckResult) -> None:
        """Log a check that stops passing, keeps failing (every ``REMIND_EVERY_S``) or recovers."""
        now = time.monotonic()
        previous = self._last.get(result.name)
        status = result.status
        if status is Status.PASS:
            if previous is not None and previous[0] is not Status.PASS:
                _log.info("health check %r passes again", result.name)
                self._last[result.name] = (status, now)
            return
        if previous is not None and previous[0] is status and now - previous[1] < REMIND_EVERY_S:
            return
        self._last[result.name] = (status, now)
        level = logging.WARNING if status is Status.FAIL else logging.INFO
        _log.log(
            level,
            "health check %r: %s (%s, %s): %s",
            result.name,
            status.value,
            "critical" if result.critical else "non-critical",
            f"{result.duration_ms:.0f} ms",
            result.output or "no output",
        )
