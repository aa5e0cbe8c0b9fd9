"""Reading log files as CloudWatch Logs holds them: plain lines, JSON lines, exports, gzip; metric filters."""

from __future__ import annotations

import gzip
import json
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.backtest.errors import BacktestError, LogReadError
from vigil.backtest.filters import MetricFilters, compile_json_pattern, event_time
from vigil.backtest.ingest import ingest
from vigil.backtest.sources import read_events
from vigil.emulator.store import MetricKey, MetricStore
from vigil.plan.types import MetricFilterPlan, NamespacePlan

T0 = 1_767_571_200_000


def emf_line(ts_ms: int, value: float = 1.0) -> str:
    return json.dumps(
        {
            "_aws": {
                "Timestamp": ts_ms,
                "CloudWatchMetrics": [{"Namespace": "N", "Dimensions": [["Service"]], "Metrics": [{"Name": "m"}]}],
            },
            "Service": "api",
            "m": value,
        }
    )


def export_event(message: str, ts_ms: int, ingestion_ms: int | None = None) -> dict[str, object]:
    return {
        "logStreamName": "s",
        "timestamp": ts_ms,
        "message": message,
        "ingestionTime": ingestion_ms if ingestion_ms is not None else ts_ms + 500,
        "eventId": "1",
    }


def test_plain_and_gzipped_files_give_the_same_events(tmp_path: Path) -> None:
    text = emf_line(T0) + "\n\nplain text line\n" + emf_line(T0 + 60_000) + "\n"
    (tmp_path / "a.log").write_text(text)
    with gzip.open(tmp_path / "a.txt", "wt") as handle:  # gzip recognised by content, not name
        handle.write(text)
    plain = [(e.message, e.line) for e in read_events(tmp_path / "a.log")]
    zipped = [(e.message, e.line) for e in read_events(tmp_path / "a.txt")]
    assert plain == zipped
    assert [line for _, line in plain] == [1, 3, 4]


def test_filter_log_events_export_document(tmp_path: Path) -> None:
    events = [export_event(emf_line(T0 + i * 60_000), T0 + i * 60_000) for i in range(3)]
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"events": events, "searchedLogStreams": [], "nextToken": "x"}, indent=4))
    read = list(read_events(path))
    assert [e.timestamp_ms for e in read] == [T0, T0 + 60_000, T0 + 120_000]
    assert all(e.ingestion_ms == e.timestamp_ms + 500 for e in read if e.timestamp_ms is not None)
    assert read[0].message == events[0]["message"]


def test_export_as_json_array_and_as_json_lines(tmp_path: Path) -> None:
    events = [export_event(f"line {i}", T0 + i) for i in range(3)]
    (tmp_path / "array.json").write_text(json.dumps(events))
    (tmp_path / "lines.json").write_text("\n".join(json.dumps(e) for e in events))
    for name in ("array.json", "lines.json"):
        assert [e.message for e in read_events(tmp_path / name)] == ["line 0", "line 1", "line 2"]


def test_export_is_read_incrementally(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with path.open("w") as handle:
        handle.write('{"events": [\n')
        handle.write(",\n".join(json.dumps(export_event("x" * 200, T0 + i)) for i in range(40_000)))
        handle.write("\n]}\n")
    assert path.stat().st_size > 10_000_000
    tracemalloc.start()
    count = sum(1 for _ in read_events(path))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 40_000
    assert peak < 2_000_000  # a few chunks, not the 10 MB file


@settings(max_examples=30, deadline=None)
@given(messages=st.lists(st.text(min_size=1, max_size=40).filter(lambda s: s.strip() and "\r" not in s), max_size=30))
def test_any_export_round_trips(tmp_path_factory: pytest.TempPathFactory, messages: list[str]) -> None:
    path = tmp_path_factory.mktemp("exports") / "export.json"
    path.write_text(json.dumps({"events": [export_event(m, T0 + i) for i, m in enumerate(messages)]}, indent=1))
    assert [e.message for e in read_events(path)] == [m.rstrip("\r\n") for m in messages]


def test_unreadable_inputs_are_located_errors(tmp_path: Path) -> None:
    with pytest.raises(LogReadError, match=r"missing\.log: cannot read the log file"):
        list(read_events(tmp_path / "missing.log"))
    with pytest.raises(LogReadError, match="is a directory"):
        list(read_events(tmp_path))
    broken = tmp_path / "broken.gz"
    lines = "".join(emf_line(T0 + i, i) + "\n" for i in range(2000)).encode()
    broken.write_bytes(gzip.compress(lines)[:2000])
    with pytest.raises(LogReadError, match="truncated"):
        list(read_events(broken))
    cut = tmp_path / "cut.json"
    cut.write_text('{"events": [{"timestamp": 1, "message": "a", "eventId": "1"}, {"timestamp": 2, "mess')
    with pytest.raises(LogReadError, match="event 1 of the export is not valid JSON"):
        list(read_events(cut))


def test_ingest_counts_refusals_by_reason_and_applies_the_ingestion_window(tmp_path: Path) -> None:
    day = 86_400_000
    events = [
        export_event(emf_line(T0), T0),
        export_event(emf_line(T0 - 15 * day), T0 - 15 * day, ingestion_ms=T0),  # older than 14 days at ingestion
        export_event(emf_line(T0 + 3 * 3_600_000), T0, ingestion_ms=T0),  # more than 2 h in the future
        export_event('{"_aws": broken', T0),
        export_event("plain", T0),
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"events": events}))
    store = MetricStore()
    stats = ingest([path], store)
    assert (stats.read, stats.emf_events, stats.invalid, stats.datapoints) == (5, 1, 3, 1)
    assert dict(stats.invalid_by_reason) == {"timestamp_too_old": 1, "timestamp_too_new": 1, "invalid_json": 1}
    assert store.keys() == [MetricKey.of("N", "m", {"Service": "api"})]


