"""Evaluate every alarm of a stack plan over a metric store, as CloudWatch would, minute by minute.

Metric alarms are evaluated every 60 s (every 10 s when their period is under a minute, i.e. high-resolution
alarms). At evaluation time ``T`` an alarm with period ``P`` reads the datapoints of the periods ending at ``T``,
``T - P``, ... (the evaluation range, :mod:`vigil.emulator.alarm`). Composite alarms are evaluated at every
evaluation time of their children, from the first one on (INSUFFICIENT_DATA only before it, as at creation).

``EvaluateLowSampleCountPercentile: ignore`` holds the state while the N evaluated periods have too few samples
(:func:`low_sample_threshold`). Not modelled: CloudWatch's ingestion and evaluation delay (real alarms see
datapoints a little later).

Example::

    >>> from vigil.emulator.store import MetricKey, MetricStore
    >>> from vigil.plan.types import AlarmsPlan, MetricAlarmPlan, MetricStatPlan, NO_ACTIONS
    >>> from vigil.spec.models.common import Severity
    >>> metric = MetricStatPlan("N", "errors", {}, 60, "Sum")
    >>> alarm = MetricAlarmPlan("errors-high", "static", Severity.P1, "", "GreaterThanThreshold", 3, 3,
    ...                         "missing", NO_ACTIONS, threshold=5, metric=metric, statistic="Sum")
    >>> store = MetricStore()
    >>> for minute in range(10):
    ...     store.add(MetricKey.of("N", "errors", {}), minute * 60, 10.0 if minute >= 4 else 1.0)
    >>> result = evaluate_alarms(AlarmsPlan((alarm,), ()), store, 0, 600)
    >>> [(t.time, t.new) for t in result.timelines["errors-high"].transitions]
    [(60, 'OK'), (420, 'ALARM')]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from vigil.emulator import anomaly
from vigil.emulator.alarm import State, breaches, comparison_words, decide, evaluation_range
from vigil.emulator.composite import parse_rule
from vigil.emulator.errors import EvaluateError
from vigil.emulator.store import MetricKey, MetricStore
from vigil.emulator.timeline import AlarmTimeline, Evaluation, Transition
from vigil.plan.types import AlarmsPlan, CompositeAlarmPlan, MetricAlarmPlan, MetricStatPlan

Progress = Callable[[str], None]
_PERCENTILE_STAT = re.compile(r"^p(\d+(?:\.\d+)?)$")
_BAND = re.compile(r"ANOMALY_DETECTION_BAND\(\s*(\w+)\s*(?:,\s*([0-9.]+)\s*)?\)")


def evaluate_alarms(
    alarms: AlarmsPlan,
    store: MetricStore,
    start: int,
    end: int,
    *,
    progress: Progress | None = None,
    skip: Mapping[str, str] | None = None,
    data_start: int | None = None,
) -> Evaluation:
    """Evaluate every metric alarm, then every composite alarm (in the plan's dependency order).

    ``skip`` maps metric alarm names to why they are not evaluated (e.g. their data is not in the source): they
    stay INSUFFICIENT_DATA throughout, with that note. ``data_start`` is when the data begins (a log's first
    line): nothing is known before it, so an alarm is first evaluated once the N periods it evaluates lie after it
    (:func:`first_evaluation`), rather than reading the unknown past as missing (a missing-is-breaching alarm would
    page for it); an alarm whose N periods do not fit before ``end`` is not evaluated, and says so.
    """
    result = Evaluation(start=start, end=end)
    total = len(alarms.metric_alarms) + len(alarms.composite_alarms)
    for index, alarm in enumerate(alarms.metric_alarms, 1):
        if progress:
            progress(f"[{index}/{total}] {alarm.name}")
        note = (skip or {}).get(alarm.name) or _too_short(alarm, data_start, end)
        if note:
            result.timelines[alarm.name] = _not_evaluated(alarm, start, end, note)
        else:
            result.timelines[alarm.name] = evaluate_metric_alarm(alarm, store, start, end, data_start=data_start)
    for index, composite in enumerate(alarms.composite_alarms, len(alarms.metric_alarms) + 1):
        if progress:
            progress(f"[{index}/{total}] {composite.name}")
        result.timelines[composite.name] = evaluate_composite(composite, result.timelines, start, end)
    return result


def first_evaluation(alarm: MetricAlarmPlan, data_start: int) -> int:
    """The first evaluation whose N evaluated periods all lie after ``data_start`` (when the data begins)."""
    return data_start + alarm.evaluation_periods * alarm_period(alarm)


def _too_short(alarm: MetricAlarmPlan, data_start: int | None, end: int) -> str:
    if data_start is None or first_evaluation(alarm, data_start) <= end:
        return ""
    need = alarm.evaluation_periods * alarm_period(alarm)
    return (
        f"not evaluated: it needs {need // 60} min of data ({alarm.evaluation_periods} x {alarm_period(alarm)} s) "
        f"before its first evaluation, and the data covers {max(end - data_start, 0) // 60} min"
    )


def _not_evaluated(alarm: MetricAlarmPlan, start: int, end: int, note: str) -> AlarmTimeline:
    """A timeline that says the alarm was not evaluated (INSUFFICIENT_DATA throughout, with ``note``)."""
    times = list(range(-(-start // 60) * 60, end + 1, 60))
    return AlarmTimeline(
        alarm.name,
        alarm.kind,
        alarm.severity.value,
        times=times,
        states=["INSUFFICIENT_DATA"] * len(times),
        values=[None] * len(times),
        thresholds=[alarm.threshold] * len(times),
        note=note,
        period=alarm_period(alarm),
        evaluation_periods=alarm.evaluation_periods,
        datapoints_to_alarm=alarm.datapoints_to_alarm or alarm.evaluation_periods,
        evaluated=False,
    )


def alarm_period(alarm: MetricAlarmPlan) -> int:
    """The period of a metric alarm (its metric's, or its metric queries')."""
    if alarm.metric is not None:
        return alarm.metric.period
    periods = {q.metric.period for q in alarm.metric_queries if q.metric is not None}
    if len(periods) != 1:
        raise EvaluateError(f"alarm {alarm.name}: its metrics must share one period, got {sorted(periods)}")
    return periods.pop()


def _key(metric: MetricStatPlan) -> MetricKey:
    return MetricKey.of(metric.namespace, metric.metric_name, metric.dimensions)


def evaluate_metric_alarm(
    alarm: MetricAlarmPlan, store: MetricStore, start: int, end: int, *, data_start: int | None = None
) -> AlarmTimeline:
    """One metric alarm: the datapoints on its grid, then the state machine at every evaluation time.

    With ``data_start`` the first evaluation is :func:`first_evaluation` (or ``start``, when later).
    """
    period = alarm_period(alarm)
    step = 10 if period < 60 else 60
    n = alarm.evaluation_periods
    m = alarm.datapoints_to_alarm or n
    r = evaluation_range(n)
    stride = period // step
    if data_start is not None:
        start = max(start, first_evaluation(alarm, data_start))
    first = -(-start // step) * step
    lookback = (r - 1) * stride
    grid = list(range(first - lookback * step, end + 1, step))
    values, upper, lower, ranged = _series(alarm, store, grid, period, stride)
    classes = [breaches(alarm.comparison_operator, v, u, lo) for v, u, lo in zip(values, upper, lower, strict=True)]
    timeline = AlarmTimeline(
        alarm.name,
        alarm.kind,
        alarm.severity.value,
        approximate=alarm.kind == "anomaly",
        note=anomaly.APPROXIMATION_NOTE if alarm.kind == "anomaly" else "",
        lower=[] if alarm.kind == "anomaly" else None,
        period=period,
        evaluation_periods=n,
        datapoints_to_alarm=m,
    )
    state: State = "INSUFFICIENT_DATA"
    too_few = _low_sample_counts(alarm, store, grid, period, stride)
    for index in range(lookback, len(grid)):
        if ranged is None:
            window = [classes[index - j * stride] for j in range(r - 1, -1, -1)]
        else:  # the expression computed over this evaluation's own range
            window = [breaches(alarm.comparison_operator, v, upper[index], lower[index]) for v in ranged[index]]
        new = state if too_few[index] else decide(window, n=n, m=m, treat=alarm.treat_missing_data, current=state)
        time = grid[index]
        timeline.times.append(time)
        timeline.states.append(new)
        timeline.values.append(values[index])
        timeline.thresholds.append(upper[index])
        if timeline.lower is not None:
            timeline.lower.append(lower[index])
        if new != state:
            reason = _reason(alarm, grid, values, index, stride, r, new, m, n)
            timeline.transitions.append(Transition(time, state, new, reason))
            state = new
    return timeline


Ranged = list[list[float | None]] | None


def low_sample_threshold(percentile: float) -> float:
    """Samples a percentile needs before ``EvaluateLowSampleCountPercentile: ignore`` lets it change the state.

    The user guide ("Percentile-based alarms and low data samples"): for percentiles from 0.5 (inclusive) to 1.00
    (exclusive) the setting applies when there are fewer than 10/(1-percentile) data points during the evaluation
    period, below 0.5 when there are fewer than 10/percentile.

    >>> low_sample_threshold(99), low_sample_threshold(50), low_sample_threshold(10)
    (1000.0, 20.0, 100.0)
    """
    fraction = percentile / 100
    if fraction >= 1 or fraction <= 0:
        return 0.0
    return round(10 / (1 - fraction) if fraction >= 0.5 else 10 / fraction, 9)


def _low_sample_counts(
    alarm: MetricAlarmPlan, store: MetricStore, grid: list[int], period: int, stride: int
) -> list[bool]:
    """Per evaluation: True when ``ignore`` holds the state (too few samples in the N evaluated periods).

    Vigil counts the samples of the N periods the alarm evaluates (the guide's "during the evaluation period").
    """
    stat = alarm.metric.stat if alarm.metric is not None else ""
    match = _PERCENTILE_STAT.match(stat)
    if alarm.evaluate_low_sample_count_percentile != "ignore" or match is None or alarm.metric is None:
        return [False] * len(grid)
    need = low_sample_threshold(float(match.group(1)))
    counts = [c or 0.0 for c in store.datapoints(_key(alarm.metric), "SampleCount", period, grid)]
    n = alarm.evaluation_periods
    return [sum(counts[i - j * stride] for j in range(n) if i - j * stride >= 0) < need for i in range(len(grid))]


def _series(
    alarm: MetricAlarmPlan, store: MetricStore, grid: list[int], period: int, stride: int
) -> tuple[list[float | None], list[float | None], list[float | None], Ranged]:
    """Datapoints (period END times = ``grid``), upper threshold or band, lower band, and for range-dependent
    math the values of each evaluation's own range (None otherwise)."""
    none: list[float | None] = [None] * len(grid)
    if alarm.metric is not None:
        values = store.datapoints(_key(alarm.metric), alarm.metric.stat, period, grid)
        return values, [alarm.threshold] * len(grid), none, None
    metrics = {
        q.id: store.datapoints(_key(q.metric), q.metric.stat, period, grid) for q in alarm.metric_queries if q.metric
    }
    if alarm.threshold_metric_id is not None:
        band_query = next(q for q in alarm.metric_queries if q.id == alarm.threshold_metric_id)
        match = _BAND.search(band_query.expression or "")
        if match is None or match.group(1) not in metrics:
            raise EvaluateError(f"alarm {alarm.name}: cannot read the anomaly band {band_query.expression!r}")
        width = float(match.group(2) or 2)
        values = metrics[match.group(1)]
        lower, upper = _by_phase(values, stride, lambda part: anomaly.band(part, period=period, width=width))
        return values, upper, lower, None
    returned = [q for q in alarm.metric_queries if q.return_data]
    if len(returned) != 1 or returned[0].expression is None:
        raise EvaluateError(f"alarm {alarm.name}: exactly one metric query must return data")
    expression = returned[0].expression
    values, ranged = _math(
        alarm.name, expression, metrics, grid, period, stride, evaluation_range(alarm.evaluation_periods)
    )
    return values, [alarm.threshold] * len(grid), none, ranged


def _by_phase(
    values: Sequence[float | None],
    stride: int,
    compute: Callable[[list[float | None]], tuple[list[float | None], list[float | None]]],
) -> tuple[list[float | None], list[float | None]]:
    """Apply ``compute`` to each phase of the grid (datapoints one period apart) and interleave the results."""
    first: list[float | None] = [None] * len(values)
    second: list[float | None] = [None] * len(values)
    for phase in range(stride):
        a, b = compute(list(values[phase::stride]))
        first[phase::stride] = a
        second[phase::stride] = b
    return first, second


def _math(
    name: str,
    expression: str,
    metrics: dict[str, list[float | None]],
    grid: list[int],
    period: int,
    stride: int,
    window: int,
) -> tuple[list[float | None], Ranged]:
    """Evaluate a metric math expression phase by phase, so each series has one datapoint per period.

    Expressions whose datapoints depend on the rest of the fetched range (``FILL(m, REPEAT)``, ``AVG(m)``,
    ``RATE``...) are evaluated, like CloudWatch does, over each evaluation's own range of ``window`` datapoints
    (returned as the second value, oldest first); the others once over the whole phase (the same values, faster).
    """
    from vigil.emulator import mathexpr
    from vigil.spec import metric_math

    try:
        parsed = metric_math.parse(expression)
    except metric_math.MathSyntaxError as exc:
        raise EvaluateError(f"alarm {name}: {exc}") from exc
    per_range = metric_math.range_dependent(parsed)
    out: list[float | None] = [None] * len(grid)
    ranged: list[list[float | None]] = [[] for _ in grid]
    try:
        for phase in range(stride):
            times = [t - period for t in grid[phase::stride]]
            series = {ident: values[phase::stride] for ident, values in metrics.items()}
            if not per_range:
                out[phase::stride] = mathexpr.evaluate(parsed, series, times=times, period=period)
                continue
            for i in range(len(times)):
                low = max(0, i - window + 1)
                part = {ident: values[low : i + 1] for ident, values in series.items()}
                result = mathexpr.evaluate(parsed, part, times=times[low : i + 1], period=period)
                padding: list[float | None] = [None] * (window - len(result))
                ranged[phase + i * stride] = padding + result
                out[phase + i * stride] = result[-1]
    except EvaluateError as exc:
        raise EvaluateError(f"alarm {name}: {exc}") from exc
    return out, (ranged if per_range else None)


def _fmt(value: float) -> str:
    return f"{value:.6g}"


def _reason(
    alarm: MetricAlarmPlan,
    grid: list[int],
    values: list[float | None],
    index: int,
    stride: int,
    r: int,
    new: State,
    m: int,
    n: int,
) -> str:
    """CloudWatch-style reason: which datapoints were seen, and how they compare with the threshold."""
    from datetime import UTC, datetime

    seen = []
    for j in range(r - 1, -1, -1):
        value = values[index - j * stride]
        if value is not None:
            stamp = datetime.fromtimestamp(grid[index - j * stride] - alarm_period(alarm), UTC).strftime(
                "%d/%m/%y %H:%M:%S"
            )
            seen.append(f"{_fmt(value)} ({stamp})")
    if not seen:
        return f"no datapoints in the evaluation range; treat missing data = {alarm.treat_missing_data}"
    words = comparison_words(alarm.comparison_operator)
    threshold = "" if alarm.threshold is None else f" ({_fmt(alarm.threshold)})"
    verb = "Threshold Crossed" if new == "ALARM" else "Threshold no longer crossed"
    return (
        f"{verb}: the last {len(seen)} datapoint(s) [{', '.join(seen[-n:])}] compared {words} the threshold"
        f"{threshold}; {m} of {n} needed to alarm"
    )


def evaluate_composite(
    composite: CompositeAlarmPlan, timelines: dict[str, AlarmTimeline], start: int, end: int
) -> AlarmTimeline:
    """A composite alarm: evaluated from its first evaluation on, ALARM while its rule holds, OK otherwise.

    PutCompositeAlarm: "When this operation creates an alarm, the alarm state is immediately set to
    INSUFFICIENT_DATA. The alarm is then evaluated and its state is set appropriately." So INSUFFICIENT_DATA is
    only the state before the first evaluation: a composite over children that never change state (a metric
    never emitted, a child the backtest skipped) is OK or ALARM as its rule says, not INSUFFICIENT_DATA forever.
    """
    rule = parse_rule(composite.alarm_rule)
    children = rule.children()
    missing = [c for c in children if c not in timelines]
    if missing:
        raise EvaluateError(f"composite alarm {composite.name}: rule references unknown alarms {missing}")
    times = sorted({t for c in children for t in timelines[c].times}) or list(range(-(-start // 60) * 60, end + 1, 60))
    timeline = AlarmTimeline(composite.name, composite.kind, composite.severity.value)
    state: State = "INSUFFICIENT_DATA"
    for time in times:
        states = {c: timelines[c].state_at(time) for c in children}
        new: State = "ALARM" if rule.holds(states) else "OK"
        timeline.times.append(time)
        timeline.states.append(new)
        if new != state:
            detail = ", ".join(f"{c}={s}" for c, s in states.items())
            verdict = "TRUE" if new == "ALARM" else "FALSE"
            timeline.transitions.append(
                Transition(time, state, new, f"rule {composite.alarm_rule} is {verdict} ({detail})")
            )
            state = new
    return timeline
