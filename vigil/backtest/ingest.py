"""Stream log files into a :class:`~vigil.emulator.store.MetricStore`: EMF metrics and metric-filter metrics.

Memory is bounded by the store (the samples of the metrics kept), not by the number of lines: files are read
one event at a time. With ``wanted`` (the metrics the stack's alarms read) only those metrics are stored; every
datapoint is still counted.

Example::

    >>> import tempfile, pathlib
    >>> from vigil.emulator.store import MetricStore
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "emf.log"
    >>> _ = path.write_text('{"_aws": {"Timestamp": 60000, "CloudWatchMetrics": [{"Namespace": "N", '
    ...                     '"Dimensions": [[]], "Metrics": [{"Name": "m"}]}]}, "m": 3}\\nnot json\\n')
    >>> store = MetricStore()
    >>> stats = ingest([path], store)
    >>> stats.read, stats.invalid, stats.datapoints, store.keys()[0].metric
    (2, 0, 1, 'm')
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vigil.backtest import emf
from vigil.backtest.filters import MetricFilters, event_time
from vigil.backtest.sources import read_events
from vigil.emulator.store import MetricKey, MetricStore

PROGRESS_EVERY = 200_000


@dataclass
class IngestStats:
    """What reading the logs found: events read, EMF events, refused events by reason, datapoints extracted."""

    read: int = 0
    emf_events: int = 0
    invalid: int = 0
    invalid_by_reason: Counter[str] = field(default_factory=Counter)
    datapoints: int = 0
    filter_datapoints: int = 0
    first: float | None = None
    last: float | None = None

    def seen(self, timestamp: float) -> None:
        """Widen the time range of the extracted data to ``timestamp``."""
        if self.first is None or timestamp < self.first:
            self.first = timestamp
        if self.last is None or timestamp > self.last:
            self.last = timestamp


def ingest(
    paths: Iterable[str | Path],
    store: MetricStore,
    *,
    filters: MetricFilters | None = None,
    wanted: set[MetricKey] | None = None,
    progress: Callable[[str], None] | None = None,
) -> IngestStats:
    """Read every file of ``paths`` into ``store`` (raises :class:`~.errors.LogReadError` on unreadable files)."""
    stats = IngestStats()
    add, parse, scan = store.add, emf.parse, emf.scan
    # EMF events need the filters only when they carry a `service` field or a filter takes events without one
    filter_emf = bool(filters and filters.without_dimensions)
    for path in paths:
        for event in read_events(path):
            stats.read += 1
            if progress is not None and stats.read % PROGRESS_EVERY == 0:
                progress(f"read {stats.read:,} log events ({stats.datapoints:,} datapoints)")
            message = event.message
            try:
                doc = parse(message)
                if doc is not None:
                    reference = event.ingestion_ms if event.ingestion_ms is not None else event.timestamp_ms
                    count, points = scan(doc, reference, wanted)
            except emf.Rejected as rejected:
                stats.invalid += 1
                stats.invalid_by_reason[rejected.reason] += 1
                continue
            if doc is not None:
                stats.emf_events += 1
                stats.datapoints += count
                for point in points:
                    add(
                        point.key, point.timestamp, point.values, high_resolution=point.high_resolution, unit=point.unit
                    )
                if points:
                    stats.seen(points[0].timestamp)
                if not (filter_emf or "service" in doc):
                    continue
            if filters:
                _apply_filters(message, doc, event.timestamp_ms, filters, store, wanted, stats)
    return stats


def _apply_filters(
    message: str,
    doc: dict[str, Any] | None,
    timestamp_ms: int | None,
    filters: MetricFilters,
    store: MetricStore,
    wanted: set[MetricKey] | None,
    stats: IngestStats,
) -> None:
    if doc is None:
        if not message.startswith("{"):
            return
        try:
            parsed = emf.loads(message)
        except ValueError:
            return
        if not isinstance(parsed, dict):
            return
        doc = parsed
    if not filters.candidates(doc):
        return
    if timestamp_ms is not None:
        when: float | None = timestamp_ms / 1000.0
    else:
        when = event_time(doc)
        if when is None and isinstance(doc.get("_aws"), dict):
            stamp = doc["_aws"].get("Timestamp")
            when = stamp / 1000.0 if type(stamp) in (int, float) else None
    if when is None:
        return
    for key, at, value in filters.apply(doc, when):
        stats.datapoints += 1
        stats.filter_datapoints += 1
        stats.seen(at)
        if wanted is None or key in wanted:
            store.add(key, at, value)
