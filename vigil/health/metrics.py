"""Emit each check execution as ``health.check.status`` and ``health.check.duration`` EMF metrics.

``vigil.emf.MetricsLogger`` satisfies ``MetricsEmitter``; anything with the same ``put`` works (tests, adapters).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from vigil.health.types import CheckResult, Status

STATUS_METRIC = "health.check.status"
DURATION_METRIC = "health.check.duration"
CHECK_DIMENSION = "Check"
#: The value of ``health.check.status`` for each status.
STATUS_VALUES: dict[Status, float] = {Status.PASS: 1.0, Status.WARN: 0.5, Status.FAIL: 0.0}

_log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from vigil.emf import MetricsLogger


@runtime_checkable
class MetricsEmitter(Protocol):
    """The part of ``vigil.emf.MetricsLogger`` that health checks use."""

    def put(
        self,
        name: str,
        value: float,
        unit: str = "None",
        *,
        dimensions: dict[str, str] | None = None,
        properties: dict[str, Any] | None = None,
    ) -> object:
        """Emit one metric value."""
        ...


def emit_result(emitter: MetricsEmitter, result: CheckResult) -> None:
    """Emit the two health metrics for one check execution; never raises into the probe.

    Status is 1 for pass, 0.5 for warn, 0 for fail (so ``Minimum`` < 1 means "not all passing" and
    ``Minimum`` = 0 means "something failed"); the dimension ``Check`` is the check's name.
    """
    dims = {CHECK_DIMENSION: result.name}
    try:
        emitter.put(STATUS_METRIC, STATUS_VALUES[result.status], "None", dimensions=dims)
        emitter.put(DURATION_METRIC, round(result.duration_ms, 3), "Milliseconds", dimensions=dims)
    except Exception:  # metrics must never break a probe
        _log.exception("could not emit health metrics for check %r", result.name)


if TYPE_CHECKING:

    def _logger_is_an_emitter(logger: MetricsLogger) -> MetricsEmitter:  # mypy proves the two stay compatible
        return logger
