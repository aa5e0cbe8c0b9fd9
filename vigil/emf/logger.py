"""``MetricsLogger``: a namespace, default dimensions and a sink; emits EMF events synchronously.

Example::

    >>> from vigil.emf import MetricsLogger, InMemorySink
    >>> sink = InMemorySink()
    >>> metrics = MetricsLogger("Shop", {"Service": "api", "Environment": "prod"}, sink)
    >>> metrics.put("Latency", 12.5, "Milliseconds", properties={"trace_id": "t-1"})
    >>> sink.events()[0]["Latency"]
    12.5
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

from vigil.emf.constants import MAX_DIMENSIONS_PER_SET
from vigil.emf.drops import DropCounter, LoggerStats
from vigil.emf.encoder import DimSets, LineEncoder, count_line_values
from vigil.emf.errors import ConfigError
from vigil.emf.event import EventBuilder
from vigil.emf.sanitize import check_default_properties
from vigil.emf.sinks.base import Sink
from vigil.emf.sinks.select import resolve_sink
from vigil.emf.timing import Counter, Timer
from vigil.emf.validation import Number, check_default_dimensions, check_namespace, value_count

if TYPE_CHECKING:
    from vigil.emf.catalog import CatalogBinding, MetricHandle
    from vigil.emf.metric_set import MetricSet, MetricSpec
    from vigil.spec.models.metrics import MetricNamespaceSpec


class MetricsLogger:
    """Emits CloudWatch EMF lines for one namespace to one sink.

    Thread-safe and sync: emitting never awaits and never needs an event loop, so it is safe from
    asyncio code too. Each instance owns its caches and drop counts (no global state). Bad data is
    dropped and counted (:attr:`stats`), never raised into the caller.

    Parameters
    ----------
    namespace:
        CloudWatch namespace (1-255 printable ASCII, not ``AWS/``); bad values raise ``ConfigError``.
    dimensions:
        Default dimensions added to every event (e.g. ``{"Service": "api", "Environment": "prod"}``).
    sink:
        A :class:`~vigil.emf.sinks.base.Sink`, a sink URL (``stdout``, ``memory``, ``tcp://host:port``,
        ``udp://host:port``, ``cwlogs://group/stream``), or ``None`` for ``$VIGIL_EMF_SINK`` (default stdout).
    properties:
        Default properties added to every event (checked here: ``_aws``, empty keys and names of default
        dimensions raise ``ConfigError``).
    """

    def __init__(
        self,
        namespace: str,
        dimensions: Mapping[str, str] | None = None,
        sink: Sink | str | None = None,
        *,
        properties: Mapping[str, Any] | None = None,
    ) -> None:
        self.namespace = check_namespace(namespace)
        self._dims = check_default_dimensions(dimensions)
        self._default_sets: DimSets = (tuple(self._dims),)
        self._props: dict[str, Any] = check_default_properties(properties, self._dims)
        self._drops = DropCounter(f"vigil.emf[{namespace}]")  # metric values lost
        self._other = DropCounter(f"vigil.emf[{namespace}]")  # properties, dimensions, timestamps
        self._encoder = LineEncoder(namespace, self._drops, self._other)
        self._metric_names_ok: set[str] = set()
        self._catalog: CatalogBinding | None = None
        self.sink: Sink = resolve_sink(sink)

    @classmethod
    def from_catalog(
        cls,
        namespace_spec: MetricNamespaceSpec,
        *,
        dimensions: Mapping[str, str] | None = None,
        sink: Sink | str | None = None,
        properties: Mapping[str, Any] | None = None,
    ) -> MetricsLogger:
        """A logger bound to a catalog namespace: names, units and dimension sets checked at bind time.

        Raises :class:`~vigil.emf.errors.CatalogError` if a unit is unknown or a default dimension is not
        declared. See :mod:`vigil.emf.catalog`.
        """
        from vigil.emf.catalog import CatalogBinding

        binding = CatalogBinding(namespace_spec, dict(dimensions or {}))
        logger = cls(namespace_spec.namespace, dimensions, sink, properties=properties)
        logger._catalog = binding
        return logger

    def metric(self, name: str) -> MetricHandle:
        """The typed handle of a catalog metric (``UnknownMetricError`` with a suggestion if undeclared)."""
        if self._catalog is None:
            raise ConfigError("metric handles need a catalog: build the logger with MetricsLogger.from_catalog()")
        return self._catalog.handle(self, name)

    def put(
        self,
        name: str,
        value: Number | Any,
        unit: str = "None",
        *,
        dimensions: Mapping[str, str] | None = None,
        properties: Mapping[str, Any] | None = None,
        resolution: int = 60,
        timestamp: Any = None,
    ) -> None:
        """Emit one metric (a number or a sequence of numbers) as one event, right away. Never raises."""
        event = EventBuilder(self).metric(name, value, unit, resolution)
        try:
            if dimensions:
                event.dimensions(dimensions)
            if properties:
                for key, prop in properties.items():
                    event.property(key, prop)
        except Exception as exc:  # a mapping whose len() or items() raises: emit what was collected
            self._other.drop("invalid_argument", f"put(): dimensions or properties raised {type(exc).__name__}")
        if timestamp is not None:
            event.timestamp(timestamp)
        event.emit()

    def metric_set(
        self, metrics: Mapping[str, MetricSpec], *, dimensions: Mapping[str, str] | None = None
    ) -> MetricSet:
        """A pre-bound set of metrics: names, units and dimension values checked once, here.

        ``metrics`` maps each name to a unit or ``(unit, resolution)``; ``dimensions`` are added to the
        defaults. ``emit(*values, properties=None, timestamp=None)`` then takes one value per metric, in order,
        at close to the cost of hand-built JSON. Bad declarations raise ``ConfigError`` (``CatalogError``
        when the logger is bound to a catalog that does not declare them). See :mod:`vigil.emf.metric_set`.
        """
        from vigil.emf.metric_set import MetricSet

        return MetricSet(self, metrics, dimensions)

    def event(self) -> EventBuilder:
        """A builder for one event with several metrics; use as a context manager or call ``emit()``."""
        return EventBuilder(self)

    def counter(self, name: str, value: Number = 1, *, dimensions: Mapping[str, str] | None = None) -> Counter:
        """A counter of ``value`` (unit Count), emitted when called, at the end of a ``with`` block, or per call
        of a decorated function."""
        return Counter(self, name, value, dimensions)

    def timer(
        self, name: str, *, dimensions: Mapping[str, str] | None = None, error_metric: str | None = None
    ) -> Timer:
        """A timer recording Milliseconds (and ``error_metric``, default ``<name>.errors``, on exceptions)."""
        return Timer(self, name, dimensions, error_metric)

    @property
    def stats(self) -> LoggerStats:
        """What this logger refused: metric values lost by reason, and other dropped data by reason.

        Lines the sink could not deliver are counted by the sink (``logger.sink.stats``).
        """
        return LoggerStats(self._drops.snapshot(), self._other.snapshot())

    @property
    def default_dimensions(self) -> dict[str, str]:
        """A copy of the default dimensions."""
        return dict(self._dims)

    def flush(self) -> None:
        """Flush the sink."""
        self.sink.flush()

    def close(self) -> None:
        """Flush and close the sink."""
        self.sink.close()

    def __enter__(self) -> MetricsLogger:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _emit(
        self,
        values: dict[str, Number | list[Number]],
        meta: dict[str, tuple[str, int]],
        extra_dims: dict[str, str] | None,
        bad_dims: set[str] | None,
        sets: list[tuple[str, ...]] | None,
        props: dict[str, Any] | None,
        timestamp: int | None,
        multi: bool,
    ) -> None:
        """Validate the event as a whole, encode it and write the lines. Never raises."""
        if not values:
            if props or extra_dims:
                self._other.drop("empty_event", "no valid metric: the event's properties and dimensions are dropped")
            return
        try:
            if extra_dims is None and sets is None:
                dims: Mapping[str, str] = self._dims
                dim_sets: DimSets = self._default_sets
            else:
                dims = {**self._dims, **extra_dims} if extra_dims else self._dims
                found = self._dimension_sets(dims, bad_dims, sets)
                if isinstance(found, str):
                    self._drops.drop(found, "no valid dimension set: event dropped", _total(values))
                    return
                dim_sets = found
            if not dims.keys().isdisjoint(values):
                values = self._without_collisions(values, dims)
                meta = {name: meta[name] for name in values}
            if props is not None or self._props:
                props = self._merge_props(props, dims, values)
            if self._catalog is not None and values:
                checked = self._catalog.check(values, meta, dims, dim_sets, self._drops)
                values, dim_sets = checked if checked is not None else ({}, dim_sets)
                meta = {name: meta[name] for name in values}
            if not values:
                return
            lines = self._encoder.encode(
                time.time_ns() // 1_000_000 if timestamp is None else timestamp,
                dims,
                dim_sets,
                values,
                meta,
                props,
                multi=multi,
            )
        except Exception as exc:  # the emit path never raises into application code
            self._drops.drop("internal_error", f"{type(exc).__name__}: {exc}", _total(values))
            return
        self._write(lines)

    def _write(self, lines: list[str]) -> None:
        write = self.sink.write
        for line in lines:
            try:
                write(line)
            except Exception as exc:
                self._drops.drop("sink_error", f"{type(exc).__name__}: {exc}", count_line_values(line))

    def _dimension_sets(
        self, dims: Mapping[str, str], bad: set[str] | None, sets: list[tuple[str, ...]] | None
    ) -> DimSets | str:
        """The event's dimension sets without bad dimensions; a drop reason (``str``) if none is left."""
        if sets is None:
            if len(dims) > MAX_DIMENSIONS_PER_SET:
                return "too_many_dimensions"
            return (tuple(dims),)
        kept: list[tuple[str, ...]] = []
        for candidate in sets:
            names = tuple(n for n in dict.fromkeys(candidate) if not (bad and n in bad))
            if len(names) > MAX_DIMENSIONS_PER_SET:
                self._other.drop("too_many_dimensions", f"dimension set of {len(names)} keys")
            elif any(name not in dims for name in names):
                self._other.drop("invalid_dimension_set", f"dimension set {names!r} names a dimension never set")
            elif names not in kept:
                kept.append(names)
        return tuple(kept) if kept else "no_valid_dimension_set"

    def _without_collisions(
        self, values: dict[str, Number | list[Number]], dims: Mapping[str, str]
    ) -> dict[str, Number | list[Number]]:
        kept = {}
        for name, value in values.items():
            if name in dims:
                self._drops.drop("name_collision", f"metric {name!r} has the name of a dimension", value_count(value))
            else:
                kept[name] = value
        return kept

    def _merge_props(
        self, props: dict[str, Any] | None, dims: Mapping[str, str], values: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        if self._props:
            props = {**self._props, **props} if props else self._props
        assert props is not None
        for key in props:
            if key in dims or key in values:
                break
        else:
            return props
        kept = {}
        for key, value in props.items():
            if key in dims or key in values:
                self._other.drop("name_collision", f"property {key!r} has the name of a dimension or metric")
            else:
                kept[key] = value
        return kept


def _total(values: Mapping[str, Number | list[Number]]) -> int:
    return sum(len(v) if type(v) is list else 1 for v in values.values())
