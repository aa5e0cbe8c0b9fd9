"""Fill a :class:`~vigil.emulator.store.MetricStore` from the history CloudWatch already stores (GetMetricData).

For every metric the stack's alarms read:

- statistics that merge across periods (Sum, Average, Minimum, Maximum, SampleCount) are fetched once per metric
  as statistic sets (SampleCount, Sum, Minimum, Maximum) at the finest period CloudWatch still keeps for the
  range (60 s up to 15 days back, 300 s up to 63 days, then 3600 s), so every alarm period is computed locally;
- statistics that do not merge (percentiles, trimmed means, ...) are fetched at the alarm's own period and used as
  CloudWatch computed them.

Queries are batched to the API's limits (500 queries and 100,800 datapoints per call; a longer range is split),
``NextToken`` pages are followed, and throttling is retried with exponential backoff. boto3 is imported only here.

Example::

    >>> plan = load_stack_plan(".", "prod").plan  # doctest: +SKIP
    >>> store, stats = fetch_history(plan, start, end, endpoint_url="http://127.0.0.1:5000")  # doctest: +SKIP
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from vigil.backtest.errors import CloudWatchFetchError
from vigil.backtest.ingest import IngestStats
from vigil.backtest.run import alarm_metrics
from vigil.emulator.statistics import combinable
from vigil.emulator.store import MetricKey, MetricStore
from vigil.plan.types import StackPlan

MAX_QUERIES = 500
MAX_DATAPOINTS = 100_800
SET_STATS = ("SampleCount", "Sum", "Minimum", "Maximum")
THROTTLING = frozenset({"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"})
MAX_ATTEMPTS = 8
LOOKBACK_S = 3 * 86400


@dataclass(frozen=True)
class Query:
    """One metric data query: a metric, a statistic and a period."""

    key: MetricKey
    stat: str
    period: int

    def request(self, ident: str) -> dict[str, Any]:
        """The ``MetricDataQueries`` entry."""
        return {
            "Id": ident,
            "MetricStat": {
                "Metric": {
                    "Namespace": self.key.namespace,
                    "MetricName": self.key.metric,
                    "Dimensions": [{"Name": k, "Value": v} for k, v in self.key.dimensions],
                },
                "Period": self.period,
                "Stat": self.stat,
            },
            "ReturnData": True,
        }


def set_period(start: int, now: float) -> int:
    """The finest period CloudWatch keeps for data starting at ``start`` (60 s for 15 days, 300 s for 63, else 1 h)."""
    age = now - start
    return 60 if age <= 15 * 86400 else 300 if age <= 63 * 86400 else 3600


def plan_queries(plan: StackPlan, period: int) -> list[Query]:
    """The queries a backtest of ``plan`` needs: statistic sets at ``period`` once per metric, the other statistics
    at their alarm's period."""
    queries: dict[Query, None] = {}
    for metric in alarm_metrics(plan):
        key = MetricKey.of(metric.namespace, metric.metric_name, metric.dimensions)
        if combinable(metric.stat):
            for stat in SET_STATS:
                queries[Query(key, stat, period)] = None
        else:
            queries[Query(key, metric.stat, metric.period)] = None
    return list(queries)


