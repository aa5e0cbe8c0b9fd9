"""``vigil backtest`` as a user runs it: text and JSON output, located input errors (exit 2), plots; and the
definitions the report rests on (what pages, which incident a page belongs to)."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from examples.scenarios.generate import generate
from vigil.backtest import IncidentsError, load_incidents
from vigil.backtest.incidents import Incident
from vigil.backtest.ingest import IngestStats
from vigil.backtest.report import build_result
from vigil.cli.main import main
from vigil.emulator.notifications import is_paging_subscription, pages_someone
from vigil.emulator.timeline import AlarmTimeline, Evaluation, Transition
from vigil.plan.types import KmsKeyPlan, RoutingPlan, SubscriptionPlan, TopicPlan
from vigil.spec.models.common import Severity


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["backtest", *argv])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def storm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("storm")
    generate(out, ["websocket-storm"])
    return out


@pytest.mark.slow
def test_text_report_states_the_facts(storm: Path) -> None:
    code, out, err = run(
        "--stack",
        "prod",
        "--logs",
        str(storm / "websocket-storm.log.gz"),
        "--incidents",
        str(storm / "websocket-storm.incidents.yaml"),
    )
    assert code == 0, err
    assert "Backtest 2026-01-06T10:00:00Z .. " in out  # from the first datapoint
    assert "refused by CloudWatch rules: 0" in out
    assert (
        "websocket-storm (2026-01-06T14:00:00Z .. 2026-01-06T14:10:00Z): detected after 2 min by vigil-prod-ws-connection-spike"
        in out
    )
    assert "Pages: 0 (0 outside any incident, 0.0 per day)" in out
    assert "P3 vigil-prod-ws-connection-spike: 1 time(s), first at 2026-01-06T14:02:00Z" in out
    assert "vigil backtest: read " in err  # progress on stderr, not in the report


@pytest.mark.slow
def test_from_and_to_limit_the_evaluation(storm: Path) -> None:
    code, out, _ = run(
        "--stack",
        "prod",
        "--logs",
        str(storm / "websocket-storm.log.gz"),
        "--format",
        "json",
        "--from",
        "2026-01-06T13:00:00Z",
        "--to",
        "2026-01-06T14:01:00Z",
    )
    data = json.loads(out)
    assert data["range"] == {"start": "2026-01-06T13:00:00Z", "end": "2026-01-06T14:01:00Z"}
    storm_alarm = next(a for a in data["alarms"] if a["name"] == "vigil-prod-ws-connection-spike")
    assert all(t["to"] != "ALARM" for t in storm_alarm["transitions"])  # the storm is only 1 minute old at 14:01
    assert code == 0


@pytest.mark.slow
def test_plots_are_written(storm: Path, tmp_path: Path) -> None:
    code, _, err = run(
        "--stack",
        "prod",
        "--logs",
        str(storm / "websocket-storm.log.gz"),
        "--incidents",
        str(storm / "websocket-storm.incidents.yaml"),
        "--plot",
        str(tmp_path / "plots"),
    )
    assert code == 0, err
    pictures = sorted(p.name for p in (tmp_path / "plots").glob("*.png"))
    assert "vigil-prod-ws-connection-spike.png" in pictures
    assert "vigil-prod-platform-down.png" in pictures  # composites too
    assert len(pictures) >= 30
    page = (tmp_path / "plots" / "index.html").read_text()
    assert "<img src='vigil-prod-ws-connection-spike.png'" in page
    assert "websocket-storm" in page
    header = (tmp_path / "plots" / "vigil-prod-ws-connection-spike.png").read_bytes()[:8]
    assert header == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: x\n", "incidents.yaml:1: the file must be a YAML list"),
        ("- {name: a, start: 2026-01-05T00:00:00Z}\n", "incidents.yaml:1: [0].end: missing"),
        ("- {name: a, start: soon, end: 2026-01-05T00:00:00Z}\n", "incidents.yaml:1: [0].start: 'soon' is not a time"),
        (
            "- name: a\n  start: 2026-01-05T01:00:00Z\n  end: 2026-01-05T00:00:00Z\n",
            "incidents.yaml:3: [0].end: is before start",
        ),
        ("- {name: a, start: 1, end: 2, owner: me}\n", "incidents.yaml:1: [0].owner: unknown key"),
        ("- {name: a, start: 1, end: 2}\n- {name: a, start: 1, end: 2}\n", "incidents.yaml:2: [1].name: duplicate"),
        ("- [a\n", "incidents.yaml:2: not valid YAML"),
    ],
)
def test_bad_incidents_files_are_located_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "incidents.yaml"
    path.write_text(text)
    with pytest.raises(IncidentsError) as raised:
        load_incidents(path)
    assert message in str(raised.value)
    log = tmp_path / "a.log"
    log.write_text("plain\n")
    code, _, err = run("--logs", str(log), "--incidents", str(path))
    assert code == 2
    assert message in err


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    code, _, err = run("--stack", "prod")
    assert (code, "say what to replay: --logs PATH... or --from-cloudwatch" in err) == (2, True)
    code, _, err = run("--logs", str(tmp_path / "nope.log"))
    assert (code, "nope.log: cannot read the log file" in err) == (2, True)
    log = tmp_path / "a.log"
    log.write_text("plain text only\n")
    code, _, err = run("--logs", str(log))
    assert (code, "the logs contain no metric the stack's alarms read" in err) == (2, True)
    code, _, err = run("--logs", str(log), "--since", "14d")
    assert (code, "--since only applies to --from-cloudwatch" in err) == (2, True)
    code, _, err = run("--logs", str(log), "--from", "tuesday")
    assert (code, "--from 'tuesday' is not a time" in err) == (2, True)


def topic(severity: Severity, *kinds: str, alarm_actions: bool = True) -> TopicPlan:
    subscriptions = tuple(SubscriptionPlan(kind, "https", f"{kind}_key", False) for kind in kinds)
    return TopicPlan(severity, f"t-{severity}", "arn", "{}", subscriptions, alarm_actions, True, False)


def test_paging_means_pagerduty_or_sms_on_a_topic_with_alarm_actions() -> None:
    assert is_paging_subscription(SubscriptionPlan("sms", "sms", "phone", False))
    assert not is_paging_subscription(SubscriptionPlan("email", "email", "mail", False))
    routing = RoutingPlan(
        KmsKeyPlan("alias/x", "", "{}"),
        (
            topic(Severity.P1, "email", "pagerduty"),
            topic(Severity.P2, "sms"),
            topic(Severity.P3, "email", "webhook"),
            topic(Severity.P4, "pagerduty", alarm_actions=False),
        ),
    )
    assert [pages_someone(routing, s) for s in Severity] == [True, True, False, False]
    assert not pages_someone(routing, None)
    assert not pages_someone(RoutingPlan(KmsKeyPlan("a", "", "{}"), ()), Severity.P1)


def timeline(name: str, severity: str, *changes: tuple[int, str]) -> AlarmTimeline:
    tl = AlarmTimeline(name, "static", severity)
    state = "OK"
    for time, new in changes:
        tl.transitions.append(Transition(time, state, new, ""))  # type: ignore[arg-type]
        state = new
    return tl


def test_pages_belong_to_the_incident_whose_window_holds_them() -> None:
    evaluation = Evaluation(0, 86400)
    evaluation.timelines = {
        "pager": timeline("pager", "P1", (100, "ALARM"), (200, "OK"), (5000, "ALARM")),
        "quiet": timeline("quiet", "P3", (90, "ALARM")),
        "late": timeline("late", "P1", (1001, "ALARM")),
    }
    incidents = [Incident("first", 60, 1000), Incident("missed", 2000, 3000)]
    result = build_result(evaluation, IngestStats(), incidents, paging={"pager", "late"})
    assert [(p.alarm, p.time, p.incident) for p in result.pages] == [
        ("pager", 100, "first"),
        ("late", 1001, None),  # one second after the window: a false page
        ("pager", 5000, None),
    ]
    assert result.false_pages == 2
    assert result.pages_per_day == 3.0
    first, missed = result.incidents
    assert (first.detected_at, first.mttd_s, first.alarms) == (90, 30, ["quiet", "pager"])  # any alarm detects
    assert (missed.detected_at, missed.mttd_s, missed.alarms) == (None, None, [])
    data = result.to_json()
    assert data["incidents"][1] == {
        "name": "missed",
        "start": "1970-01-01T00:33:20Z",
        "end": "1970-01-01T00:50:00Z",
        "detected_at": None,
        "mttd_s": None,
        "alarms": [],
    }


def test_only_alarms_that_notify_someone_detect_an_incident() -> None:
    evaluation = Evaluation(0, 86400)
    evaluation.timelines = {
        "slo-half": timeline("slo-half", "P1", (70, "ALARM")),  # half of a burn-rate pair: no actions
        "ticket": timeline("ticket", "P3", (130, "ALARM")),
    }
    result = build_result(evaluation, IngestStats(), [Incident("i", 60, 600)], paging=set(), notifying={"ticket"})
    (found,) = result.incidents
    assert (found.detected_at, found.mttd_s, found.alarms) == (130, 70, ["ticket"])
    assert result.pages == []
