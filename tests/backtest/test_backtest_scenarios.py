"""The scenario library through ``vigil backtest``: the JSON contract, catalog coverage, and issue 10's acceptance
(extended by issue 18's fault classes) on the shipped catalog (stack prod): every P1 scenario pages within 5
minutes and every P2 within 15, exactly once, by the alarm named here; P3/P4 scenarios page nobody (token-spike excepted, see below); the normal week pages
nobody. When the alarms change, update EXPECTED and the README table (``python -m examples.scenarios.report``)."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from examples.scenarios.generate import generate, load_namespaces, write_scenario
from examples.scenarios.library import SCENARIOS, by_name
from examples.scenarios.report import Measured, markdown, measure
from vigil.backtest import ingest
from vigil.cli.main import main
from vigil.emulator.store import MetricStore

pytestmark = pytest.mark.slow

PREFIX = "vigil-prod-"
#: Most minutes from the start of the incident to its page, by expected severity (issue 10's acceptance).
PAGE_WITHIN = {"P1": 5, "P2": 15}
#: scenario -> the one alarm that pages for it (None: it must page nobody), and the alarm that must detect it.
EXPECTED: dict[str, tuple[str | None, str]] = {
    "api-5xx-burst": ("platform-down", "platform-down"),
    "api-total-outage": ("platform-down", "platform-down"),
    "latency-drift": ("api-slow", "api-slow"),
    # Issue 18: a dead worker ECS cannot replace is running < desired (worker-missing), inside jobs-failing; a hung
    # one is heartbeats < running over 10 minutes (worker-hung, P2), inside platform-degraded.
    "one-worker-dead": ("jobs-failing", "jobs-failing"),
    "one-worker-hung": ("platform-degraded", "platform-degraded"),
    "all-workers-dead": ("jobs-failing", "jobs-failing"),
    # 4x tokens is also $18 an hour of LLM spend: the cost alarm pages (P2) on a P3 incident, as it should.
    "token-spike": ("ai-cost", "token-spike"),
    "cost-runaway": ("ai-cost", "ai-cost"),
    # Issue 18: the backlog, error bursts and the smoke flow page through one P2 family, platform-degraded.
    "queue-backlog": ("platform-degraded", "platform-degraded"),
    "llm-auth-failures": ("jobs-failing", "jobs-failing"),
    "4xx-spike": (None, "elevated-4xx"),
    "websocket-storm": (None, "ws-connection-spike"),
    "patch-failures": ("jobs-failing", "jobs-failing"),
    "error-log-burst": ("platform-degraded", "platform-degraded"),
    # issue 18's fault classes
    "group-5xx": ("platform-down", "platform-down"),
    "p99-tail": ("api-slow", "api-slow"),
    "db-slow-20x": ("api-slow", "api-slow"),
    "pool-saturated": ("api-slow", "api-slow"),
    "jobs-stalled": ("jobs-failing", "jobs-failing"),
    "dashboard-gone": ("platform-down", "platform-down"),
    "websockets-closed": ("platform-down", "platform-down"),
    "half-traffic-lost": ("platform-down", "platform-down"),
    # Crash loops page through the P1 families (a loop drops work at every restart), within P2's 15 minutes: the
    # second restart is the first evidence that it is a loop.
    "api-crash-loop": ("platform-down", "platform-down"),
    "worker-crash-loop": ("jobs-failing", "jobs-failing"),
}


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Measured]:
    out = tmp_path_factory.mktemp("scenarios")
    return {row.scenario.name: row for row in measure(out, "prod")} | {"_dir": out}  # type: ignore[dict-item]


def test_every_scenario_has_an_expectation() -> None:
    assert {s.name for s in SCENARIOS if s.incident is not None} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_incident_is_caught_and_pages_once_in_time(measured: dict[str, Measured], name: str) -> None:
    pager, detector = EXPECTED[name]
    row = measured[name]
    (incident,) = row.result.incidents
    assert incident.mttd_s is not None, f"{name} is no longer detected"
    assert PREFIX + detector in incident.alarms, f"{name}: caught by {incident.alarms}"
    during = [p for p in row.result.pages if p.incident == name]
    assert row.result.false_pages == 0, [p.alarm for p in row.result.pages if p.incident is None]
    if pager is None:
        assert during == [], f"{name} pages {[p.alarm for p in during]}"
        return
    assert [p.alarm for p in during] == [PREFIX + pager]
    limit = PAGE_WITHIN.get(row.scenario.expected_severity or "", 15)
    assert during[0].time - incident.incident.start <= limit * 60, (
        f"{name}: paged after {during[0].time - incident.incident.start} s"
    )


def test_the_normal_week_pages_nobody(measured: dict[str, Measured]) -> None:
    week = measured["normal-week"].result
    assert week.incidents == []
    assert week.pages == []
    assert 6.9 < week.days <= 7
    assert week.pages_per_day == 0


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
        if key.metric == "error.total" or key.namespace == "ECS/ContainerInsights":
            continue  # from metric filters, and Container Insights' own EMF lines (an AWS namespace), not the app
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
