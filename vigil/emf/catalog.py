"""Binding a logger to a catalog namespace (``metrics/*.yaml``): checks at start-up, typed metric handles.

At bind time every unit must be a CloudWatch unit, every dimension set must name declared dimensions,
and the logger's default dimensions must be declared. ``logger.metric(name)`` fails at start-up for an
undeclared name (with a suggestion). On the emit path nothing raises: a metric the catalog does not
declare, a unit that disagrees, or dimensions that match none of the metric's declared sets are
dropped and counted.

A single-metric event whose dimension keys equal one declared set is emitted under every declared
set of that metric that is a subset of those keys, so the aggregate views the alarms watch get data too.

Example::

    >>> from vigil.spec.models.metrics import MetricNamespaceSpec
    >>> from vigil.emf import MetricsLogger, InMemorySink
    >>> spec = MetricNamespaceSpec.model_validate({
    ...     "version": "vigil/v1", "namespace": "Vigil/API", "service": "api",
    ...     "dimensions": {"Service": {}, "Endpoint": {"cardinality": 20}},
    ...     "dimension_sets": {"service": ["Service"], "endpoint": ["Service", "Endpoint"]},
    ...     "metrics": {"http.requests": {"unit": "Count", "dimension_sets": ["service", "endpoint"]}}})
    >>> sink = InMemorySink()
    >>> requests = MetricsLogger.from_catalog(spec, dimensions={"Service": "api"}, sink=sink).metric("http.requests")
    >>> requests.put(1, Endpoint="/jobs")
    >>> sink.events()[0]["_aws"]["CloudWatchMetrics"][0]["Dimensions"]
    [['Service'], ['Service', 'Endpoint']]
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from vigil.emf.constants import MAX_DIMENSIONS_PER_SET, STANDARD_UNITS
from vigil.emf.drops import DropCounter
from vigil.emf.encoder import DimSets
from vigil.emf.errors import CatalogError, UnknownMetricError
from vigil.emf.validation import Number, metric_name_problem, value_count

if TYPE_CHECKING:
    from vigil.emf.logger import MetricsLogger
    from vigil.spec.models.metrics import MetricNamespaceSpec


class _MetricRule:
    """What the catalog allows for one metric."""

    __slots__ = ("by_keys", "name", "resolution", "sets", "unit")

    def __init__(self, name: str, unit: str, resolution: int, sets: list[tuple[str, ...]]) -> None:
        self.name = name
        self.unit = unit
        self.resolution = resolution
        self.sets = frozenset(frozenset(s) for s in sets)
        # keys of one declared set -> every declared set contained in it (emitted together)
        self.by_keys: dict[frozenset[str], DimSets] = {
            frozenset(s): tuple(t for t in sets if set(t) <= set(s)) for s in sets
        }


class CatalogBinding:
    """The checked catalog of one namespace; built by :meth:`MetricsLogger.from_catalog`."""

    def __init__(self, spec: MetricNamespaceSpec, default_dimensions: Mapping[str, str]) -> None:
        self.namespace = spec.namespace
        self._rules: dict[str, _MetricRule] = {}
        self._handles: dict[str, MetricHandle] = {}
        where = f"namespace {spec.namespace!r}"
        for set_name, names in spec.dimension_sets.items():
            unknown = [n for n in names if n not in spec.dimensions]
            if unknown:
                raise CatalogError(f"{where}: dimension set {set_name!r} names undeclared dimensions {unknown}")
            if len(names) > MAX_DIMENSIONS_PER_SET:
                raise CatalogError(f"{where}: dimension set {set_name!r} has {len(names)} keys (max 30)")
        undeclared = [d for d in default_dimensions if d not in spec.dimensions]
        if undeclared:
            raise CatalogError(
                f"{where}: default dimensions {undeclared} are not declared (declared: {sorted(spec.dimensions)})"
            )
        for name, metric in spec.metrics.items():
            if metric.unit not in STANDARD_UNITS:
                close = difflib.get_close_matches(metric.unit, sorted(STANDARD_UNITS), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise CatalogError(f"{where}: metric {name!r} has unknown unit {metric.unit!r}{hint}")
            if metric_name_problem(name):
                raise CatalogError(f"{where}: metric name {name!r} is not a valid EMF metric name")
            missing = [s for s in metric.dimension_sets if s not in spec.dimension_sets]
            if missing:
                raise CatalogError(f"{where}: metric {name!r} uses undeclared dimension sets {missing}")
            sets = [tuple(spec.dimension_sets[s]) for s in metric.dimension_sets]
            self._rules[name] = _MetricRule(name, metric.unit, metric.resolution, sets)

    def handle(self, logger: MetricsLogger, name: str) -> MetricHandle:
        """The handle of metric ``name``; ``UnknownMetricError`` (with a did-you-mean) if undeclared."""
        found = self._handles.get(name)
        if found is not None:
            return found
        rule = self._rules.get(name)
        if rule is None:
            close = difflib.get_close_matches(name, list(self._rules), n=3)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise UnknownMetricError(f"metric {name!r} is not declared in namespace {self.namespace!r}{hint}")
        found = self._handles[name] = MetricHandle(logger, rule)
        return found

    def unit_of(self, name: str) -> tuple[str, int]:
        """The catalog unit and storage resolution of declared metric ``name`` (``KeyError`` if undeclared)."""
        rule = self._rules[name]
        return rule.unit, rule.resolution

    def check(
        self,
        values: dict[str, Number | list[Number]],
        meta: dict[str, tuple[str, int]],
        dims: Mapping[str, str],
        dim_sets: DimSets,
        drops: DropCounter | Any,
    ) -> tuple[dict[str, Number | list[Number]], DimSets] | None:
        """Drop what the catalog does not allow; expand a single metric's set to its declared subsets."""
        kept: dict[str, Number | list[Number]] = {}
        for name, value in values.items():
            rule = self._rules.get(name)
            if rule is None:
                detail = f"metric {name!r} is not in the catalog of {self.namespace!r}"
                drops.drop("undeclared_metric", detail, value_count(value))
                continue
            unit, _ = meta[name]
            if unit not in ("None", rule.unit):
                detail = f"metric {name!r}: {unit!r}, the catalog says {rule.unit!r}"
                drops.drop("unit_mismatch", detail, value_count(value))
                continue
            if not all(frozenset(s) in rule.sets for s in dim_sets):
                detail = f"metric {name!r} with dimensions {list(dim_sets)}"
                drops.drop("dimension_set_mismatch", detail, value_count(value))
                continue
            meta[name] = (rule.unit, rule.resolution)
            kept[name] = value
        if not kept:
            return None
        if len(kept) == 1 and len(dim_sets) == 1:
            dim_sets = self._rules[next(iter(kept))].by_keys.get(frozenset(dim_sets[0]), dim_sets)
        return kept, dim_sets


class MetricHandle:
    """A declared metric: unit and resolution come from the catalog; only dimension values are passed.

    ``put`` never raises: dimension keys (defaults included) that match none of the metric's declared
    sets drop the datum and count it (``dimension_set_mismatch``).
    """

    __slots__ = ("_logger", "_rule")

    def __init__(self, logger: MetricsLogger, rule: _MetricRule) -> None:
        self._logger = logger
        self._rule = rule

    @property
    def name(self) -> str:
        """The metric name."""
        return self._rule.name

    @property
    def unit(self) -> str:
        """The catalog unit."""
        return self._rule.unit

    def put(self, value: Number | Any, /, **dimensions: str) -> None:
        """Emit ``value`` (or a sequence of values) with these extra dimension values."""
        self.emit(value, dimensions)

    def emit(
        self,
        value: Number | Any,
        dimensions: Mapping[str, str] | None = None,
        *,
        properties: Mapping[str, Any] | None = None,
        timestamp: Any = None,
    ) -> None:
        """Like :meth:`put`, with properties and a timestamp."""
        self._logger.put(
            self._rule.name,
            value,
            self._rule.unit,
            dimensions=dimensions,
            properties=properties,
            resolution=self._rule.resolution,
            timestamp=timestamp,
        )