def test_ingest_keeps_only_wanted_metrics_but_counts_all(tmp_path: Path) -> None:
    path = tmp_path / "a.log"
    path.write_text("\n".join(emf_line(T0 + i * 1000, i) for i in range(10)))
    store = MetricStore()
    stats = ingest([path], store, wanted={MetricKey.of("N", "other", {})})
    assert stats.datapoints == 10
    assert store.keys() == []


@pytest.mark.parametrize(
    ("pattern", "event", "matches"),
    [
        ('{ $.level = "error" }', {"level": "error"}, True),
        ('{ $.level = "error" }', {"level": "ERROR"}, False),  # filter patterns are case-sensitive
        ('{ $.level = "err*" }', {"level": "error"}, True),
        ('{ $.level != "error" }', {"level": "info"}, True),
        ('{ $.level != "error" }', {}, False),
        ('{ $.event = "auth.login" && $.outcome = "failure" }', {"event": "auth.login", "outcome": "failure"}, True),
        ('{ $.event = "auth.login" && $.outcome = "failure" }', {"event": "auth.login", "outcome": "success"}, False),
        ("{ ($.a = 1 || $.b = 2) && $.c > 3 }", {"b": 2, "c": 4}, True),
        ("{ $.latency >= 100 }", {"latency": 100}, True),
        ("{ $.latency < 100 }", {"latency": "50"}, False),
        ("{ $.user.id = 7 }", {"user": {"id": 7}}, True),
        ("{ $.items[1] = 3 }", {"items": [1, 3]}, True),
        ("{ $.x IS NULL }", {"x": None}, True),
        ("{ $.x NOT EXISTS }", {"y": 1}, True),
        ("{ $.ok IS TRUE }", {"ok": True}, True),
    ],
)
def test_json_pattern_subset(pattern: str, event: dict[str, object], matches: bool) -> None:
    assert compile_json_pattern(pattern).match(event) is matches


@pytest.mark.parametrize("pattern", ["ERROR", '{ $.a = "x" ', "{ level = 1 }", '{ $.a > "x" }', "{ $.a ~ 1 }"])
def test_unsupported_patterns_are_errors(pattern: str) -> None:
    with pytest.raises(BacktestError, match="metric filter pattern"):
        compile_json_pattern(pattern)


def namespace(service: str, *filters: MetricFilterPlan) -> NamespacePlan:
    return NamespacePlan(f"Vigil/{service}", service, None, filters, (), "{}", None)


def test_metric_filters_route_by_service_and_read_dimensions() -> None:
    error_total = MetricFilterPlan(
        "error-total",
        "/vigil/api",
        '{ $.level = "error" }',
        "error.total",
        "Vigil/api",
        "1",
        None,
        {"Service": "$.service", "Environment": "$.environment"},
    )
    worker_total = MetricFilterPlan(
        "error-total", "/vigil/worker", '{ $.level = "error" }', "error.total", "Vigil/worker", "$.count", 0.0
    )
    filters = MetricFilters([namespace("api", error_total), namespace("worker", worker_total)])
    line = {"level": "error", "service": "api", "environment": "prod"}
    assert filters.apply(line, 60.0) == [
        (MetricKey.of("Vigil/api", "error.total", {"Service": "api", "Environment": "prod"}), 60.0, 1.0)
    ]
    assert filters.apply({"level": "error", "service": "api"}, 60.0) == []  # no Environment field: nothing
    assert filters.apply({"level": "info", "service": "worker"}, 1.0) == [
        (MetricKey.of("Vigil/worker", "error.total", {}), 1.0, 0.0)  # default value for a non-matching event
    ]
    assert filters.apply({"level": "error", "service": "worker", "count": 4}, 1.0)[0][2] == 4.0


def test_event_time_of_json_log_lines() -> None:
    assert event_time({"timestamp": "2026-01-05T00:00:01.500Z"}) == T0 / 1000 + 1.5
    assert event_time({"timestamp": "2026-01-05T00:00:01"}) == T0 / 1000 + 1
    assert event_time({"timestamp": T0}) == T0 / 1000
    assert event_time({"timestamp": "yesterday"}) is None
