"""The scenario library through ``vigil backtest``: the JSON contract, catalog coverage, and what the CURRENT
catalog detects (a measurement: when the alarms change, update EXPECTED with the new truth and the README table,
``python -m examples.scenarios.report``)."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from examples.scenarios.generate import generate, load_namespaces, write_scenario
from examples.scenarios.library import SCENARIOS, by_name
from examples.scenarios.report import Measured, markdown, measure
from vigil.cli.main import main
from vigil.evaluate.backtest import ingest
from vigil.evaluate.store import MetricStore

pytestmark = pytest.mark.slow

#: scenario -> (alarms that must be among those that caught it, or None when the catalog misses it; max minutes)
EXPECTED: dict[str, tuple[set[str] | None, int]] = {
    "api-5xx-burst": ({"api-error-rate-5m", "api-availability-burn-5m-1h"}, 6),
    "api-total-outage": (None, 0),  # nothing app-emitted can see a dead process (issue 10)
    "latency-drift": ({"api-latency-anomaly", "api-latency-p95"}, 30),
    "one-worker-dead": (None, 0),  # worker-down fires only when every heartbeat stops (issue 10)
    "all-workers-dead": ({"worker-down"}, 5),
    "token-spike": ({"token-spike"}, 20),
    "cost-runaway": ({"ai-cost"}, 60),
    "queue-backlog": ({"queue-backlog"}, 15),
    "llm-auth-failures": ({"llm-auth-failures"}, 10),
    "4xx-spike": ({"elevated-4xx"}, 20),
    "websocket-storm": ({"ws-connection-spike"}, 5),
    "patch-failures": ({"patch-failure-rate"}, 20),
    "error-log-burst": (None, 0),  # the filter wants level "error", the formatter writes "ERROR" (issue 10)
}
NORMAL_WEEK_PAGERS = {"job-failure-rate", "patch-failure-rate"}  # ratio alarms without a volume guard (issue 10)


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Measured]:
    out = tmp_path_factory.mktemp("scenarios")
    return {row.scenario.name: row for row in measure(out, "prod")} | {"_dir": out}  # type: ignore[dict-item]


def test_every_scenario_has_an_expectation() -> None:
    assert {s.name for s in SCENARIOS if s.incident is not None} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_detection_as_measured_on_the_current_catalog(measured: dict[str, Measured], name: str) -> None:
    alarms, minutes = EXPECTED[name]
    row = measured[name]
    (incident,) = row.result.incidents
    if alarms is None:
        assert incident.detected_at is None, f"{name} is now detected by {incident.alarms}: update EXPECTED"
        return
    assert incident.mttd_s is not None, f"{name} is no longer detected"
    assert 0 <= incident.mttd_s <= minutes * 60
    assert alarms & set(incident.alarms), f"{name}: caught by {incident.alarms}"


def test_normal_week_pages_only_from_the_unguarded_ratio_alarms(measured: dict[str, Measured]) -> None:
    week = measured["normal-week"].result
    assert week.incidents == []
    assert week.pages, "the normal week no longer pages: update this test and the README"
    assert {p.alarm for p in week.pages} <= NORMAL_WEEK_PAGERS
    assert week.false_pages == len(week.pages)
    assert 6.9 < week.days <= 7
    assert week.pages_per_day == round(len(week.pages) / week.days, 3)


def test_json_contract_on_every_scenario(measured: dict[str, Measured]) -> None:
    for name, row in measured.items():
        if name == "_dir":
            continue
        data = json.loads(json.dumps(row.result.to_json()))
        assert set(data) >= {"lines", "alarms", "incidents", "pages", "false_pages", "pages_per_day"}
        assert set(data["lines"]) >= {"read", "invalid", "datapoints"}
        assert data["lines"]["invalid"] == 0
        for alarm in data["alarms"]:
            assert set(alarm) >= {"name", "severity", "transitions"}
            for tr in alarm["transitions"]:
                assert set(tr) == {"time", "from", "to"}
        for incident in data["incidents"]:
            assert set(incident) == {"name", "start", "end", "detected_at", "mttd_s", "alarms"}
            assert (incident["detected_at"] is None) == (incident["mttd_s"] is None)
        for page in data["pages"]:
            assert set(page) == {"alarm", "severity", "time", "incident"}
        assert data["false_pages"] == sum(1 for p in data["pages"] if p["incident"] is None)


def test_cli_json_matches_the_library_and_exit_code(measured: dict[str, Measured]) -> None:
    folder: Path = measured["_dir"]  # type: ignore[assignment]
    out = io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(
            [
                "backtest",
                "--stack",
                "prod",
                "--format",
                "json",
                "--logs",
                str(folder / "queue-backlog.log.gz"),
                "--incidents",
                str(folder / "queue-backlog.incidents.yaml"),
            ]
        )
    data = json.loads(out.getvalue())
    assert data == json.loads(json.dumps(measured["queue-backlog"].result.to_json()))
    assert code == 0  # detected, and no page outside the incident


def test_markdown_table_names_every_scenario(measured: dict[str, Measured]) -> None:
    rows = [row for name, row in measured.items() if name != "_dir"]
    table = markdown(rows)
    for name in EXPECTED:
        assert f"| {name}: " in table
    assert "**missed**" in table
    assert "Normal week (7.0 days evaluated)" in table


def test_every_emitted_metric_is_declared_in_the_catalog(tmp_path: Path) -> None:
    namespaces = load_namespaces()
    scenario = by_name("llm-auth-failures")  # the incident that emits the most distinct metrics
    path = tmp_path / "s.log.gz"
    with gzip.open(path, "wt") as stream:
        assert write_scenario(scenario, stream, namespaces) == {}  # the catalog-bound loggers refused nothing
    store = MetricStore()
    stats = ingest([path], store)
    assert stats.invalid == 0
    for key in store.keys():  # noqa: SIM118 (a MetricStore is not a dict)
        if key.metric == "error.total":
            continue  # from metric filters, not EMF
        spec = namespaces[key.namespace]
        metric = spec.metrics[key.metric]
        declared = [frozenset(spec.dimension_sets[s]) for s in metric.dimension_sets]
        assert frozenset(k for k, _ in key.dimensions) in declared, key.label()
        assert store.unit(key) == metric.unit, key.label()


def test_generation_is_deterministic(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", ["websocket-storm"])[0]
    second = generate(tmp_path / "b", ["websocket-storm"])[0]
    with gzip.open(first, "rt") as a, gzip.open(second, "rt") as b:
        assert a.read() == b.read()
