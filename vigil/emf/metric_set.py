"""Pre-bound metric sets: names, units and dimensions declared once, then one value per metric per event.

Everything that can be checked in advance is checked when the set is made (``ConfigError``, or
``CatalogError`` against the logger's catalog), and the ``_aws`` directive is rendered once. ``emit`` then
only type-checks the values and serializes one dict, which is about what hand-built EMF JSON costs. Any
value, property or timestamp the fast path does not accept as is goes through the logger's general path,
so a bad datum is still dropped and counted alone and the call never raises.

Example::

    >>> from vigil.emf import MetricsLogger, InMemorySink
    >>> sink = InMemorySink()
    >>> logger = MetricsLogger("Vigil/API", {"Service": "api"}, sink)
    >>> llm = logger.metric_set({"llm.tokens.input": "Count", "llm.latency": "Milliseconds"}, dimensions={"Model": "m1"})
    >>> llm.emit(1200, 830.5, properties={"job_id": "j-1"})
    >>> event = sink.events()[0]
    >>> event["llm.tokens.input"], event["llm.latency"], event["Model"], event["job_id"]
    (1200, 830.5, 'm1', 'j-1')
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from vigil.emf import _json
from vigil.emf.constants import MAX_DIMENSIONS_PER_SET, MAX_LINE_BYTES, MAX_METRICS_PER_DIRECTIVE
from vigil.emf.encoder import count_line_values
from vigil.emf.errors import CatalogError, ConfigError
from vigil.emf.event import EventBuilder
from vigil.emf.validation import (
    MAX_ABS_VALUE,
    as_text,
    check_default_dimensions,
    describe,
    metric_name_problem,
    unit_problem,
)

if TYPE_CHECKING:
    from vigil.emf.logger import MetricsLogger

#: A unit, or ``(unit, storage resolution)``.
MetricSpec = str | tuple[str, int]

_I64 = -(2**63)
_U64 = 2**64 - 1
_EMPTY: Mapping[str, Any] = {}
_FAST_BYTES = MAX_LINE_BYTES // 4
_now = time.time_ns  # lines shorter than this (in characters) are within the byte limit


class MetricSet:
    """Metrics of one logger emitted together; made by :meth:`MetricsLogger.metric_set`. Thread-safe.

    The set writes to the sink the logger had when the set was made, and counts its drops in the logger's
    :attr:`~vigil.emf.MetricsLogger.stats`.
    """

    __slots__ = (
        "_chunks",
        "_dims",
        "_dumps",
        "_header",
        "_logger",
        "_meta",
        "_names",
        "_props",
        "_reserved",
        "_sink_write",
        "_size",
        "_user_dims",
    )

    def __init__(
        self, logger: MetricsLogger, metrics: Mapping[str, MetricSpec], dimensions: Mapping[str, str] | None
    ) -> None:
        extra = check_default_dimensions(dimensions)
        self._dims = {**logger.default_dimensions, **extra}
        self._user_dims = extra
        if len(self._dims) > MAX_DIMENSIONS_PER_SET:
            raise ConfigError(f"metric set: {len(self._dims)} dimensions; a dimension set allows 30")
        self._meta = _check_metrics(metrics, self._dims)
        self._names = tuple(self._meta)
        self._size = len(self._names)
        dim_sets = _catalog_sets(logger, self._meta, self._dims)
        shape = tuple(self._meta.items())
        # one prepared directive per line: more than 100 metrics are emitted as several lines
        self._chunks = tuple(
            (logger._encoder.header(dim_sets, shape[lo : lo + MAX_METRICS_PER_DIRECTIVE]), lo)
            for lo in range(0, self._size, MAX_METRICS_PER_DIRECTIVE)
        )
        self._header = self._chunks[0][0] if len(self._chunks) == 1 else None
        self._reserved = frozenset({"_aws", "", *self._dims, *self._names})
        self._logger = logger
        self._props = logger._props
        self._sink_write = logger.sink.write
        self._dumps = _fast_dumps()

    @property
    def names(self) -> tuple[str, ...]:
        """The metric names, in the order ``emit`` takes their values."""
        return self._names

    def emit(self, *values: Any, properties: Mapping[str, Any] | None = None, timestamp: Any = None) -> None:
        """Emit one event: ``values`` in the order of :attr:`names` (a value may be a list). Never raises."""
        line: str | None = None
        if self._header is not None and len(values) == self._size and timestamp is None:
            for value in values:
                kind = type(value)
                if not (
                    (kind is float and -MAX_ABS_VALUE <= value <= MAX_ABS_VALUE)
                    or (kind is int and _I64 <= value <= _U64)
                ):
                    break
            else:
                try:
                    doc = {"_aws": {"Timestamp": _now() // 1_000_000, "CloudWatchMetrics": self._header}, **self._dims}
                    if self._props:
                        doc.update(self._props)
                    if properties:
                        if not self._reserved.isdisjoint(properties):
                            raise ValueError  # a reserved or colliding key: the general path counts it
                        doc.update(properties)
                    doc.update(zip(self._names, values, strict=True))
                    line = self._dumps(doc)
                    if len(line) > _FAST_BYTES:
                        line = None
                except Exception:  # a property the fast encoder refuses (non-str key, lone surrogate...)
                    line = None
        if line is None:
            self._general(values, properties, timestamp)
            return
        try:
            self._sink_write(line)
        except Exception as exc:
            self._logger._drops.drop("sink_error", f"{type(exc).__name__}: {exc}", self._size)

    def _general(self, values: tuple[Any, ...], properties: Mapping[str, Any] | None, timestamp: Any) -> None:
        """Lists of values, unusual numbers, properties, timestamps and splits: checked like any event."""
        if self._header is None and len(values) == self._size and timestamp is None:
            try:
                lines = self._split_lines(values, properties)
            except Exception:  # a properties mapping that raises: the event path below counts it
                lines = None
            if lines is not None:
                for line in lines:
                    try:
                        self._sink_write(line)
                    except Exception as exc:
                        self._logger._drops.drop("sink_error", f"{type(exc).__name__}", count_line_values(line))
                return
        self._slow(values, properties, timestamp)

    def _split_lines(self, values: tuple[Any, ...], properties: Mapping[str, Any] | None) -> list[str] | None:
        """More than 100 metrics: one prepared line per 100 (``None`` when a value or property is unusual)."""
        for value in values:
            kind = type(value)
            if not (
                (kind is float and -MAX_ABS_VALUE <= value <= MAX_ABS_VALUE) or (kind is int and _I64 <= value <= _U64)
            ):
                return None
        if properties and not self._reserved.isdisjoint(properties):
            return None
        lines: list[str] = []
        step, now = MAX_METRICS_PER_DIRECTIVE, _now() // 1_000_000
        for header, lo in self._chunks:
            doc = {"_aws": {"Timestamp": now, "CloudWatchMetrics": header}, **self._dims, **self._props}
            try:
                if properties:
                    doc.update(properties)
                doc.update(zip(self._names[lo : lo + step], values[lo : lo + step], strict=True))
                line = self._dumps(doc)
            except Exception:
                return None
            if len(line) > _FAST_BYTES:
                return None
            lines.append(line)
        return lines

    def _slow(self, values: tuple[Any, ...], properties: Mapping[str, Any] | None, timestamp: Any) -> None:
        logger = self._logger
        if len(values) != self._size:
            detail = f"metric set {self._names[:3]}...: {len(values)} values for {self._size} metrics; event dropped"
            logger._drops.drop("value_count_mismatch", detail, len(values))
            return
        event = EventBuilder(logger)
        for name, value in zip(self._names, values, strict=True):
            unit, resolution = self._meta[name]
            event.metric(name, value, unit, resolution)
        if self._user_dims:
            event.dimensions(self._user_dims)
        try:
            for key, prop in (properties or _EMPTY).items():
                event.property(key, prop)
        except Exception as exc:
            logger._other.drop("invalid_property", f"properties: {type(exc).__name__}")
        if timestamp is not None:
            event.timestamp(timestamp)
        event.emit()


def _fast_dumps() -> Callable[[dict[str, Any]], str]:
    """orjson's dumps (a prepared header is spliced in as a Fragment); the stdlib backend's otherwise."""
    _json.load()
    if _json.BACKEND == "orjson":
        import orjson

        dumps = orjson.dumps

        def orjson_dumps(doc: dict[str, Any]) -> str:
            return dumps(doc, default=_json.default).decode()

        return orjson_dumps

    def stdlib_dumps(doc: dict[str, Any]) -> str:
        for key in doc:
            if type(key) is not str:  # json.dumps would write 1 as "1": a duplicate of a "1" key
                raise TypeError("a non-str property key: the general path converts and de-duplicates it")
        aws = doc.pop("_aws")
        return _json.render_line(aws["Timestamp"], aws["CloudWatchMetrics"], _EMPTY, doc, _EMPTY)

    return stdlib_dumps


def _check_metrics(metrics: Mapping[str, MetricSpec], dims: Mapping[str, str]) -> dict[str, tuple[str, int]]:
    meta: dict[str, tuple[str, int]] = {}
    for raw_name, spec in metrics.items():
        name = as_text(raw_name)
        if name is None or metric_name_problem(name):
            raise ConfigError(f"metric set: {describe(raw_name)} is not a valid metric name (1-255 printable)")
        if name in dims:
            raise ConfigError(f"metric set: metric {name!r} has the name of a dimension; rename one of them")
        unit, resolution = (spec, 60) if not isinstance(spec, tuple) else (*spec, 60)[:2]
        unit_text = as_text(unit)
        problem = unit_problem(unit_text, resolution)
        if problem:
            raise ConfigError(
                f"metric set: metric {name!r}: {problem.replace('_', ' ')} {describe(spec)}; "
                "use a CloudWatch unit (vigil.emf.STANDARD_UNITS) and resolution 1 or 60"
            )
        meta[name] = (unit_text, resolution)  # type: ignore[assignment]
    if not meta:
        raise ConfigError("metric set: declare at least one metric")
    return meta


def _catalog_sets(
    logger: MetricsLogger, meta: dict[str, tuple[str, int]], dims: Mapping[str, str]
) -> tuple[tuple[str, ...], ...]:
    """The dimension sets to emit under; against the catalog (``CatalogError``) when the logger has one."""
    own = (tuple(dims),)
    catalog = logger._catalog
    if catalog is None:
        return own
    drops = _Collect()
    values: dict[str, int | float | list[int | float]] = dict.fromkeys(meta, 0)
    checked = catalog.check(values, dict(meta), dims, own, drops)
    if drops.reasons:
        raise CatalogError(f"metric set against the catalog of {catalog.namespace!r}: {'; '.join(drops.reasons)}")
    assert checked is not None
    for name in meta:
        meta[name] = catalog.unit_of(name)
    return checked[1]


class _Collect:
    """A drop counter stand-in that remembers why the catalog refused a declaration."""

    def __init__(self) -> None:
        self.reasons: list[str] = []

    def drop(self, reason: str, detail: str = "", count: int = 1) -> None:
        self.reasons.append(f"{reason} ({detail})")
