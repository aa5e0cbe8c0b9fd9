"""``vigil oncall-report --incidents FILE``: alert accuracy from real history (botocore Stubber over the prod plan):
time to detect, missed incidents, false pages; a bad incidents file is a located error before any AWS call."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path
from typing import Any

import boto3
from botocore.stub import ANY, Stubber
from test_oncall_fetch import T0, item

from vigil.cli.oncall import run
from vigil.plan.stack import load_stack_plan

ROOT = Path(__file__).resolve().parents[2]
PAGING = "vigil-prod-platform-down"  # P1, notifies


def args(**over: Any) -> argparse.Namespace:
    base = {"project": str(ROOT), "stack": "prod", "since": "7d", "endpoint": None, "region": None, "format": "json"}
    return argparse.Namespace(**{**base, **over})


def stubbed(histories: dict[str, list[dict[str, Any]]], stack: str = "prod") -> tuple[Any, Stubber]:
    """A CloudWatch client answering each of ``stack``'s alarms' history with ``histories`` (none by default)."""
    plan = load_stack_plan(ROOT, stack).plan
    names = sorted({a.name for a in plan.alarms.metric_alarms} | {c.name for c in plan.alarms.composite_alarms})
    client = boto3.client("cloudwatch", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    stub = Stubber(client)
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
    return client, stub


def test_incidents_score_detection_misses_and_false_pages(tmp_path: Path) -> None:
    incidents = tmp_path / "incidents.yaml"
    incidents.write_text(
        "- {name: outage, start: 2026-01-05T01:00:00Z, end: 2026-01-05T02:00:00Z}\n"
        "- {name: silent, start: 2026-01-06T00:00:00Z, end: 2026-01-06T01:00:00Z}\n"
    )
    history = {
        PAGING: [
            item(PAGING, T0 + 3600 + 240, "OK", "ALARM"),  # 4 minutes into the outage
            item(PAGING, T0 + 3600 + 900, "ALARM", "OK"),
            item(PAGING, T0 + 3 * 86400, "OK", "ALARM"),  # no incident then: a false page
        ]
    }
    client, stub = stubbed(history)
    out = io.StringIO()
    with stub:
        assert run(args(incidents=str(incidents)), client=client, out=out, now=T0 + 7 * 86400) == 0
    report = json.loads(out.getvalue())["incidents"]
    assert report["detected"] == 1
    assert report["missed"] == ["silent"]
    assert report["mean_time_to_detect_s"] == 240.0
    assert (report["false_pages"], report["page_precision"]) == (1, 0.5)
    assert report["each"][0] == {"name": "outage", "alarm": PAGING, "time_to_detect_s": 240.0}


def test_text_report_lists_each_incident(tmp_path: Path) -> None:
    incidents = tmp_path / "incidents.yaml"
    incidents.write_text("- {name: outage, start: 2026-01-05T01:00:00Z, end: 2026-01-05T02:00:00Z}\n")
    client, stub = stubbed({PAGING: [item(PAGING, T0 + 3600 + 120, "OK", "ALARM")]})
    out = io.StringIO()
    with stub:
        assert run(args(incidents=str(incidents), format="text"), client=client, out=out, now=T0 + 7 * 86400) == 0
    assert f"outage: caught by {PAGING} after 2.0 min" in out.getvalue()
    assert "false pages 0 of 1 (precision 100%)" in out.getvalue()


def test_a_bad_incidents_file_is_located_before_any_call(tmp_path: Path, capsys: Any) -> None:
    bad = tmp_path / "incidents.yaml"
    bad.write_text("- {name: x, start: soon, end: 2026-01-01}\n")
    client = boto3.client("cloudwatch", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client):  # no response queued: any call would fail the test
        assert run(args(incidents=str(bad)), client=client, out=io.StringIO()) == 2
    assert f"{bad}:1: [0].start: 'soon' is not a time" in capsys.readouterr().err


def test_a_page_is_what_backtest_and_drill_call_a_page() -> None:
    """The same transition of the P1 family pages in prod (PagerDuty, SMS) and pages nobody in dev, whose routing
    reaches chat only (vigil:page_people false): one definition of a page (backtest.report.paging_alarms)."""
    from vigil.backtest.report import paging_alarms

    pages = {}
    for stack in ("prod", "dev"):
        name = f"vigil-{stack}-platform-down"
        client, stub = stubbed({name: [item(name, T0 + 3600, "OK", "ALARM")]}, stack)
        out = io.StringIO()
        with stub:
            assert run(args(stack=stack), client=client, out=out, now=T0 + 7 * 86400) == 0
        report = json.loads(out.getvalue())
        pages[stack] = report["pages"]
        plan = load_stack_plan(ROOT, stack).plan
        assert (name in paging_alarms(plan.alarms, plan.routing)) == (stack == "prod")
    assert pages == {"prod": 1, "dev": 0}
