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
from vigil.emf.validation import (
    MAX_ABS_VALUE,
    Number,
    clean_number,
    dimension_name_problem,
    dimension_value_problem,
    metric_name_problem,
    unit_problem,
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
    returns the builder, so calls chain. Bad data is dropped and counted, never raised.
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
        """Add a value (or a sequence of values) of metric ``name``; repeated names accumulate values."""
        if name not in self._logger._metric_names_ok and not self._accept_name(name):
            return self
        if unit not in STANDARD_UNITS or (resolution != 60 and (resolution != 1 or type(resolution) is not int)):
            self._logger._drops.drop(unit_problem(unit, resolution) or "invalid_unit", f"metric {name!r}: {unit!r}")
            return self
        kind = type(value)
        if (kind is float and -MAX_ABS_VALUE <= value <= MAX_ABS_VALUE) or (kind is int and _I64 <= value <= _U64):
            if name not in self._values:
                self._values[name] = value
                self._meta[name] = (unit, resolution)
                return self
            return self._store(name, value, unit, resolution)
        return self._metric_slow(name, value, unit, resolution)

    def _metric_slow(self, name: str, value: Any, unit: str, resolution: int) -> EventBuilder:
        if isinstance(value, Iterable) and not isinstance(value, str | bytes | bytearray):
            clean: Number | list[Number] = self._clean_many(name, value)
            if not clean:
                return self
        else:
            result = clean_number(value)
            if type(result) is str:
                self._logger._drops.drop(result, f"metric {name!r} value {value!r}"[:200])
                return self
            clean = result  # type: ignore[assignment]
        return self._store(name, clean, unit, resolution)

    def _accept_name(self, name: str) -> bool:
        problem = metric_name_problem(name)
        if problem:
            self._logger._drops.drop(problem, f"metric name {str(name)[:80]!r}")
            return False
        names = self._logger._metric_names_ok
        if len(names) >= _NAME_CACHE_LIMIT:
            names.clear()
        names.add(name)
        return True

    def _clean_many(self, name: str, values: Iterable[Any]) -> list[Number]:
        if isinstance(values, Mapping):
            self._logger._drops.drop("non_numeric", f"metric {name!r}: a mapping is not a value")
            return []
        kept: list[Number] = []
        for item in values:
            result = clean_number(item)
            if type(result) is str:
                self._logger._drops.drop(result, f"metric {name!r} value {item!r}")
            else:
                kept.append(result)  # type: ignore[arg-type]
        if not kept:
            self._logger._drops.drop("empty_values", f"metric {name!r} has no valid value")
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
            self._logger._drops.drop("unit_conflict", f"metric {name!r} already has unit {self._meta[name][0]}")
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
        for source in (mapping, dims):
            if source:
                for name, value in source.items():
                    self._set_dimension(name, value)
        return self

    def _set_dimension(self, name: str, value: Any) -> None:
        problem = dimension_name_problem(name) or dimension_value_problem(value)
        if problem:
            self._logger._drops.drop(problem, f"dimension {str(name)[:80]!r}={str(value)[:80]!r}")
            if self._bad is None:
                self._bad = set()
            self._bad.add(name if type(name) is str else repr(name))
            return
        if self._dims is None:
            self._dims = {}
        self._dims[name] = value

    def dimension_sets(self, *sets: Mapping[str, str] | Iterable[str]) -> EventBuilder:
        """Emit the metrics under several dimension sets.

        A mapping sets values and names the set ``defaults + its keys``; a list of names refers to
        dimensions already set (defaults or :meth:`dimensions`) and is used as given. A single list
        of such sets is accepted too: ``dimension_sets([{"A": "1"}, {"B": "2"}])``.
        """
        if len(sets) == 1 and isinstance(sets[0], list) and sets[0] and not isinstance(sets[0][0], str):
            sets = tuple(sets[0])
        if self._sets is None:
            self._sets = []
        for dim_set in sets:
            if isinstance(dim_set, Mapping):
                self.dimensions(dim_set)
                self._sets.append((*self._logger._dims, *(k for k in dim_set if k not in self._logger._dims)))
            else:
                self._sets.append(tuple(dim_set))
        return self

    def property(self, key: str, value: Any) -> EventBuilder:
        """Attach a property: searchable in Logs Insights, never a dimension (no metric cost)."""
        if type(key) is not str or not key or key == "_aws":
            self._logger._drops.drop("invalid_property", f"property key {key!r}")
            return self
        if self._props is None:
            self._props = {}
        self._props[key] = value
        return self

    def timestamp(self, when: datetime | int | float) -> EventBuilder:
        """Set the event time: a datetime (naive means UTC) or epoch milliseconds."""
        if type(when) not in (int, float):  # a datetime, checked without importing datetime at start-up
            from datetime import UTC, datetime

            if isinstance(when, datetime):
                aware = when if when.tzinfo else when.replace(tzinfo=UTC)
                self._ts = int(aware.timestamp() * 1000)
                return self
        elif 0 <= when < 2**53:  # type: ignore[operator]
            self._ts = int(when)  # type: ignore[arg-type]
            return self
        self._logger._drops.drop("invalid_timestamp", f"timestamp {when!r}; using the current time")
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
        if not self._done:
            self._done = True
            self._logger._emit(
                self._values, self._meta, self._dims, self._bad, self._sets, self._props, self._ts, self._multi
            )
