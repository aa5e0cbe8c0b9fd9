"""Backtest a stack plan: read logs (or CloudWatch history) into a store, evaluate every alarm, report.

Example::

    >>> from vigil.plan.stack import load_stack_plan
    >>> plan = load_stack_plan(".", "dev").plan  # doctest: +SKIP
    >>> result = backtest_logs(plan, ["api.log.gz"], incidents=[])  # doctest: +SKIP
    >>> result.to_json()["pages_per_day"]  # doctest: +SKIP
    0.0
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from vigil.backtest.errors import BacktestError
from vigil.backtest.filters import MetricFilters
from vigil.backtest.incidents import Incident
from vigil.backtest.ingest import IngestStats, ingest
from vigil.backtest.report import BacktestResult, PageRules, build_result, notifying_alarms
from vigil.emulator.engine import evaluate_alarms
from vigil.emulator.store import MetricKey, MetricStore
from vigil.plan.types import MetricStatPlan, StackPlan

Progress = Callable[[str], None]


def alarm_metrics(plan: StackPlan) -> list[MetricStatPlan]:
    """Every metric (with statistic and period) the stack's metric alarms read, without duplicates."""
    out: dict[tuple[object, ...], MetricStatPlan] = {}
    for alarm in plan.alarms.metric_alarms:
        stats = [alarm.metric] if alarm.metric is not None else [q.metric for q in alarm.metric_queries]
        for stat in stats:
            if stat is not None:
                out[
                    (stat.namespace, stat.metric_name, tuple(sorted(stat.dimensions.items())), stat.stat, stat.period)
                ] = stat
    return list(out.values())


def wanted_keys(plan: StackPlan) -> set[MetricKey]:
    """The metric keys the stack's alarms read (the only ones a backtest needs to keep)."""
    return {MetricKey.of(m.namespace, m.metric_name, m.dimensions) for m in alarm_metrics(plan)}


def evaluation_range(store: MetricStore, start: int | None, end: int | None) -> tuple[int, int]:
    """``[start, end]`` rounded to whole minutes; by default from the first datapoint to the last.

    Whatever the start, each alarm is first evaluated once the N periods it evaluates (N x period) lie after the
    first datapoint (:func:`vigil.emulator.engine.first_evaluation`): what happened before the log began is
    unknown, not missing, so a missing-is-breaching alarm does not page at the start of a log, however short.
    """
    span = store.time_range()
    if (start is None or end is None) and span is None:
        raise BacktestError("the logs contain no metric the stack's alarms read; check --logs and --stack")
    low = int(start if start is not None else span[0])  # type: ignore[index]
    high = int(end if end is not None else span[1])  # type: ignore[index]
    low, high = low - low % 60, high + (-high % 60)
    if high <= low:
        raise BacktestError(f"the time range is empty: --from must be before --to (got {low} .. {high})")
    return low, high


def first_datapoint(store: MetricStore) -> int | None:
    """When the data begins (the first datapoint of any metric), or None for an empty store."""
    span = store.time_range()
    return None if span is None else int(span[0])


def evaluate_store(
    plan: StackPlan,
    store: MetricStore,
    stats: IngestStats,
    incidents: Sequence[Incident],
    *,
    start: int | None = None,
    end: int | None = None,
    source: str = "logs",
    progress: Progress | None = None,
) -> BacktestResult:
    """Evaluate every alarm of ``plan`` on ``store`` over the range and build the report."""
    low, high = evaluation_range(store, start, end)
    skip = not_in_logs(plan, store) if source == "logs" else {}
    evaluation = evaluate_alarms(
        plan.alarms, store, low, high, progress=progress, skip=skip, data_start=first_datapoint(store)
    )
    rules = PageRules.of(plan.alarms, plan.routing)
    return build_result(
        evaluation,
        stats,
        list(incidents),
        set(rules.paging),
        source,
        notifying_alarms(plan.alarms) - set(skip),
        rules.suppressors,
    )


def not_in_logs(plan: StackPlan, store: MetricStore | None = None) -> dict[str, str]:
    """Metric alarms that read metrics no log line carries: AWS service metrics (``AWS/*``, Synthetics), i.e.
    any namespace the project does not declare for its own EMF or metric filters, unless the logs read into
    ``store`` do carry it (ECS Container Insights publishes ``ECS/ContainerInsights`` through EMF lines of its own
    performance log group, so an export of that group brings the task counts).

    They are reported as not evaluated (INSUFFICIENT_DATA throughout) rather than evaluated on no data, which
    would put every missing-is-breaching probe into ALARM. ``--from-cloudwatch`` evaluates them.
    """
    own = {ns.namespace for ns in plan.namespaces}
    if store is not None:
        stored = store.keys()
        own |= {key.namespace for key in stored}
    out: dict[str, str] = {}
    for alarm in plan.alarms.metric_alarms:
        stats = [alarm.metric] if alarm.metric is not None else [q.metric for q in alarm.metric_queries]
        spaces = sorted({m.namespace for m in stats if m is not None and m.namespace not in own})
        if spaces:
            out[alarm.name] = f"not evaluated: it reads {', '.join(spaces)} metrics, which logs do not contain"
    return out


def backtest_logs(
    plan: StackPlan,
    paths: Iterable[str | Path],
    incidents: Sequence[Incident] = (),
    *,
    start: int | None = None,
    end: int | None = None,
    progress: Progress | None = None,
) -> BacktestResult:
    """Read the log files (EMF and metric filters), then evaluate and report."""
    store = MetricStore()
    stats = ingest(paths, store, filters=MetricFilters(plan.namespaces), wanted=wanted_keys(plan), progress=progress)
    if progress:
        progress(f"read {stats.read:,} log events, {stats.datapoints:,} datapoints; evaluating alarms")
    return evaluate_store(plan, store, stats, incidents, start=start, end=end, progress=progress)
