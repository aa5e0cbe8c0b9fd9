"""Lambda handler: count error fingerprints seen for the first time (DynamoDB conditional writes).

Environment: ``TABLE`` (DynamoDB table, hash key ``fingerprint``), ``NAMESPACE`` and ``METRIC`` (where the
count goes), ``DIMENSIONS`` (JSON object, e.g. ``{"Service": "worker", "Environment": "prod"}``).

This file is shipped alone as the function's code: standard library and boto3 only, no ``vigil`` import.

Example (a batch as CloudWatch Logs delivers it)::

    >>> import base64, gzip, json
    >>> line = {"level": "ERROR", "error": {"fingerprint": "ab12", "type": "KeyError", "message": "'x'"}}
    >>> data = {"messageType": "DATA_MESSAGE", "logGroup": "/vigil/prod/worker",
    ...         "logEvents": [{"id": "1", "timestamp": 1700000000000, "message": json.dumps(line)}]}
    >>> event = {"awslogs": {"data": base64.b64encode(gzip.compress(json.dumps(data).encode())).decode()}}
    >>> [(e.fingerprint, e.error_type) for e in decode_batch(event)]
    [('ab12', 'KeyError')]
"""

from __future__ import annotations

import base64
import gzip
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

#: Longest error message stored with a fingerprint (the log line keeps the whole message).
MESSAGE_LIMIT = 300
_SEEN: set[str] = set()  # fingerprints this container already wrote or found: no second DynamoDB call


@dataclass(frozen=True)
class ErrorEvent:
    """One error line of a batch: its fingerprint, exception type, message and time (epoch ms)."""

    fingerprint: str
    error_type: str
    message: str
    timestamp_ms: int
    log_group: str


def decode_batch(event: dict[str, Any]) -> list[ErrorEvent]:
    """The error lines of a CloudWatch Logs subscription event (gzip + base64); other lines are skipped."""
    payload = json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"])))
    if payload.get("messageType") != "DATA_MESSAGE":
        return []  # CONTROL_MESSAGE: CloudWatch Logs checking that the destination is reachable
    out: list[ErrorEvent] = []
    for item in payload.get("logEvents", []):
        try:
            line = json.loads(item["message"])
        except (TypeError, ValueError):
            continue
        error = line.get("error") if isinstance(line, dict) else None
        if not isinstance(error, dict):
            continue
        fingerprint = error.get("fingerprint")
        if not isinstance(fingerprint, str) or not fingerprint:
            continue
        out.append(
            ErrorEvent(
                fingerprint=fingerprint,
                error_type=str(error.get("type", "")),
                message=str(error.get("message", ""))[:MESSAGE_LIMIT],
                timestamp_ms=int(item.get("timestamp", 0)),
                log_group=str(payload.get("logGroup", "")),
            )
        )
    return out


def first_sightings(events: Iterable[ErrorEvent], record: Callable[[ErrorEvent], bool]) -> list[ErrorEvent]:
    """The events whose fingerprint ``record`` stored for the first time (one call per fingerprint per container).

    >>> stored = set()
    >>> def record(e):
    ...     new = e.fingerprint not in stored
    ...     stored.add(e.fingerprint)
    ...     return new
    >>> _SEEN.clear()
    >>> batch = [ErrorEvent(fp, "E", "", 0, "/g") for fp in ("a", "b", "a")]
    >>> [e.fingerprint for e in first_sightings(batch, record)], [e.fingerprint for e in first_sightings(batch, record)]
    (['a', 'b'], [])
    """
    new: list[ErrorEvent] = []
    for e in events:
        if e.fingerprint in _SEEN:
            continue
        _SEEN.add(e.fingerprint)
        if record(e):
            new.append(e)
    return new


def _recorder(dynamodb: Any, table: str) -> Callable[[ErrorEvent], bool]:
    def record(e: ErrorEvent) -> bool:
        item = {
            "fingerprint": {"S": e.fingerprint},
            "first_seen_ms": {"N": str(e.timestamp_ms)},
            "error_type": {"S": e.error_type or "-"},
            "message": {"S": e.message or "-"},
            "log_group": {"S": e.log_group or "-"},
        }
        try:
            dynamodb.put_item(TableName=table, Item=item, ConditionExpression="attribute_not_exists(fingerprint)")
        except dynamodb.exceptions.ConditionalCheckFailedException:
            return False
        return True

    return record


def handler(event: dict[str, Any], context: object = None) -> dict[str, int]:
    """The Lambda entry point: store first sightings, publish their count, log each one as a JSON line."""
    import boto3  # in every Lambda Python runtime; imported here so the module loads without it

    events = decode_batch(event)
    if not events:
        return {"errors": 0, "new": 0}
    new = first_sightings(events, _recorder(boto3.client("dynamodb"), os.environ["TABLE"]))
    dimensions = json.loads(os.environ.get("DIMENSIONS", "{}"))
    boto3.client("cloudwatch").put_metric_data(
        Namespace=os.environ["NAMESPACE"],
        MetricData=[
            {
                "MetricName": os.environ["METRIC"],
                "Dimensions": [{"Name": k, "Value": v} for k, v in sorted(dimensions.items())],
                "Timestamp": datetime.fromtimestamp(max(e.timestamp_ms for e in events) / 1000.0, UTC),
                "Value": float(len(new)),
                "Unit": "Count",
            }
        ],
    )
    for e in new:
        print(
            json.dumps(
                {
                    "level": "WARNING",
                    "message": "new error fingerprint",
                    "error": {"fingerprint": e.fingerprint, "type": e.error_type, "message": e.message},
                    "log_group": e.log_group,
                    "first_seen_ms": e.timestamp_ms,
                },
                sort_keys=True,
            )
        )
    return {"errors": len(events), "new": len(new)}
