"""Read a stack's alarm history from CloudWatch (DescribeAlarmHistory, StateUpdate items, paginated)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from vigil.oncall.report import StateChange, parse_history_item


class HistoryError(Exception):
    """CloudWatch did not return the history (no credentials, an endpoint without DescribeAlarmHistory ...)."""


#: Error codes CloudWatch answers when a caller exceeds its request rate: retried with backoff, not fatal.
THROTTLING = frozenset({"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"})
MAX_ATTEMPTS = 8


def _call(client: Any, kwargs: dict[str, Any], sleep: Callable[[float], None]) -> dict[str, Any]:
    """One DescribeAlarmHistory call, retried with exponential backoff and jitter while CloudWatch throttles
    (botocore's own retries are one attempt, so an endpoint that lacks the call fails at once)."""
    from botocore.exceptions import ClientError

    for attempt in range(MAX_ATTEMPTS):
        try:
            page: dict[str, Any] = client.describe_alarm_history(**kwargs)
            return page
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code not in THROTTLING or attempt == MAX_ATTEMPTS - 1:
                raise
            sleep(min(20.0, 0.5 * 2**attempt) * random.uniform(0.5, 1.0))
    raise AssertionError("unreachable")  # pragma: no cover


def make_client(region: str, endpoint_url: str | None) -> Any:
    """A boto3 CloudWatch client with one attempt per call (boto3 is imported here, lazily)."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError as exc:
        raise HistoryError("vigil oncall-report needs boto3: pip install 'vigil-monitoring[aws]'") from exc
    config = Config(retries={"max_attempts": 1, "mode": "standard"})
    return boto3.client("cloudwatch", region_name=region, endpoint_url=endpoint_url, config=config)


def fetch_history(
    client: Any, alarms: Iterable[str], start: float, end: float, *, sleep: Callable[[float], None] = time.sleep
) -> list[StateChange]:
    """Every state change of ``alarms`` in ``[start, end)``; one paginated call per alarm name (throttling retried).

    Raises :class:`HistoryError` with the service's message when a call fails.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    changes: list[StateChange] = []
    for name in sorted(set(alarms)):
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {
                "AlarmName": name,
                "HistoryItemType": "StateUpdate",
                "AlarmTypes": ["MetricAlarm", "CompositeAlarm"],
                "StartDate": datetime.fromtimestamp(start, UTC),
                "EndDate": datetime.fromtimestamp(end, UTC),
                "MaxRecords": 100,
            }
            if token:
                kwargs["NextToken"] = token
            try:
                page = _call(client, kwargs, sleep)
            except (ClientError, BotoCoreError) as exc:
                first = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
                raise HistoryError(f"DescribeAlarmHistory for {name!r} failed: {first}") from exc
            for item in page.get("AlarmHistoryItems", []):
                change = parse_history_item(item)
                if change is not None:
                    changes.append(change)
            token = page.get("NextToken")
            if not token:
                break
    return changes
