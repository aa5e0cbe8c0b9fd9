"""Turns one validated event into EMF lines: cached directive headers, one JSON dump per line, splitting.

The ``_aws`` directive (namespace, dimension sets, metric names, units, resolutions) repeats from
event to event, so its JSON text is built once per distinct shape and cached. Only the root members
(dimension values, metric values, properties) are serialized per event.

Splitting: more than 100 metrics, more than 100 values of one metric, or a line over the 1 MB
event limit produce several lines, each a complete, valid EMF document repeating dimensions and
properties. A single datum that cannot fit is dropped and counted.

Example::

    >>> from vigil.emf.drops import DropCounter
    >>> enc = LineEncoder("Shop", DropCounter())
    >>> enc.encode(0, {"Service": "api"}, (("Service",),), {"Orders": 2}, {"Orders": ("Count", 60)}, None)
    ['{"_aws":{"Timestamp":0,"CloudWatchMetrics":[{"Namespace":"Shop","Dimensions":[["Service"]],"Metrics":[{"Name":"Orders","Unit":"Count"}]}]},"Service":"api","Orders":2}']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vigil.emf import _json
from vigil.emf.constants import MAX_LINE_BYTES, MAX_METRICS_PER_DIRECTIVE, MAX_VALUES_PER_METRIC
from vigil.emf.drops import DropCounter
from vigil.emf.sanitize import Unserializable, sanitize
from vigil.emf.validation import Number, describe

#: A metric's values in an event: one number, or a list of numbers.
Values = Number | list[Number]
#: Dimension sets of an event: tuples of dimension names.
DimSets = tuple[tuple[str, ...], ...]
#: Metric name -> (unit, storage resolution).
Meta = Mapping[str, tuple[str, int]]

_CACHE_LIMIT = 4096
_EMPTY: Mapping[str, Any] = {}


def line_bytes(line: str) -> int:
    """Size of ``line`` in UTF-8 bytes (O(1) for ASCII text)."""
    return len(line) if line.isascii() else len(line.encode("utf-8", "surrogatepass"))


class LineEncoder:
    """Encodes events of one namespace; thread-safe (the cache is only ever added to or cleared)."""

    __slots__ = ("_drops", "_headers", "_last", "_max_bytes", "_ns", "_other", "_render")

    def __init__(
        self,
        namespace: str,
        drops: DropCounter,
        other: DropCounter | None = None,
        *,
        max_line_bytes: int = MAX_LINE_BYTES,
    ) -> None:
        """``drops`` counts lost metric values, ``other`` (default: ``drops``) dropped properties."""
        _json.load()
        self._ns = '[{"Namespace":' + _json.quote(namespace) + ',"Dimensions":'
        self._drops = drops
        self._other = other if other is not None else drops
        self._headers: dict[tuple[DimSets, tuple[tuple[str, tuple[str, int]], ...]], Any] = {}
        self._max_bytes = max_line_bytes
        self._last: tuple[DimSets, Meta, Any] = ((), {}, None)
        self._render = _json.render_line

    def encode(
        self,
        timestamp: int,
        dims: Mapping[str, str],
        dim_sets: DimSets,
        values: Mapping[str, Values],
        meta: Meta,
        props: Mapping[str, Any] | None,
        *,
        multi: bool = False,
    ) -> list[str]:
        """EMF lines for one event; ``multi`` must be true if any metric has a list of values."""
        if len(values) <= MAX_METRICS_PER_DIRECTIVE and not multi:
            last = self._last  # one atomic read: (dim_sets, meta, header) of the previous event
            if last[0] == dim_sets and last[1] == meta:
                header = last[2]
            else:
                key = (dim_sets, tuple(meta.items()))
                header = self._headers.get(key)
                if header is None:
                    header = self._header(key)
                self._last = (dim_sets, dict(meta), header)
            line: str | None
            try:
                line = self._render(timestamp, header, dims, props or _EMPTY, values)
            except _json.JSON_ERRORS:
                line = self._line(timestamp, dims, dim_sets, values, tuple(meta.items()), props)
            if line is None:
                return []
            if len(line) <= self._max_bytes // 4 or line_bytes(line) <= self._max_bytes:
                return [line]
        return self._split(timestamp, dims, dim_sets, values, meta, props)

    def header(self, dim_sets: DimSets, shape: tuple[tuple[str, tuple[str, int]], ...]) -> Any:
        """The prepared ``_aws.CloudWatchMetrics`` text for these dimension sets and (name, (unit, resolution))."""
        return self._headers.get((dim_sets, shape)) or self._header((dim_sets, shape))

    def _header(self, key: tuple[DimSets, tuple[tuple[str, tuple[str, int]], ...]]) -> Any:
        dim_sets, shape = key
        dims = "[" + ",".join("[" + ",".join(_json.quote(d) for d in s) + "]" for s in dim_sets) + "]"
        metrics = ",".join(
            '{"Name":' + _json.quote(name) + ',"Unit":"' + unit + ('","StorageResolution":1}' if res == 1 else '"}')
            for name, (unit, res) in shape
        )
        header = _json.prepare_header(self._ns + dims + ',"Metrics":[' + metrics + "]}]")
        if len(self._headers) >= _CACHE_LIMIT:
            self._headers.clear()
        self._headers[key] = header
        return header

    def _line(
        self,
        timestamp: int,
        dims: Mapping[str, str],
        dim_sets: DimSets,
        values: Mapping[str, Values],
        shape: tuple[tuple[str, tuple[str, int]], ...],
        props: Mapping[str, Any] | None,
    ) -> str | None:
        header = self._headers.get((dim_sets, shape)) or self._header((dim_sets, shape))
        try:
            return _json.render_line(timestamp, header, dims, props or _EMPTY, values)
        except _json.JSON_ERRORS:
            kept = self._safe_props(props)
            try:
                return _json.render_line(timestamp, header, dims, kept, values)
            except _json.JSON_ERRORS as exc:  # pragma: no cover - sanitized properties always encode
                self._drops.drop(
                    "unserializable_event", f"{type(exc).__name__}", sum(_count(v) for v in values.values())
                )
                return None

    def _safe_props(self, props: Mapping[str, Any] | None) -> dict[str, Any]:
        """The properties made JSON-safe one by one; only the ones that have no JSON form are dropped."""
        kept: dict[str, Any] = {}
        for key, value in (props or _EMPTY).items():
            try:
                kept[key] = sanitize(value)
            except Unserializable as exc:
                self._other.drop("invalid_property", f"property {describe(key)}: {exc}")
        return kept

    def _split(
        self,
        timestamp: int,
        dims: Mapping[str, str],
        dim_sets: DimSets,
        values: Mapping[str, Values],
        meta: Meta,
        props: Mapping[str, Any] | None,
    ) -> list[str]:
        """Lines for an event over the per-line limits: rounds of <=100 values, chunks of <=100 metrics."""
        lines: list[str] = []
        for chunk in _value_rounds(values):
            items = list(chunk.items())
            for start in range(0, len(items), MAX_METRICS_PER_DIRECTIVE):
                group = dict(items[start : start + MAX_METRICS_PER_DIRECTIVE])
                self._fit(timestamp, dims, dim_sets, group, meta, props, lines)
        return lines

    def _fit(
        self,
        timestamp: int,
        dims: Mapping[str, str],
        dim_sets: DimSets,
        group: dict[str, Values],
        meta: Meta,
        props: Mapping[str, Any] | None,
        out: list[str],
    ) -> None:
        """Append ``group`` as one line, halving it (metrics, then values) while the line is too large."""
        line = self._line(timestamp, dims, dim_sets, group, tuple([(n, meta[n]) for n in group]), props)
        if line is None:
            return
        if line_bytes(line) <= self._max_bytes:
            out.append(line)
            return
        names = list(group)
        if len(names) > 1:
            half = len(names) // 2
            self._fit(timestamp, dims, dim_sets, {n: group[n] for n in names[:half]}, meta, props, out)
            self._fit(timestamp, dims, dim_sets, {n: group[n] for n in names[half:]}, meta, props, out)
            return
        name = names[0]
        vals = group[name]
        if type(vals) is list and len(vals) > 1:
            half = len(vals) // 2
            for part in (vals[:half], vals[half:]):
                self._fit(timestamp, dims, dim_sets, {name: part[0] if len(part) == 1 else part}, meta, props, out)
            return
        self._drops.drop(
            "line_too_large", f"metric {name!r}: line exceeds {self._max_bytes} bytes even alone", _count(vals)
        )


def count_line_values(line: str) -> int:
    """How many metric values an EMF line carries (for counting what a failed write lost); 1 if unreadable.

    >>> count_line_values('{"_aws":{"CloudWatchMetrics":[{"Metrics":[{"Name":"a"},{"Name":"b"}]}]},"a":1,"b":[2,3]}')
    3
    """
    try:
        doc = _json.loads(line)
        names = {m["Name"] for d in doc["_aws"]["CloudWatchMetrics"] for m in d["Metrics"]}
        return sum(len(v) if isinstance(v, list) else 1 for v in (doc.get(n) for n in names)) or 1
    except Exception:
        return 1


def _value_rounds(values: Mapping[str, Values]) -> list[Mapping[str, Values]]:
    """``values`` cut so that no metric has more than 100 values per round (one round if none has)."""
    longest = max((len(v) for v in values.values() if isinstance(v, list)), default=0)
    if longest <= MAX_VALUES_PER_METRIC:
        return [values]
    rounds: list[Mapping[str, Values]] = []
    for lo in range(0, longest, MAX_VALUES_PER_METRIC):
        chunk: dict[str, Values] = {}
        for name, vals in values.items():
            if not isinstance(vals, list):
                if lo == 0:
                    chunk[name] = vals
                continue
            part = vals[lo : lo + MAX_VALUES_PER_METRIC]
            if part:
                chunk[name] = part[0] if len(part) == 1 else part
        rounds.append(chunk)
    return rounds


def _count(values: Values) -> int:
    return len(values) if type(values) is list else 1
