"""``vigil oncall-report``: on-call health from DescribeAlarmHistory, on a botocore Stubber and against moto."""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from vigil.cli.main import main
from vigil.cli.oncall import run
from vigil.oncall import StateChange, parse_history_item, summarize

ROOT = Path(__file__).resolve().parents[2]
NOW = 1_767_225_600.0  # 2026-01-01T00:00:00Z
DAY = 86400.0


def _item(alarm: str, t: float, old: str, new: str, first_point: float | None = None) -> dict[str, Any]:
    reason: dict[str, Any] = {}
    if first_point is not None:
        stamp = datetime.fromtimestamp(first_point, UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
        reason = {"evaluatedDatapoints": [{"timestamp": stamp, "value": 9.0}]}
    data = {"oldState": {"stateValue": old}, "newState": {"stateValue": new, "stateReasonData": reason}}
    return {
        "AlarmName": alarm,
        "AlarmType": "MetricAlarm",
        "Timestamp": datetime.fromtimestamp(t, UTC),
        "HistoryItemType": "StateUpdate",
        "HistorySummary": f"Alarm updated from {old} to {new}",
        "HistoryData": json.dumps(data),
    }


def test_pages_resolve_and_detection_come_from_paging_alarms_only() -> None:
    alarms = {"page": ("P1", True), "child": ("P1", False), "ticket": ("P3", True)}
    changes = [
        StateChange("page", NOW - 3 * DAY, "OK", "ALARM", NOW - 3 * DAY - 240),
        StateChange("page", NOW - 3 * DAY + 1800, "ALARM", "OK", None),
        StateChange("child", NOW - 3 * DAY, "OK", "ALARM", NOW - 3 * DAY - 60),  # feeds a composite: no page
        StateChange("ticket", NOW - DAY, "OK", "ALARM", None),
        StateChange("other-stack", NOW - DAY, "OK", "ALARM", None),  # not in this plan
        StateChange("page", NOW - 30 * DAY, "OK", "ALARM", None),  # before the period
    ]
    report = summarize(changes, alarms, start=NOW - 14 * DAY, end=NOW)
    assert (report.pages, report.pages_per_week) == (1, 0.5)
    assert (report.mean_resolve_s, report.mean_detect_s) == (1800.0, 240.0)
    assert [(a.alarm, a.alarms) for a in report.noisiest()] == [("child", 1), ("page", 1), ("ticket", 1)]


def test_four_alarms_within_an_hour_is_flapping_and_three_is_not() -> None:
    def flips(alarm: str, n: int, every: float) -> list[StateChange]:
        out = []
        for i in range(n):
            t = NOW - DAY + i * every
            out += [StateChange(alarm, t, "OK", "ALARM", None), StateChange(alarm, t + 60, "ALARM", "OK", None)]
        return out

    alarms = {"flappy": ("P3", True), "steady": ("P3", True)}
    report = summarize(flips("flappy", 4, 900) + flips("steady", 3, 900), alarms, start=NOW - 7 * DAY, end=NOW)
    assert [a.alarm for a in report.flapping()] == ["flappy"]


def test_history_items_other_than_state_updates_are_skipped() -> None:
    assert parse_history_item({**_item("a", NOW, "OK", "ALARM"), "HistoryItemType": "Action"}) is None
    assert parse_history_item({**_item("a", NOW, "OK", "ALARM"), "HistoryData": "not json"}) is None
    change = parse_history_item(_item("a", NOW, "OK", "ALARM", NOW - 180))
    assert change == StateChange("a", NOW, "OK", "ALARM", NOW - 180)


def _args(**over: Any) -> argparse.Namespace:
    base = {"project": str(ROOT), "stack": "prod", "since": "7d", "endpoint": None, "region": None, "format": "json"}
    return argparse.Namespace(**{**base, **over})


def test_the_command_reads_every_planned_alarms_history_through_describe_alarm_history() -> None:
    import boto3
    from botocore.stub import ANY, Stubber

    from vigil.plan.stack import load_stack_plan

    plan = load_stack_plan(ROOT, "prod").plan
    names = sorted({a.name for a in plan.alarms.metric_alarms} | {c.name for c in plan.alarms.composite_alarms})
    client = boto3.client("cloudwatch", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    stub = Stubber(client)
    histories = {
        "vigil-prod-platform-down": [
            _item("vigil-prod-platform-down", NOW - 2 * DAY, "OK", "ALARM"),
            _item("vigil-prod-platform-down", NOW - 2 * DAY + 600, "ALARM", "OK"),
        ],
        "vigil-prod-ai-budget-150": [_item("vigil-prod-ai-budget-150", NOW - DAY, "OK", "ALARM", NOW - DAY - 60)],
    }
    for name in names:
        expected = {
            "AlarmName": name,
            "HistoryItemType": "StateUpdate",
            "AlarmTypes": ["MetricAlarm", "CompositeAlarm"],
            "StartDate": ANY,
            "EndDate": ANY,
            "MaxRecords": 100,
        }
        stub.add_response("describe_alarm_history", {"AlarmHistoryItems": histories.get(name, [])}, expected)
    out = io.StringIO()
    with stub:
        assert run(_args(), client=client, out=out, now=NOW) == 0
        stub.assert_no_pending_responses()
    report = json.loads(out.getvalue())
    assert report["pages"] == 1  # platform-down pages (P1); ai-budget-150 is a P3 ticket
    assert report["mean_time_to_resolve_s"] == 600.0
    assert {n["alarm"] for n in report["noisiest"]} == {"vigil-prod-platform-down", "vigil-prod-ai-budget-150"}


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    yield f"http://127.0.0.1:{server._server.server_port}"
    server.stop()


@pytest.mark.integration
def test_against_moto_an_endpoint_without_alarm_history_is_one_clean_error_line(
    moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "t",
        "AWS_SECRET_ACCESS_KEY": "t",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    code = main(["oncall-report", "-C", str(ROOT), "--stack", "dev", "--since", "1d", "--endpoint", moto_endpoint])
    err = capsys.readouterr().err
    assert code == 1  # moto 5.2 answers DescribeAlarmHistory with a 500
    assert len(err.splitlines()) == 1
    assert err.startswith("vigil oncall-report: DescribeAlarmHistory for 'vigil-dev-")
    assert "Traceback" not in err
