"""Evaluate a window of time after injecting faults: only the alarms whose data changed, the rest from the base.

The normal traffic is evaluated once over the whole horizon (the **base**). For an incident or a normal day, the
metric alarms that read a changed metric key are evaluated again over the window (with enough warm-up for their
evaluation range and, for anomaly alarms, their baseline); every other alarm's timeline is the base's, cut to the
window. Composite alarms are evaluated over the result, and pages are counted by
:func:`vigil.backtest.report.count_pages`, the function ``vigil backtest`` uses.

Example::

    >>> whole = AlarmTimeline("a", "static", "P1", times=[0, 60, 120], states=["ALARM", "ALARM", "OK"],
    ...                       transitions=[Transition(0, "INSUFFICIENT_DATA", "ALARM", ""), Transition(120, "ALARM", "OK", "")])
    >>> [(t.time, t.new) for t in slice_timeline(whole, 60, 120).transitions]
    [(60, 'ALARM'), (120, 'OK')]
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, replace

from vigil.backtest.incidents import Incident
from vigil.backtest.report import Page, PageRules, count_pages
from vigil.drill.inject import Patch
from vigil.drill.keys import Source, fill
from vigil.drill.world import World
from vigil.emulator.alarm import evaluation_range
from vigil.emulator.anomaly import BASELINE_S
from vigil.emulator.engine import alarm_period, evaluate_composite, evaluate_metric_alarm
from vigil.emulator.store import MetricKey, MetricStore
from vigil.emulator.timeline import AlarmTimeline, Evaluation, Transition
from vigil.plan.types import AlarmsPlan, MetricAlarmPlan


def slice_timeline(timeline: AlarmTimeline, lo: int, hi: int) -> AlarmTimeline:
    """The part of ``timeline`` in ``[lo, hi]``; its first state is given as a transition at the first time."""
    i, j = bisect_left(timeline.times, lo), bisect_right(timeline.times, hi)
    transitions = [t for t in timeline.transitions if lo <= t.time <= hi]
    times = timeline.times[i:j]
    if times and timeline.states[i] != "INSUFFICIENT_DATA" and not (transitions and transitions[0].time == times[0]):
        transitions.insert(0, Transition(times[0], "INSUFFICIENT_DATA", timeline.states[i], "window start"))
    return AlarmTimeline(
        timeline.name,
        timeline.kind,
        timeline.severity,
        times=times,
        states=timeline.states[i:j],
        transitions=transitions,
        approximate=timeline.approximate,
        note=timeline.note,
        period=timeline.period,
        evaluation_periods=timeline.evaluation_periods,
        datapoints_to_alarm=timeline.datapoints_to_alarm,
    )


def alarm_keys(alarm: MetricAlarmPlan) -> list[MetricKey]:
    """The metric keys a metric alarm reads."""
    stats = [alarm.metric] if alarm.metric is not None else [q.metric for q in alarm.metric_queries]
    return [MetricKey.of(m.namespace, m.metric_name, m.dimensions) for m in stats if m is not None]


#: Evaluations before a window: an alarm's state depends on the past only through its evaluation range (whose
#: data the window's store holds) and, for ``ignore``/partial data, its previous state, which settles within this.
SETTLE_S = 3600


def warmup(alarm: MetricAlarmPlan) -> int:
    """Seconds of evaluation before a window so the alarm's state there is what the full evaluation gives;
    anomaly alarms also need their trailing baseline (the band is computed from the evaluated datapoints)."""
    if alarm.kind == "anomaly":
        return SETTLE_S + BASELINE_S
    return SETTLE_S


def lookback(alarm: MetricAlarmPlan) -> int:
    """Seconds of data before its first evaluation that an alarm reads."""
    return alarm_period(alarm) * evaluation_range(alarm.evaluation_periods)


@dataclass
class Base:
    """The base evaluation and what a window needs to re-evaluate part of it."""

    world: World
    alarms: AlarmsPlan
    feeds: Mapping[MetricKey, list[Source]]
    evaluation: Evaluation
    rules: PageRules
    skip: Mapping[str, str]
    readers: Mapping[MetricKey, list[MetricAlarmPlan]]
    dependants: Mapping[str, set[str]]
    raw: Set[MetricKey] | None = None

    def affected(self, patch: Patch) -> tuple[list[MetricAlarmPlan], set[MetricKey]]:
        """The metric alarms that read a key whose data the patch changes, and those keys."""
        changed: set[str] = set()
        for name in patch.signals:
            changed |= self.dependants.get(name, {name})
        keys = {key for key, feed in self.feeds.items() if any(s.signal in changed for s in feed)}
        names: dict[str, MetricAlarmPlan] = {}
        for key in keys:
            for alarm in self.readers.get(key, []):
                names[alarm.name] = alarm
        return [a for a in self.alarms.metric_alarms if a.name in names], keys


def evaluate_window(base: Base, patch: Patch, lo: int, hi: int) -> Evaluation:
    """Every alarm over ``[lo, hi]`` (epoch seconds) with the patch applied; see the module docstring."""
    alarms, _ = base.affected(patch)
    # every key the re-evaluated alarms read, changed or not (a rate reads both its numerator and denominator)
    keys = {key for alarm in alarms for key in alarm_keys(alarm) if key in base.feeds}
    start = min([lo - warmup(a) for a in alarms] or [lo])
    start -= start % 60
    store = MetricStore()
    world = base.world
    for key in keys:
        back = max([lookback(a) for a in base.readers.get(key, [])] or [0])
        fill(
            store, world, patch, {key: base.feeds[key]}, world.column(start - back) - 1, world.column(hi) + 2, base.raw
        )
    timelines: dict[str, AlarmTimeline] = {}
    fresh = {a.name for a in alarms}
    for alarm in base.alarms.metric_alarms:
        if alarm.name in fresh:
            fresh_timeline = evaluate_metric_alarm(alarm, store, start, hi, data_start=world.start)
            timelines[alarm.name] = slice_timeline(fresh_timeline, lo, hi)
        else:
            timelines[alarm.name] = slice_timeline(base.evaluation.timelines[alarm.name], lo, hi)
    for composite in base.alarms.composite_alarms:
        timelines[composite.name] = evaluate_composite(composite, timelines, lo, hi)
    return Evaluation(start=lo, end=hi, timelines=timelines)


def pages_in(base: Base, evaluation: Evaluation, incidents: Sequence[Incident], lo: int, hi: int) -> list[Page]:
    """The pages of an evaluation that happen in ``[lo, hi)``, each with the metric alarms behind it."""
    pages = count_pages(evaluation, incidents, base.rules.paging, base.rules.suppressors)
    composites = {c.name: c.children for c in base.alarms.composite_alarms}
    return [replace(p, because=because(evaluation, composites, p.alarm, p.time)) for p in pages if lo <= p.time < hi]


def because(evaluation: Evaluation, composites: Mapping[str, Sequence[str]], alarm: str, time: int) -> tuple[str, ...]:
    """The metric alarms under ``alarm`` (itself, for a metric alarm) in ALARM at ``time``, through nested
    composites, in name order: what a page was for.

    Example::

        >>> ok = AlarmTimeline("ok", "static", "P1", times=[0], states=["OK"])
        >>> bad = AlarmTimeline("bad", "static", "P1", times=[0], states=["ALARM"])
        >>> ev = Evaluation(0, 60, {"ok": ok, "bad": bad})
        >>> because(ev, {"family": ["inner", "ok"], "inner": ["bad"]}, "family", 30)
        ('bad',)
    """
    if alarm not in composites:
        timeline = evaluation.timelines.get(alarm)
        return (alarm,) if timeline is not None and timeline.state_at(time) == "ALARM" else ()
    found: set[str] = set()
    for child in composites[alarm]:
        found.update(because(evaluation, composites, child, time))
    return tuple(sorted(found))


def readers_of(alarms: Iterable[MetricAlarmPlan], skip: Mapping[str, str]) -> dict[MetricKey, list[MetricAlarmPlan]]:
    """For each metric key, the (evaluated) metric alarms that read it."""
    out: dict[MetricKey, list[MetricAlarmPlan]] = {}
    for alarm in alarms:
        if alarm.name in skip:
            continue
        for key in alarm_keys(alarm):
            out.setdefault(key, []).append(alarm)
    return out
