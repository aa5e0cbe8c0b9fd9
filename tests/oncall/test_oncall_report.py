"""``vigil oncall-report``: the numbers from transitions (hand-checked and a property), DescribeAlarmHistory through
a botocore Stubber (pagination, throttling, other alarms), the CLI against moto's server (which does not serve alarm
history: the command must say so), and located errors for bad arguments."""

from __future__ import annotations

import argparse
import io
import json
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.stub import Stubber
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.backtest.incidents import Incident
from vigil.cli import oncall
from vigil.cli.main import build_parser, main
from vigil.oncall import HistoryFetchError, Transition, fetch_transitions, make_client, summarise
from vigil.oncall.history import MAX_ATTEMPTS

PAGING = "vigil-prod-api-slow"  # pages (P1/P2 routing)
WARNING = "vigil-prod-api-latency-p95-warning"  # notifies, does not page
START = int(datetime(2026, 1, 5, tzinfo=UTC).timestamp())
END = START + 14 * 86400


def item(alarm: str, seconds: int, old: str, new: str) -> dict[str, Any]:
    data = {"version": "1.0", "oldState": {"stateValue": old}, "newState": {"stateValue": new}}
    return {
        "AlarmName": alarm,
        "AlarmType": "MetricAlarm",
        "Timestamp": datetime.fromtimestamp(seconds, UTC),
        "HistoryItemType": "StateUpdate",
        "HistorySummary": f"Alarm updated from {old} to {new}",
        "HistoryData": json.dumps(data),
    }


def stub_client() -> tuple[Any, Stubber]:
    client = make_client("us-east-1", "http://127.0.0.1:9")
    return client, Stubber(client)


def test_numbers_of_a_fortnight() -> None:
    t = [
        Transition(PAGING, START + 3600, "OK", "ALARM"),
        Transition(PAGING, START + 3600 + 900, "ALARM", "OK"),
        Transition(PAGING, START + 3600 + 1800, "OK", "ALARM"),  # back within the hour: a re-entry
        Transition(PAGING, START + 3600 + 2100, "ALARM", "OK"),
        Transition(WARNING, START + 86400, "OK", "ALARM"),
        Transition(WARNING, START + 86400 + 600, "ALARM", "INSUFFICIENT_DATA"),  # left ALARM, not recovered
    ]
    incidents = [Incident("slow api", START + 3000, START + 4000), Incident("quiet", START + 5 * 86400, END)]
    report = summarise(
        t,
        start=START,
        end=END,
        paging={PAGING},
        notifying={PAGING, WARNING},
        names={PAGING, WARNING},
        incidents=incidents,
    )
    assert report.pages == 2
    assert report.pages_per_week == 1.0
    assert report.alarms[PAGING].recoveries == [900, 300]
    assert report.alarms[PAGING].reentries == 1
    assert report.alarms[WARNING].seconds_in_alarm == 600
    assert report.alarms[WARNING].mttr_s is None
    assert report.mttr_s == 600.0
    assert [a.name for a in report.flapping()] == [PAGING]
    assert [a.name for a in report.noisiest()] == [PAGING, WARNING]
    assert [d.mttd_s for d in report.incidents] == [600, None]
    assert report.false_pages == 1  # the second page came after the incident ended
    assert report.to_json()["page_precision"] == 0.5


def test_an_episode_open_at_the_start_counts_time_not_mttr() -> None:
    t = [Transition(PAGING, START + 600, "ALARM", "OK")]
    report = summarise(t, start=START, end=END, paging={PAGING}, notifying={PAGING}, names={PAGING})
    assert report.alarms[PAGING].seconds_in_alarm == 600
    assert report.alarms[PAGING].recoveries == []
    assert report.pages == 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 86400), st.sampled_from(["OK", "ALARM", "INSUFFICIENT_DATA"])), max_size=30))
def test_time_in_alarm_fits_the_period_and_recoveries_follow_alarms(steps: list[tuple[int, str]]) -> None:
    transitions, state = [], "OK"
    for offset, new in sorted(steps):
        if new != state:
            transitions.append(Transition("a", START + offset, state, new))
            state = new
    report = summarise(transitions, start=START, end=START + 86400, paging={"a"}, notifying={"a"}, names={"a"})
    health = report.alarms["a"]
    assert 0 <= health.seconds_in_alarm <= 86400
    assert len(health.recoveries) <= health.alarms == report.pages
    assert health.reentries <= max(0, health.alarms - 1)


