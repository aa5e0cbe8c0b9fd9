"""Metrics from EMF log events, extracted as CloudWatch Logs does (the "Specification: Embedded metric format").

A log event is an EMF document when its message is a JSON object with an ``_aws`` member. CloudWatch then:

- reads ``_aws.Timestamp`` (epoch milliseconds) as the time of every metric of the event;
- for each ``CloudWatchMetrics`` directive, for each ``DimensionSet`` of its ``Dimensions``, for each metric
  of its ``Metrics``: publishes one metric in ``Namespace`` with those dimensions (values read from the root
  members the set names), every value of the metric's root member (a number, or an array of up to 100 numbers),
  its ``Unit`` (default ``None``) at its ``StorageResolution`` (60, or 1 for high resolution);
- refuses the whole event when the document breaks the specification (the ``EMFValidationErrors`` of the
  ``AWS/Logs`` namespace): no timestamp, a dimension set of more than 30 keys or naming a missing or non-string
  member, more than 100 metrics in a directive, an unknown unit, a StorageResolution other than 1 or 60, a
  missing value, a value that is not a number or an array of numbers, more than 100 values, an event over
  1,048,576 bytes. PutLogEvents itself rejects events more than 14 days older or more than 2 hours newer than
  their ingestion time; Vigil applies that window to ``_aws.Timestamp`` when the ingestion time is known
  (CloudWatch Logs exports), and cannot for plain files.

An empty ``Dimensions`` array or an empty dimension set publishes the metric without dimensions.

Example::

    >>> line = ('{"_aws": {"Timestamp": 1700000000000, "CloudWatchMetrics": [{"Namespace": "Shop", '
    ...         '"Dimensions": [["Service"], []], "Metrics": [{"Name": "Latency", "Unit": "Milliseconds"}]}]}, '
    ...         '"Service": "api", "Latency": [12, 15]}')
    >>> [(p.key.dimensions, p.values) for p in extract(parse(line))]
    [((('Service', 'api'),), [12, 15]), ((), [12, 15])]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Container
from typing import Any, NamedTuple

from vigil.emf.constants import (
    MAX_DIMENSION_VALUE_LENGTH,
    MAX_DIMENSIONS_PER_SET,
    MAX_METRICS_PER_DIRECTIVE,
    MAX_NAMESPACE_LENGTH,
    MAX_VALUES_PER_METRIC,
    STANDARD_UNITS,
)
from vigil.emf.validation import MAX_ABS_VALUE
from vigil.emulator.store import MetricKey

MAX_EVENT_BYTES = 1_048_576
_NUMERIC = frozenset({int, float})
_MISSING: Any = object()
TOO_OLD_MS = 14 * 24 * 3600 * 1000
TOO_NEW_MS = 2 * 3600 * 1000

#: Why CloudWatch would refuse an event, with the sentence a person reads.
REASONS: dict[str, str] = {
    "invalid_json": "has an _aws member but is not one valid JSON object",
    "event_too_large": "is larger than 1,048,576 bytes (the CloudWatch Logs event limit)",
    "invalid_metadata": "_aws is not an object with a CloudWatchMetrics array",
    "invalid_timestamp": "_aws.Timestamp is missing or not a number of epoch milliseconds",
    "timestamp_too_old": "_aws.Timestamp is more than 14 days before the event's ingestion time",
    "timestamp_too_new": "_aws.Timestamp is more than 2 hours after the event's ingestion time",
    "invalid_namespace": "a directive's Namespace is missing, empty or longer than 255 characters",
    "invalid_dimensions": "a directive's Dimensions is not an array of arrays of member names",
    "too_many_dimensions": "a dimension set names more than 30 dimensions",
    "missing_dimension_value": "a dimension set names a member the event does not have",
    "invalid_dimension_value": "a dimension value is not a 1-1024 character printable ASCII string",
    "invalid_metrics": "a directive's Metrics is not an array of {Name, Unit, StorageResolution} objects",
    "too_many_metrics": "a directive has more than 100 metrics",
    "invalid_unit": "a metric's Unit is not a CloudWatch unit",
    "invalid_storage_resolution": "a metric's StorageResolution is not 1 or 60",
    "missing_value": "a metric names a member the event does not have",
    "invalid_value": "a metric value is not a finite number or an array of numbers",
    "too_many_values": "a metric has more than 100 values",
}


class Rejected(Exception):
    """CloudWatch would refuse this event; ``reason`` is a key of :data:`REASONS`."""

    def __init__(self, reason: str) -> None:
        super().__init__(REASONS[reason])
        self.reason = reason


class Datapoint(NamedTuple):
    """Values of one metric at one time (epoch seconds), as CloudWatch would store them."""

    key: MetricKey
    timestamp: float
    values: list[float]
    high_resolution: bool
    unit: str


def _json() -> tuple[Callable[[str], Any], Callable[[Any], bytes | str]]:
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is in the fast extra
        import json

        return json.loads, lambda value: json.dumps(value, sort_keys=False)
    return orjson.loads, orjson.dumps


loads, dumps = _json()


def parse(message: str) -> dict[str, Any] | None:
    """The EMF document of a message, or None when the message is not EMF (no ``_aws``: a plain log line).

    Raises :class:`Rejected` for a message that has ``"_aws"`` but is not a valid JSON object.
    """
    if '"_aws"' not in message:
        return None
    try:
        doc = loads(message)
    except ValueError:
        raise Rejected("invalid_json") from None
    if not isinstance(doc, dict):
        raise Rejected("invalid_json")
    if "_aws" not in doc:
        return None
    if len(message) > MAX_EVENT_BYTES // 4 and len(message.encode("utf-8")) > MAX_EVENT_BYTES:
        raise Rejected("event_too_large")
    return doc


def extract(doc: dict[str, Any] | None, reference_ms: int | None = None) -> list[Datapoint]:
    """Every datapoint of an EMF document (see the module docstring); raises :class:`Rejected`.

    ``reference_ms`` is the event's ingestion time (epoch ms) when known: timestamps outside
    [reference - 14 days, reference + 2 hours] are refused as PutLogEvents refuses them.
    """
    return scan(doc, reference_ms)[1]


def scan(
    doc: dict[str, Any] | None,
    reference_ms: int | None = None,
    keep: Container[tuple[str, str, tuple[tuple[str, str], ...]]] | None = None,
) -> tuple[int, list[Datapoint]]:
    """Validate the whole document, then return (number of values it publishes, the datapoints of the metric keys
    in ``keep``, or of every metric when ``keep`` is None). Raises :class:`Rejected`."""
    if doc is None:
        return 0, []
    meta = doc["_aws"]
    if not isinstance(meta, dict) or not isinstance(meta.get("CloudWatchMetrics"), list):
        raise Rejected("invalid_metadata")
    stamp: Any = meta.get("Timestamp")
    if type(stamp) not in (int, float) or not math.isfinite(stamp) or stamp < 0:
        raise Rejected("invalid_timestamp")
    if reference_ms is not None:
        if stamp < reference_ms - TOO_OLD_MS:
            raise Rejected("timestamp_too_old")
        if stamp > reference_ms + TOO_NEW_MS:
            raise Rejected("timestamp_too_new")
    structure = _structure(meta["CloudWatchMetrics"])
    seconds = stamp / 1000.0
    count = 0
    out: list[Datapoint] = []
    for namespace, name_sets, metrics in structure:
        dimension_sets = [_dimension_values(doc, names) for names in name_sets]  # names: sorted, unique
        for name, unit, high in metrics:
            if name not in doc:
                raise Rejected("missing_value")
            values = _values(doc[name])
            count += len(values) * len(dimension_sets)
            for dims in dimension_sets:
                if keep is None or (namespace, name, dims) in keep:  # a MetricKey equals its plain tuple
                    out.append(Datapoint(MetricKey(namespace, name, dims), seconds, values, high, unit))
    return count, out


_Directive = tuple[str, list[list[str]], list[tuple[str, str, bool]]]
_STRUCTURES: dict[bytes | str, list[_Directive]] = {}  # checked CloudWatchMetrics, by their JSON text (bounded)
_VALID_VALUES: set[str] = set()  # dimension values already checked (bounded: cleared past 100,000)


def _structure(directives: list[Any]) -> list[_Directive]:
    """The checked directives (namespace, dimension name sets, metric definitions); cached by their JSON text,
    since every line of one emitter repeats the same ``CloudWatchMetrics``."""
    key = dumps(directives)
    found = _STRUCTURES.get(key)
    if found is None:
        found = [_directive(directive) for directive in directives]
        if len(_STRUCTURES) > 10_000:
            _STRUCTURES.clear()
        _STRUCTURES[key] = found
    return found


def _directive(directive: Any) -> _Directive:
    if not isinstance(directive, dict):
        raise Rejected("invalid_metadata")
    namespace = directive.get("Namespace")
    if type(namespace) is not str or not namespace.strip() or len(namespace) > MAX_NAMESPACE_LENGTH:
        raise Rejected("invalid_namespace")
    sets = directive.get("Dimensions", [])
    if type(sets) is not list or any(type(n) is not list or any(type(k) is not str for k in n) for n in sets):
        raise Rejected("invalid_dimensions")
    if any(len(names) > MAX_DIMENSIONS_PER_SET for names in sets):
        raise Rejected("too_many_dimensions")
    metrics = directive.get("Metrics")
    if not isinstance(metrics, list):
        raise Rejected("invalid_metrics")
    if len(metrics) > MAX_METRICS_PER_DIRECTIVE:
        raise Rejected("too_many_metrics")
    name_sets = [sorted(set(names)) for names in sets] or [[]]
    return namespace, name_sets, [_definition(definition) for definition in metrics]


def _dimension_values(doc: dict[str, Any], names: list[str]) -> tuple[tuple[str, str], ...]:
    pairs = tuple([(name, doc.get(name, _MISSING)) for name in names])
    for _, value in pairs:
        if type(value) is not str or value not in _VALID_VALUES:
            _check_dimension_value(value)
    return pairs


def _check_dimension_value(value: Any) -> None:
    if value is _MISSING:
        raise Rejected("missing_dimension_value")
    if (
        type(value) is not str
        or not value.strip()
        or len(value) > MAX_DIMENSION_VALUE_LENGTH
        or not (value.isascii() and value.isprintable())
    ):
        raise Rejected("invalid_dimension_value")
    if len(_VALID_VALUES) > 100_000:
        _VALID_VALUES.clear()
    _VALID_VALUES.add(value)


def _definition(definition: Any) -> tuple[str, str, bool]:
    if not isinstance(definition, dict) or type(definition.get("Name")) is not str or not definition["Name"]:
        raise Rejected("invalid_metrics")
    unit = definition.get("Unit", "None")
    if unit not in STANDARD_UNITS:
        raise Rejected("invalid_unit")
    resolution = definition.get("StorageResolution", 60)
    if type(resolution) is not int or resolution not in (1, 60):
        raise Rejected("invalid_storage_resolution")
    return definition["Name"], unit, resolution == 1


def _values(raw: Any) -> list[float]:
    kind = type(raw)
    if kind is int or kind is float:
        if not -MAX_ABS_VALUE <= raw <= MAX_ABS_VALUE:
            raise Rejected("invalid_value")
        return [raw]
    if kind is not list or not raw:
        raise Rejected("invalid_value")
    if len(raw) > MAX_VALUES_PER_METRIC:
        raise Rejected("too_many_values")
    if not _NUMERIC.issuperset(map(type, raw)) or min(raw) < -MAX_ABS_VALUE or max(raw) > MAX_ABS_VALUE:
        raise Rejected("invalid_value")
    values: list[float] = raw
    return values
