"""DescribeAlarmHistory through a botocore Stubber: NextToken pagination per alarm, throttling retried with
backoff (and given up after MAX_ATTEMPTS), other errors not retried."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from vigil.oncall.fetch import MAX_ATTEMPTS, HistoryError, fetch_history

T0 = datetime(2026, 1, 5, tzinfo=UTC).timestamp()


def item(alarm: str, seconds: float, old: str, new: str) -> dict[str, Any]:
    data = {"oldState": {"stateValue": old}, "newState": {"stateValue": new}}
    return {
        "AlarmName": alarm,
        "Timestamp": datetime.fromtimestamp(seconds, UTC),
        "HistoryItemType": "StateUpdate",
        "HistoryData": json.dumps(data),
    }


def stubbed() -> tuple[Any, Stubber]:
    client = boto3.client("cloudwatch", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    return client, Stubber(client)


def test_pages_are_followed_and_throttling_is_retried() -> None:
    client, stub = stubbed()
    sleeps: list[float] = []
    stub.add_response(
        "describe_alarm_history", {"AlarmHistoryItems": [item("a", T0 + 60, "OK", "ALARM")], "NextToken": "t2"}
    )
    stub.add_client_error("describe_alarm_history", "Throttling", "Rate exceeded", 400)
    stub.add_response(
        "describe_alarm_history",
        {"AlarmHistoryItems": [item("a", T0 + 660, "ALARM", "OK")]},
        {
            "AlarmName": "a",
            "HistoryItemType": "StateUpdate",
            "AlarmTypes": ["MetricAlarm", "CompositeAlarm"],
            "StartDate": datetime.fromtimestamp(T0, UTC),
            "EndDate": datetime.fromtimestamp(T0 + 86400, UTC),
            "MaxRecords": 100,
            "NextToken": "t2",
        },
    )
    with stub:
        changes = fetch_history(client, ["a"], T0, T0 + 86400, sleep=sleeps.append)
        stub.assert_no_pending_responses()
    assert [(c.old, c.new, c.time - T0) for c in changes] == [("OK", "ALARM", 60), ("ALARM", "OK", 660)]
    assert len(sleeps) == 1
    assert 0.25 <= sleeps[0] <= 0.5


def test_throttled_every_time_gives_up_with_a_message() -> None:
    client, stub = stubbed()
    for _ in range(MAX_ATTEMPTS):
        stub.add_client_error("describe_alarm_history", "Throttling", "Rate exceeded", 400)
    sleeps: list[float] = []
    with stub, pytest.raises(HistoryError, match="Throttling"):
        fetch_history(client, ["a"], T0, T0 + 60, sleep=sleeps.append)
    assert len(sleeps) == MAX_ATTEMPTS - 1


def test_access_denied_is_not_retried() -> None:
    client, stub = stubbed()
    stub.add_client_error("describe_alarm_history", "AccessDenied", "not allowed", 403)
    sleeps: list[float] = []
    with stub, pytest.raises(HistoryError, match="AccessDenied"):
        fetch_history(client, ["a"], T0, T0 + 60, sleep=sleeps.append)
    assert sleeps == []
