"""EMF emission for the example: one ``vigil.emf`` logger per namespace, every declared dimension set per event."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from examples.agent_service.names import BASE_DIMENSIONS, METRICS, SERVICES, WORKER_CHECKS, WORKER_NAMESPACE
from vigil.emf import MetricsLogger
from vigil.emf.sinks.base import Sink
from vigil.spec.models.metrics import MetricNamespaceSpec

CATALOG = Path(__file__).resolve().parents[2] / "metrics"


@functools.lru_cache(maxsize=1)
def api_catalog() -> MetricNamespaceSpec:
    """The shipped ``metrics/api.yaml`` catalog (the middleware takes the request metrics' dimension sets from it)."""
    return MetricNamespaceSpec.model_validate(yaml.safe_load((CATALOG / "api.yaml").read_text()))


class Telemetry:
    """Emits the example's metrics; ``sink`` is a sink object or URL (``None``: ``$VIGIL_EMF_SINK``, default stdout).

    >>> from vigil.emf import InMemorySink
    >>> telemetry = Telemetry("dev", InMemorySink())
    >>> telemetry.emit("session.created", 1)
    """

    def __init__(self, environment: str, sink: Sink | str | None = None) -> None:
        self.environment = environment
        first = MetricsLogger(next(iter(SERVICES)), self._dims(next(iter(SERVICES))), sink)
        self.sink: Sink = first.sink
        self.loggers: dict[str, MetricsLogger] = {next(iter(SERVICES)): first}
        for namespace in list(SERVICES)[1:]:
            self.loggers[namespace] = MetricsLogger(namespace, self._dims(namespace), self.sink)

    def _dims(self, namespace: str) -> dict[str, str]:
        return {"Service": SERVICES[namespace], "Environment": self.environment}

    def emit(self, name: str, value: float, properties: dict[str, Any] | None = None, /, **dims: str) -> None:
        """One EMF event for ``name`` under every declared dimension set whose dimensions are all given."""
        metric = METRICS[name]
        event = self.loggers[metric.namespace].event().metric(name, value, metric.unit)
        if dims:
            event.dimensions(dims)
        event.dimension_sets(*(BASE_DIMENSIONS + s for s in metric.sets if set(s) <= dims.keys()))
        for key, prop in (properties or {}).items():
            event.property(key, prop)
        event.emit()

    def health_emitter(self) -> HealthEmitter:
        """A ``vigil.health.MetricsEmitter`` sending worker checks to Vigil/Worker and the rest to Vigil/API."""
        return HealthEmitter(self)

    def flush(self) -> None:
        """Flush every logger."""
        for logger in self.loggers.values():
            logger.flush()


class HealthEmitter:
    """Routes ``health.check.*`` by check name to the namespace whose catalog declares that check."""

    def __init__(self, telemetry: Telemetry) -> None:
        self._telemetry = telemetry

    def put(
        self,
        name: str,
        value: float,
        unit: str = "None",
        *,
        dimensions: dict[str, str] | None = None,
        properties: dict[str, Any] | None = None,
    ) -> None:
        """Emit a health metric through the logger of the check's namespace."""
        dims = dict(dimensions or {})
        namespace = WORKER_NAMESPACE if dims.get("Check") in WORKER_CHECKS else next(iter(SERVICES))
        event = self._telemetry.loggers[namespace].event().metric(name, value, unit).dimensions(dims)
        event.dimension_sets(BASE_DIMENSIONS, BASE_DIMENSIONS + tuple(dims))  # per check and across checks
        for key, prop in (properties or {}).items():
            event.property(key, prop)
        event.emit()
