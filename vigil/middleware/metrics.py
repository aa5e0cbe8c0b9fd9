"""The request metrics the middleware records through :mod:`vigil.emf`, under the catalog's dimension sets.

Per request: ``http.requests`` (Count), ``http.request.duration`` (Milliseconds), ``http.request.size``
(Bytes, request body) and, for 4xx/5xx, ``http.errors`` (Count), with the dimensions ``Method``,
``Endpoint`` (the route template), ``StatusClass`` and ``EndpointGroup`` (when known). Each metric is
emitted under exactly the dimension sets its catalog entry declares (those whose dimensions the
middleware knows); metrics that share the same sets share one EMF line. Correlation and trace ids are EMF
properties, never dimensions.

Example::

    >>> from vigil.emf import InMemorySink, MetricsLogger
    >>> sink = InMemorySink()
    >>> metrics = RequestMetrics(MetricsLogger("Vigil/API", {"Service": "api"}, sink))
    >>> metrics.record("GET", "/jobs/{id}", None, 200, 3.2, 0, {"correlation_id": "c-1"})
    >>> sorted(k for line in sink.events() for k in line if k.startswith("http."))
    ['http.request.duration', 'http.request.size', 'http.requests']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from vigil.emf.logger import MetricsLogger
from vigil.middleware.errors import MiddlewareError

if TYPE_CHECKING:
    from vigil.spec.models.metrics import MetricNamespaceSpec

#: Dimensions the middleware can fill in.
REQUEST_DIMENSIONS: Final = ("Method", "Endpoint", "StatusClass", "EndpointGroup")
#: Methods kept as dimension values; anything else is ``OTHER`` (a client cannot mint new metrics).
METHODS: Final = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})

DimSets = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class RequestMetricNames:
    """Catalog names of the four request metrics."""

    requests: str = "http.requests"
    errors: str = "http.errors"
    duration: str = "http.request.duration"
    size: str = "http.request.size"


_DEFAULT_UNITS: Final = {"requests": "Count", "errors": "Count", "duration": "Milliseconds", "size": "Bytes"}
_DEFAULT_EXTRA_SETS: Final[dict[str, tuple[tuple[str, ...], ...]]] = {
    "requests": ((), ("StatusClass",), ("Endpoint",), ("Method",)),
    "errors": ((), ("StatusClass",), ("Endpoint", "StatusClass")),
    "duration": ((), ("Endpoint",)),
    "size": ((), ("Endpoint",)),
}


class RequestMetrics:
    """Emits the request metrics of one service (see the module docstring).

    Parameters
    ----------
    logger:
        The service's :class:`~vigil.emf.MetricsLogger` (its default dimensions, e.g. Service and
        Environment, are on every metric).
    namespace_spec:
        The service's catalog namespace: the dimension sets and units of each metric come from it, and
        metrics it does not declare are not emitted. Without it, a small default set is used.
    names:
        The catalog names of the four metrics.
    """

    def __init__(
        self,
        logger: MetricsLogger,
        namespace_spec: MetricNamespaceSpec | None = None,
        names: RequestMetricNames = RequestMetricNames(),
    ) -> None:
        self.logger = logger
        base = tuple(logger.default_dimensions)
        known = set(base) | set(REQUEST_DIMENSIONS)
        self._metrics: dict[str, tuple[str, str, DimSets]] = {}  # role -> (name, unit, sets)
        for role, name in vars(names).items():
            if namespace_spec is None:
                sets = tuple(base + extra for extra in _DEFAULT_EXTRA_SETS[role])
                self._metrics[role] = (name, _DEFAULT_UNITS[role], sets)
                continue
            metric = namespace_spec.metrics.get(name)
            if metric is None:
                continue
            declared = tuple(namespace_spec.dimension_set(s) for s in metric.dimension_sets)
            usable = tuple(s for s in declared if set(s) <= known)
            if not usable:
                raise MiddlewareError(
                    f"metric {name!r} of {namespace_spec.namespace}: none of its dimension sets {list(declared)} "
                    f"uses only {sorted(known)}; declare one in the catalog"
                )
            self._metrics[role] = (name, metric.unit, usable)
        if "requests" not in self._metrics:
            raise MiddlewareError(f"the catalog does not declare the request counter {names.requests!r}")
        self._plans: dict[tuple[bool, bool], list[tuple[DimSets, list[tuple[str, str, str]]]]] = {}

    def _plan(self, is_error: bool, has_group: bool) -> list[tuple[DimSets, list[tuple[str, str, str]]]]:
        """Events to emit: metrics grouped by identical dimension sets (role, name, unit per metric)."""
        key = (is_error, has_group)
        found = self._plans.get(key)
        if found is not None:
            return found
        groups: dict[DimSets, list[tuple[str, str, str]]] = {}
        for role, (name, unit, sets) in self._metrics.items():
            if role == "errors" and not is_error:
                continue
            usable = tuple(s for s in sets if has_group or "EndpointGroup" not in s)
            if usable:
                groups.setdefault(usable, []).append((role, name, unit))
        plan = self._plans[key] = list(groups.items())
        return plan

    def record(
        self,
        method: str,
        endpoint: str,
        group: str | None,
        status: int,
        duration_ms: float,
        size: int,
        properties: Mapping[str, Any],
    ) -> None:
        """Emit the metrics of one finished request. Never raises (``vigil.emf`` drops and counts bad data)."""
        dims = {
            "Method": method if method in METHODS else "OTHER",
            "Endpoint": endpoint,
            "StatusClass": f"{status // 100}xx",
        }
        if group is not None:
            dims["EndpointGroup"] = group
        values = {"requests": 1, "errors": 1, "duration": round(duration_ms, 3), "size": size}
        for sets, metrics in self._plan(status >= 400, group is not None):
            event = self.logger.event()
            for role, name, unit in metrics:
                event.metric(name, values[role], unit)
            event.dimensions(dims).dimension_sets(*sets)
            for key, value in properties.items():
                event.property(key, value)
            event.emit()