def batches(queries: list[Query], start: int, end: int) -> Iterator[tuple[list[Query], int, int]]:
    """``(queries, start, end)`` calls within the API limits: <= 500 queries and <= 100,800 datapoints each."""
    for period_queries in _by_period(queries):
        period = period_queries[0].period
        span = MAX_DATAPOINTS * period  # the longest range one query may return
        per_query = min(-(-(end - start) // period), MAX_DATAPOINTS)
        size = max(1, min(MAX_QUERIES, MAX_DATAPOINTS // max(per_query, 1)))
        chunk_start = start
        while chunk_start < end:
            chunk_end = min(end, chunk_start + span)
            for i in range(0, len(period_queries), size):
                yield period_queries[i : i + size], chunk_start, chunk_end
            chunk_start = chunk_end


def _by_period(queries: list[Query]) -> list[list[Query]]:
    groups: dict[int, list[Query]] = {}
    for query in queries:
        groups.setdefault(query.period, []).append(query)
    return [groups[p] for p in sorted(groups)]


def _call(client: Any, request: dict[str, Any], sleep: Callable[[float], None]) -> dict[str, Any]:
    """One GetMetricData call, retried with exponential backoff and jitter while CloudWatch throttles."""
    from botocore.exceptions import ClientError

    for attempt in range(MAX_ATTEMPTS):
        try:
            response: dict[str, Any] = client.get_metric_data(**request)
            return response
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code not in THROTTLING or attempt == MAX_ATTEMPTS - 1:
                raise CloudWatchFetchError(f"GetMetricData failed: {code or exc}: {exc}") from exc
            sleep(min(20.0, 0.5 * 2**attempt) * random.uniform(0.5, 1.0))
    raise AssertionError("unreachable")  # pragma: no cover


def fetch(
    client: Any,
    queries: list[Query],
    start: int,
    end: int,
    *,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[str], None] | None = None,
) -> Iterator[tuple[Query, list[datetime], list[float]]]:
    """Every query's datapoints, following ``NextToken`` pages; yields ``(query, timestamps, values)`` per page."""
    calls = list(batches(queries, start, end))
    for number, (batch, low, high) in enumerate(calls, 1):
        if progress:
            progress(f"GetMetricData call {number}/{len(calls)} ({len(batch)} queries)")
        ids = {f"q{i}": query for i, query in enumerate(batch)}
        request: dict[str, Any] = {
            "MetricDataQueries": [query.request(ident) for ident, query in ids.items()],
            "StartTime": datetime.fromtimestamp(low, UTC),
            "EndTime": datetime.fromtimestamp(high, UTC),
            "ScanBy": "TimestampAscending",
        }
        while True:
            response = _call(client, request, sleep)
            for result in response.get("MetricDataResults", []):
                query = ids.get(result.get("Id", ""))
                if query is not None:
                    yield query, list(result.get("Timestamps", [])), [float(v) for v in result.get("Values", [])]
            token = response.get("NextToken")
            if not token:
                break
            request = {**request, "NextToken": token}


def load(store: MetricStore, pages: Iterator[tuple[Query, list[datetime], list[float]]]) -> int:
    """Put fetched datapoints into ``store``; returns the number of datapoints."""
    sets: dict[tuple[MetricKey, float], dict[str, float]] = {}
    count = 0
    for query, stamps, values in pages:
        count += len(values)
        for stamp, value in zip(stamps, values, strict=False):
            seconds = stamp.timestamp() if isinstance(stamp, datetime) else float(stamp)
            if query.stat in SET_STATS and combinable(query.stat):
                sets.setdefault((query.key, seconds), {})[query.stat] = value
            else:
                store.add_aggregated(query.key, query.stat, query.period, seconds, value)
    for (key, seconds), stats in sorted(sets.items()):
        if stats.get("SampleCount", 0) > 0 and len(stats) == len(SET_STATS):
            store.add_statistic_set(
                key,
                seconds,
                sample_count=stats["SampleCount"],
                total=stats["Sum"],
                minimum=stats["Minimum"],
                maximum=stats["Maximum"],
            )
    return count


def make_client(region: str, endpoint_url: str | None) -> Any:
    """A boto3 CloudWatch client (boto3 is imported here, lazily)."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError as exc:
        raise CloudWatchFetchError("--from-cloudwatch needs boto3: pip install 'vigil-monitoring[aws]'") from exc
    config = Config(retries={"max_attempts": 1, "mode": "standard"})
    return boto3.client("cloudwatch", region_name=region, endpoint_url=endpoint_url, config=config)


def fetch_history(
    plan: StackPlan,
    start: int,
    end: int,
    *,
    endpoint_url: str | None = None,
    region: str | None = None,
    client: Any = None,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[str], None] | None = None,
) -> tuple[MetricStore, IngestStats]:
    """A store holding the stack's alarm metrics over ``[start, end]``, fetched from CloudWatch."""
    from botocore.exceptions import BotoCoreError

    client = client or make_client(region or plan.context.region, endpoint_url)
    now = time.time()
    period = set_period(start, now)
    # Alarms evaluated at `start` look back up to 3 days (the SLO's 6h&3d window): fetch that too, as far back as
    # CloudWatch still keeps data at `period`.
    fetch_start = start - LOOKBACK_S
    if set_period(fetch_start, now) != period:
        limit = {60: 15 * 86400, 300: 63 * 86400}.get(period, 455 * 86400)
        fetch_start = max(fetch_start, int(now - limit) // 300 * 300 + 300)
    queries = plan_queries(plan, period)
    store = MetricStore()
    try:
        count = load(store, fetch(client, queries, fetch_start, end, sleep=sleep, progress=progress))
    except BotoCoreError as exc:
        raise CloudWatchFetchError(f"cannot reach CloudWatch ({endpoint_url or 'AWS'}): {exc}") from exc
    stats = IngestStats(datapoints=count)
    return store, stats
