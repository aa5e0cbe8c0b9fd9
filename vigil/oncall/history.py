"""Alarm state transitions from CloudWatch's alarm history (``DescribeAlarmHistory``, ``StateUpdate`` items).

One paginated scan over the account's metric and composite alarms, filtered to the stack's alarm names; throttling
is retried with exponential backoff and jitter, every other error ends the scan with a message saying what failed.

Example::

    >>> item = {"AlarmName": "a", "Timestamp": 1767607200, "HistoryItemType": "StateUpdate",
    ...         "HistoryData": '{"oldState": {"stateValue": "OK"}, "newState": {"stateValue": "ALARM"}}'}
    >>> parse_item(item)
    Transition(alarm='a', time=1767607200, old='OK', new='ALARM')
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable, Iterator, Set
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from vigil.oncall.errors import HistoryFetchError

THROTTLING = frozenset({"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"})
MAX_ATTEMPTS = 8
MAX_RECORDS = 100  # the API's maximum per page
STATES = frozenset({"OK", "ALARM", "INSUFFICIENT_DATA"})
_SUMMARY = re.compile(r"from (OK|ALARM|INSUFFICIENT_DATA) to (OK|ALARM|INSUFFICIENT_DATA)")


@dataclass(frozen=True)
class Transition:
    """One state change of one alarm at ``time`` (epoch seconds)."""

    alarm: str
    time: int
    old: str
    new: str


@dataclass
class History:
    """The stack's transitions in time order, and what the scan skipped."""

    transitions: list[Transition]
    calls: int = 0
    other_alarms: int = 0  # items of alarms that are not the stack's
    unreadable: int = 0  # StateUpdate items whose states could not be read


def parse_item(item: dict[str, Any]) -> Transition | None:
    """The transition an ``AlarmHistoryItem`` records; None when it is not a readable state update."""
    if item.get("HistoryItemType", "StateUpdate") != "StateUpdate":
        return None
    stamp = item.get("Timestamp")
    seconds = int(stamp.timestamp()) if isinstance(stamp, datetime) else int(stamp or 0)
    old = new = None
    try:
        data = json.loads(item.get("HistoryData") or "{}")
        old, new = data["oldState"]["stateValue"], data["newState"]["stateValue"]
    except (ValueError, KeyError, TypeError):
        found = _SUMMARY.search(item.get("HistorySummary") or "")
        if found:
            old, new = found.group(1), found.group(2)
    if old not in STATES or new not in STATES or not item.get("AlarmName") or not seconds:
        return None
    return Transition(str(item["AlarmName"]), seconds, str(old), str(new))


def make_client(region: str, endpoint_url: str | None) -> Any:
    """A boto3 CloudWatch client; botocore's own retries are 1 attempt (throttling is retried here)."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError as exc:
        raise HistoryFetchError("vigil oncall-report needs boto3: pip install 'vigil-monitoring[aws]'") from exc
    config = Config(retries={"max_attempts": 1, "mode": "standard"})
    return boto3.client("cloudwatch", region_name=region, endpoint_url=endpoint_url, config=config)


def fetch_transitions(
    client: Any,
    names: Set[str],
    start: int,
    end: int,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> History:
    """Every state transition of the alarms ``names`` in ``[start, end]``, oldest first."""
    history = History([])
    for item in _items(client, start, end, history, sleep):
        if item.get("AlarmName") not in names:
            history.other_alarms += 1
            continue
        transition = parse_item(item)
        if transition is None:
            history.unreadable += 1
        elif start <= transition.time <= end:
            history.transitions.append(transition)
    history.transitions.sort(key=lambda t: (t.time, t.alarm))
    return history


def _items(
    client: Any, start: int, end: int, history: History, sleep: Callable[[float], None]
) -> Iterator[dict[str, Any]]:
    request: dict[str, Any] = {
        "AlarmTypes": ["MetricAlarm", "CompositeAlarm"],
        "HistoryItemType": "StateUpdate",
        "StartDate": datetime.fromtimestamp(start, UTC),
        "EndDate": datetime.fromtimestamp(end, UTC),
        "MaxRecords": MAX_RECORDS,
        "ScanBy": "TimestampAscending",
    }
    while True:
        response = _call(client, request, sleep)
        history.calls += 1
        yield from response.get("AlarmHistoryItems", [])
        token = response.get("NextToken")
        if not token:
            return
        request = {**request, "NextToken": token}


def _call(client: Any, request: dict[str, Any], sleep: Callable[[float], None]) -> dict[str, Any]:
    """One DescribeAlarmHistory call, retried with exponential backoff and jitter while CloudWatch throttles."""
    from botocore.exceptions import BotoCoreError, ClientError

    for attempt in range(MAX_ATTEMPTS):
        try:
            response: dict[str, Any] = client.describe_alarm_history(**request)
            return response
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code not in THROTTLING:
                raise HistoryFetchError(f"DescribeAlarmHistory failed: {code or exc}: {exc}{_hint(code)}") from exc
            if attempt == MAX_ATTEMPTS - 1:
                raise HistoryFetchError(
                    f"DescribeAlarmHistory still throttled after {MAX_ATTEMPTS} attempts; try again later"
                ) from exc
            sleep(min(20.0, 0.5 * 2**attempt) * random.uniform(0.5, 1.0))
        except BotoCoreError as exc:
            raise HistoryFetchError(f"cannot reach CloudWatch: {exc}") from exc
    raise AssertionError("unreachable")  # pragma: no cover


def _hint(code: str) -> str:
    if code in ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation"):
        return " (grant cloudwatch:DescribeAlarmHistory scoped to *: composite alarms need the wildcard)"
    if code in ("InvalidAction", "NotImplemented", "500", "404") or not code:
        return " (the endpoint does not implement DescribeAlarmHistory: moto's server does not)"
    return ""
