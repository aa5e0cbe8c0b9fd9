"""The request metrics the middleware records through :mod:`vigil.emf`, under the catalog's dimension sets.

Per request: ``http.requests`` (Count), ``http.request.duration`` (Milliseconds), ``http.request.size``
(Bytes, request body) and, for 4xx/5xx, ``http.errors`` (Count), with the dimensions ``Method``,
``Endpoint`` (the route template), ``StatusClass`` and ``EndpointGroup`` (when known). Each metric is
emitted under exactly the dimension sets its catalog entry declares (those whose dimensions the
middleware knows); metrics that share the same sets share one EMF line. Correlation and trace ids are EMF
properties, never dimensions.

Fast path: names, units and dimension sets are checked once, at construction; each distinct dimension value
(route template, group) is checked once and cached; per request the lines go straight to the logger's
encoder (:class:`vigil.emf.encoder.LineEncoder`, the same one ``MetricsLogger`` uses) and sink. A value
CloudWatch would refuse (empty, over 1,024 characters, not printable ASCII) becomes ``unmatched``.

Example::

    >>> from vigil.emf import InMemorySink, MetricsLogger
    >>> sink = InMemorySink()
    >>> metrics = RequestMetrics(MetricsLogger("Vigil/API", {"Service": "api"}, sink))
    >>> metrics.record("GET", "/jobs/{id}", None, 200, 3.2, 0, {"correlation_id": "c-1"})
    >>> sorted(k for line in sink.events() for k in line if k.startswith("http."))
    ['http.request.duration', 'http.request.size', 'http.requests']
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from vigil.emf.drops import DropCounter
from vigil.emf.encoder import LineEncoder
from vigil.emf.logger import MetricsLogger
from vigil.emf.validation import dimension_value_problem
from vigil.middleware.errors import MiddlewareError
from vigil.middleware.routes import UNMATCHED

if TYPE_CHECKING:
    from vigil.spec.models.metrics import MetricNamespaceSpec

#: Dimensions the middleware can fill in.
REQUEST_DIMENSIONS: Final = ("Method", "Endpoint", "StatusClass", "EndpointGroup")
#: Methods kept as dimension values; anything else is ``OTHER`` (a client cannot mint new metrics).
METHODS: Final = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})

DimSets = tuple[tuple[str, ...], ...]
#: Distinct route templates / groups remembered as valid; past this, the cache starts over.
_VALUE_CACHE_LIMIT: Final = 1000


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
        self.drops = DropCounter(f"vigil.middleware[{logger.namespace}]")
        self._encoder = LineEncoder(logger.namespace, self.drops)
        self._base = logger.default_dimensions
        self._valid: dict[str, bool] = {}
        base = tuple(self._base)
        known = set(base) | set(REQUEST_DIMENSIONS)
        self._metrics: dict[str, tuple[str, str, DimSets, int]] = {}  # role -> (name, unit, sets, resolution)
        for role, name in vars(names).items():
            if namespace_spec is None:
                sets = tuple(base + extra for extra in _DEFAULT_EXTRA_SETS[role])
                self._metrics[role] = (name, _DEFAULT_UNITS[role], sets, 60)
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
            self._metrics[role] = (name, metric.unit, usable, metric.resolution)
        if "requests" not in self._metrics:
            raise MiddlewareError(f"the catalog does not declare the request counter {names.requests!r}")
        self._plans = {(e, g): self._plan(e, g) for e in (False, True) for g in (False, True)}

    def _plan(self, is_error: bool, has_group: bool) -> list[tuple[DimSets, dict[str, tuple[str, int]], list[str]]]:
        """Lines to write: metrics grouped by identical dimension sets, as (sets, meta, roles)."""
        groups: dict[DimSets, list[str]] = {}
        for role, (_, _, sets, _) in self._metrics.items():
            if role == "errors" and not is_error:
                continue
            usable = tuple(s for s in sets if has_group or "EndpointGroup" not in s)
            if usable:
                groups.setdefault(usable, []).append(role)
        plan = []
        for sets, roles in groups.items():
            meta = {self._metrics[r][0]: (self._metrics[r][1], self._metrics[r][3]) for r in roles}
            plan.append((sets, meta, roles))
        return plan

    def _dimension_value(self, value: str) -> str:
        valid = self._valid.get(value)
        if valid is None:
            if len(self._valid) >= _VALUE_CACHE_LIMIT:
                self._valid.clear()
            valid = self._valid[value] = dimension_value_problem(value) is None
            if not valid:
                self.drops.drop("invalid_dimension_value", f"route or group {value[:80]!r} replaced by {UNMATCHED!r}")
        return value if valid else UNMATCHED

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
        """Emit the metrics of one finished request. Never raises: a failure is dropped and counted (``drops``)."""
        try:
            dims = {
                **self._base,
                "Method": method if method in METHODS else "OTHER",
                "Endpoint": self._dimension_value(endpoint),
                "StatusClass": f"{status // 100}xx" if 100 <= status <= 599 else "5xx",
            }
            if group is not None:
                dims["EndpointGroup"] = self._dimension_value(group)
            values = {"requests": 1, "errors": 1, "duration": round(duration_ms, 3), "size": size}
            timestamp = time.time_ns() // 1_000_000
            write = self.logger.sink.write
            for sets, meta, roles in self._plans[(status >= 400, group is not None)]:
                metric_values = {self._metrics[role][0]: values[role] for role in roles}
                for line in self._encoder.encode(timestamp, dims, sets, metric_values, meta, properties):
                    write(line)
        except Exception as exc:  # the request path never raises because of metrics
            self.drops.drop("internal_error", f"{type(exc).__name__}: {exc}")