def test_history_is_paginated_filtered_and_throttling_retried() -> None:
    client, stubber = stub_client()
    sleeps: list[float] = []
    stubber.add_client_error("describe_alarm_history", "Throttling", "Rate exceeded", 400)
    stubber.add_response(
        "describe_alarm_history",
        {
            "AlarmHistoryItems": [
                item(PAGING, START + 60, "OK", "ALARM"),
                item("other-team", START + 61, "OK", "ALARM"),
            ],
            "NextToken": "page-2",
        },
    )
    expected = {"HistoryItemType": "StateUpdate", "MaxRecords": 100, "NextToken": "page-2"}
    stubber.add_response(
        "describe_alarm_history",
        {"AlarmHistoryItems": [item(PAGING, START + 360, "ALARM", "OK"), {"AlarmName": PAGING, "HistoryData": "?"}]},
        {
            **expected,
            "AlarmTypes": ["MetricAlarm", "CompositeAlarm"],
            "ScanBy": "TimestampAscending",
            "StartDate": datetime.fromtimestamp(START, UTC),
            "EndDate": datetime.fromtimestamp(END, UTC),
        },
    )
    with stubber:
        history = fetch_transitions(client, {PAGING}, START, END, sleep=sleeps.append)
    assert [(t.old, t.new) for t in history.transitions] == [("OK", "ALARM"), ("ALARM", "OK")]
    assert (history.calls, history.other_alarms, history.unreadable, len(sleeps)) == (2, 1, 1, 1)


def test_throttled_for_ever_and_denied_say_so() -> None:
    client, stubber = stub_client()
    for _ in range(MAX_ATTEMPTS):
        stubber.add_client_error("describe_alarm_history", "Throttling", "Rate exceeded", 400)
    with stubber, pytest.raises(HistoryFetchError, match="still throttled"):
        fetch_transitions(client, {PAGING}, START, END, sleep=lambda _: None)
    client, stubber = stub_client()
    stubber.add_client_error("describe_alarm_history", "AccessDenied", "no", 403)
    with stubber, pytest.raises(HistoryFetchError, match="cloudwatch:DescribeAlarmHistory scoped to"):
        fetch_transitions(client, {PAGING}, START, END)


def run_cli(argv: list[str], client: Any = None) -> tuple[int, str, str]:
    args = build_parser().parse_args(["oncall-report", *argv])
    out, err = io.StringIO(), io.StringIO()
    code = oncall.run(args, out, err, client=client)
    return code, out.getvalue(), err.getvalue()


def test_cli_json_over_the_prod_plan(tmp_path: Any) -> None:
    client, stubber = stub_client()
    stubber.add_response(
        "describe_alarm_history",
        {"AlarmHistoryItems": [item(PAGING, START + 600, "OK", "ALARM"), item(PAGING, START + 1200, "ALARM", "OK")]},
    )
    incidents = tmp_path / "incidents.yaml"
    incidents.write_text("- {name: slow, start: 2026-01-05T00:05:00Z, end: 2026-01-05T01:00:00Z}\n")
    argv = ["--stack", "prod", "--from", "2026-01-05T00:00:00Z", "--to", "2026-01-19T00:00:00Z", "--format", "json"]
    with stubber:
        code, out, _ = run_cli([*argv, "--incidents", str(incidents)], client)
    report = json.loads(out)
    assert code == 0
    assert report["pages"] == 1
    assert report["pages_per_week"] == 0.5
    assert report["mttr_s"] == 600.0
    assert report["mttd_s"] == 300.0
    assert report["false_pages"] == 0
    assert len(report["alarms"]) == 64  # every alarm of the prod plan, fired or not


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--since", "7x"], "--since: cannot read duration '7x'"),
        (["--from", "yesterday"], "--from 'yesterday' is not a time"),
        (["--since", "1d", "--from", "2026-01-01"], "pass one of them"),
        (["--from", "2026-01-02", "--to", "2026-01-01"], "starts at or after it ends"),
    ],
)
def test_bad_arguments_are_named(argv: list[str], message: str) -> None:
    code, _, err = run_cli(["--stack", "prod", *argv])
    assert code == 2
    assert message in err


def test_bad_incidents_file_is_located(tmp_path: Any) -> None:
    bad = tmp_path / "incidents.yaml"
    bad.write_text("- {name: x, start: soon, end: 2026-01-01}\n")
    code, _, err = run_cli(["--stack", "prod", "--incidents", str(bad)])
    assert code == 2
    assert f"{bad}:1: [0].start: 'soon' is not a time" in err


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    yield f"http://127.0.0.1:{server._server.server_port}"
    server.stop()


@pytest.mark.integration
def test_against_moto_the_missing_history_call_is_reported(
    moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(key, value)
    urllib.request.urlopen(urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")).close()
    cw = make_client("us-east-1", moto_endpoint)
    cw.put_metric_alarm(
        AlarmName=PAGING,
        MetricName="m",
        Namespace="n",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanThreshold",
    )
    cw.set_alarm_state(AlarmName=PAGING, StateValue="ALARM", StateReason="drill")
    code = main(["oncall-report", "--stack", "prod", "--since", "1d", "--endpoint", moto_endpoint])
    err = capsys.readouterr().err
    assert code == 2
    assert "DescribeAlarmHistory failed" in err
    assert "does not implement" in err


def test_registered_with_the_other_commands() -> None:
    parser = build_parser()
    assert isinstance(parser.parse_args(["oncall-report", "--stack", "prod"]), argparse.Namespace)
