"""The event builder: several metrics, dimensions, dimension sets and properties emitted as one EMF event.

Example::

    >>> from vigil.emf import MetricsLogger, InMemorySink
    >>> sink = InMemorySink()
    >>> logger = MetricsLogger("Shop", {"Service": "api"}, sink)
    >>> with logger.event() as event:
    ...     _ = event.metric("Orders", 2, "Count").dimensions(Region="eu").property("order_id", "o-1")
    >>> sink.events()[0]["Orders"], sink.events()[0]["Region"]
    (2, 'eu')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

from vigil.emf.constants import STANDARD_UNITS
from vigil.emf.sanitize import clean_text
from vigil.emf.timestamps import to_epoch_ms
from vigil.emf.validation import (
    MAX_ABS_VALUE,
    Number,
    as_text,
    clean_number,
    describe,
    dimension_name_problem,
    dimension_value_problem,
    metric_name_problem,
    unit_problem,
    value_count,
)

if TYPE_CHECKING:
    from datetime import datetime

    from vigil.emf.logger import MetricsLogger

_NAME_CACHE_LIMIT = 10_000
_I64 = -(2**63)
_U64 = 2**64 - 1


class EventBuilder:
    """Collects one event; emits it on :meth:`emit` or when its ``with`` block ends (even on error).

    Not meant to be shared between threads; create one per event (they are cheap). Every method
    returns the builder, so calls chain. Bad data is dropped and counted, never raised: a bad
    metric value loses only that value, a bad dimension only that dimension (the metrics are
    emitted under the remaining ones), a bad property only that property.
    """

    __slots__ = ("_bad", "_dims", "_done", "_logger", "_meta", "_multi", "_props", "_sets", "_ts", "_values")

    def __init__(self, logger: MetricsLogger) -> None:
        self._logger = logger
        self._values: dict[str, Number | list[Number]] = {}
        self._meta: dict[str, tuple[str, int]] = {}
        self._dims: dict[str, str] | None = None
        self._bad: set[str] | None = None
        self._sets: list[tuple[str, ...]] | None = None
        self._props: dict[str, Any] | None = None
        self._ts: int | None = None
        self._multi = False
        self._done = False

    def metric(self, name: str, value: Any, unit: str = "None", resolution: int = 60) -> EventBuilder:
        """Add a value (or an iterable of values) of metric ``name``; repeated names accumulate values."""
        try:
            if type(name) is not str or name not in self._logger._metric_names_ok:
                accepted = self._accept_name(name, value)
                if accepted is None:
                    return self
                name = accepted
            if type(unit) is not str or unit not in STANDARD_UNITS or type(resolution) is not int or resolution != 60:
                checked = self._unit(name, value, unit, resolution)
                if checked is None:
                    return self
                unit, resolution = checked
            kind = type(value)
            if (kind is float and -MAX_ABS_VALUE <= value <= MAX_ABS_VALUE) or (kind is int and _I64 <= value <= _U64):
                if name not in self._values:
                    self._values[name] = value
                    self._meta[name] = (unit, resolution)
                    return self
                return self._store(name, value, unit, resolution)
            return self._metric_slow(name, value, unit, resolution)
        except Exception as exc:  # never raise into application code
            self._logger._drops.drop("internal_error", f"metric(): {type(exc).__name__}")
            return self

    def _unit(self, name: str, value: Any, unit: object, resolution: object) -> tuple[str, int] | None:
        text = as_text(unit)
        if text is not None and text in STANDARD_UNITS and type(resolution) is int and resolution in (1, 60):
            return text, resolution
        self._refuse_unit(name, value, unit, resolution)
        return None

    def _refuse_unit(self, name: str, value: Any, unit: object, resolution: object) -> EventBuilder:
        reason = unit_problem(as_text(unit), resolution) or "invalid_unit"
        self._logger._drops.drop(
            reason, f"metric {name!r}: unit {describe(unit)}, resolution {describe(resolution)}", value_count(value)
        )
        return self

    def _metric_slow(self, name: str, value: Any, unit: str, resolution: int) -> EventBuilder:
        if _is_many(value):
            clean: Number | list[Number] = self._clean_many(name, value)
            if not clean:
                return self
        else:
            result = clean_number(value)
            if type(result) is str:
                self._logger._drops.drop(result, f"metric {name!r} value {describe(value)}")
                return self
            clean = result  # type: ignore[assignment]
        return self._store(name, clean, unit, resolution)

    def _accept_name(self, name: object, value: Any) -> str | None:
        text = as_text(name)
        problem = metric_name_problem(text)
        if text is None or problem:
            self._logger._drops.drop(
                problem or "invalid_metric_name", f"metric name {describe(name)}", value_count(value)
            )
            return None
        names = self._logger._metric_names_ok
        if len(names) >= _NAME_CACHE_LIMIT:
            names.clear()
        names.add(text)
        return text

    def _clean_many(self, name: str, values: Iterable[Any]) -> list[Number]:
        drops = self._logger._drops
        if isinstance(values, Mapping):
            drops.drop("non_numeric", f"metric {name!r}: a mapping is not a value", value_count(values))
            return []
        kept: list[Number] = []
        try:
            for item in values:
                result = clean_number(item)
                if type(result) is str:
                    drops.drop(result, f"metric {name!r} value {describe(item)}")
                else:
                    kept.append(result)  # type: ignore[arg-type]
        except Exception as exc:  # a raising iterator: keep what it yielded before
            drops.drop("iteration_error", f"metric {name!r}: iterating the values raised {type(exc).__name__}")
        return kept

    def _store(self, name: str, clean: Number | list[Number], unit: str, resolution: int) -> EventBuilder:
        previous = self._values.get(name)
        if previous is None:
            self._values[name] = clean
            self._meta[name] = (unit, resolution)
            if type(clean) is list:
                self._multi = True
            return self
        if self._meta[name] != (unit, resolution):
            detail = f"metric {name!r} already has unit {self._meta[name][0]}"
            self._logger._drops.drop("unit_conflict", detail, value_count(clean))
            return self
        merged: list[Number] = previous if isinstance(previous, list) else [previous]
        if isinstance(clean, list):
            merged.extend(clean)
        else:
            merged.append(clean)
        self._values[name] = merged
        self._multi = True
        return self

    def dimensions(self, mapping: Mapping[str, str] | None = None, /, **dims: str) -> EventBuilder:
        """Set dimension values for this event (added to the logger's defaults)."""
        try:
            for source in (mapping, dims):
                if source:
                    for name, value in source.items():
                        self._set_dimension(name, value)
        except Exception as exc:
            self._logger._other.drop("invalid_dimension", f"dimensions(): {type(exc).__name__}")
        return self

    def _set_dimension(self, name: object, value: object) -> None:
        key, text = as_text(name), as_text(value)
        problem = dimension_name_problem(key) or dimension_value_problem(text)
        if problem or key is None or text is None:
            reason = problem or "invalid_dimension"
            self._logger._other.drop(reason, f"dimension {describe(name)}={describe(value)}; emitted without it")
            if key is not None:
                if self._bad is None:
                    self._bad = set()
                self._bad.add(key)
            return
        if self._dims is None:
            self._dims = {}
        self._dims[key] = text
        if self._bad:
            self._bad.discard(key)

    def dimension_sets(self, *sets: Mapping[str, str] | Iterable[str]) -> EventBuilder:
        """Emit the metrics under several dimension sets.

        A mapping sets values and names the set ``defaults + its keys``; a list of names refers to
        dimensions already set (defaults or :meth:`dimensions`) and is used as given. A single list
        of such sets is accepted too: ``dimension_sets([{"A": "1"}, {"B": "2"}])``.
        """
        for dim_set in _flatten(sets):
            try:
                if isinstance(dim_set, Mapping):
                    keys = [k for k in (as_text(k) for k in dim_set) if k is not None]
                    self.dimensions(dim_set)
                    defaults = self._logger._dims
                    names = (*defaults, *(k for k in keys if k not in defaults))
                else:
                    names = tuple(n if n is not None else "\x00invalid" for n in (as_text(n) for n in dim_set))
            except Exception as exc:  # a raising mapping or iterable: this set is skipped, the others kept
                self._logger._other.drop("invalid_dimension_set", f"dimension_sets(): {type(exc).__name__}")
                continue
            if self._sets is None:
                self._sets = []
            self._sets.append(names)
        return self

    def property(self, key: str, value: Any) -> EventBuilder:
        """Attach a property: searchable in Logs Insights, never a dimension (no metric cost)."""
        text = as_text(key)
        if not text or text == "_aws":
            self._logger._other.drop("invalid_property", f"property key {describe(key)}")
            return self
        if self._props is None:
            self._props = {}
        self._props[clean_text(text)] = value
        return self

    def timestamp(self, when: datetime | int | float) -> EventBuilder:
        """Set the event time: a datetime (naive means UTC), epoch seconds or epoch milliseconds.

        Numbers below 100,000,000,000 are read as epoch seconds (``time.time()``), larger ones as epoch
        milliseconds. A time before 1970, after 9999, or that cannot be read is replaced by the current
        time and counted (``invalid_timestamp``).
        """
        ms = to_epoch_ms(when)
        if ms is None:
            self._logger._other.drop("invalid_timestamp", f"timestamp {describe(when)}; using the current time")
        else:
            self._ts = ms
        return self

    def emit(self) -> None:
        """Write the event (once; later calls do nothing). Never raises."""
        if self._done:
            return
        self._done = True
        self._logger._emit(
            self._values, self._meta, self._dims, self._bad, self._sets, self._props, self._ts, self._multi
        )

    def __enter__(self) -> EventBuilder:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.emit()


def _flatten(sets: tuple[Any, ...]) -> tuple[Any, ...]:
    """``dimension_sets([{...}, {...}])`` is ``dimension_sets({...}, {...})``."""
    try:
        if len(sets) == 1 and isinstance(sets[0], list) and sets[0] and not isinstance(sets[0][0], str):
            return tuple(sets[0])
    except Exception:
        return sets
    return sets


def _is_many(value: object) -> bool:
    try:
        return isinstance(value, Iterable) and not isinstance(value, str | bytes | bytearray)
    except Exception:
        return False
