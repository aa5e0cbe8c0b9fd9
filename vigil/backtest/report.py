"""What a backtest found: transitions, pages, incidents caught and missed; as the JSON contract and as text.

A **page** is defined once, in :mod:`vigil.emulator.notifications` (``vigil test`` uses the same): a transition to
ALARM of an alarm whose ALARM actions run (after an actions suppressor's wait) and notify a topic with a paging
subscription (:func:`~vigil.emulator.notifications.pages_someone`). A page inside an incident window
(``start <= time <= end``) belongs to that incident; any other page is a false page. An incident is **detected** at the first transition to ALARM, inside its window,
of an alarm that notifies anyone (it has ALARM actions, paging or not: a P4 alarm whose topic only feeds a
dashboard counts; the halves of an SLO burn-rate pair, which notify nobody, do not); ``mttd_s`` is that time minus
the incident's start.

Example::

    >>> from vigil.plan.types import AlarmsPlan
    >>> notifying_alarms(AlarmsPlan((), ()))
    set()
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from vigil.backtest.incidents import Incident
from vigil.backtest.ingest import IngestStats
from vigil.emulator.notifications import page_times, pages_someone
from vigil.emulator.timeline import Evaluation
from vigil.plan.types import (
    AlarmsPlan,
    CompositeAlarmPlan,
    MetricAlarmPlan,
    RoutingPlan,
    SuppressorPlan,
)


def notifying_alarms(alarms: AlarmsPlan) -> set[str]:
    """Names of the alarms with ALARM actions (the ones whose ALARM anybody sees)."""
    every: list[MetricAlarmPlan | CompositeAlarmPlan] = [*alarms.metric_alarms, *alarms.composite_alarms]
    return {alarm.name for alarm in every if alarm.actions.alarm and alarm.actions.severity is not None}


def paging_alarms(alarms: AlarmsPlan, routing: RoutingPlan) -> set[str]:
    """Names of the alarms whose transition to ALARM pages someone."""
    out = set()
    every: list[MetricAlarmPlan | CompositeAlarmPlan] = [*alarms.metric_alarms, *alarms.composite_alarms]
    for alarm in every:
        if alarm.actions.alarm and pages_someone(routing, alarm.actions.severity):
            out.add(alarm.name)
    return out


def iso(seconds: float) -> str:
    """``2026-01-05T10:00:00Z``."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Page:
    """One page: which alarm, its severity, when, and the incident it belongs to (None: a false page)."""

    alarm: str
    severity: str
    time: int
    incident: str | None
    #: The metric alarms behind a composite's page that were in ALARM at its time (filled by ``vigil drill``).
    because: tuple[str, ...] = ()


@dataclass
class IncidentResult:
    """One incident and what caught it."""

    incident: Incident
    detected_at: int | None
    alarms: list[str] = field(default_factory=list)

    @property
    def mttd_s(self) -> int | None:
        """Seconds from the start of the incident to its detection, None when missed."""
        return None if self.detected_at is None else self.detected_at - self.incident.start


@dataclass
class BacktestResult:
    """Everything ``vigil backtest`` reports."""

    stats: IngestStats
    evaluation: Evaluation
    incidents: list[IncidentResult]
    pages: list[Page]
    source: str = "logs"

    @property
    def false_pages(self) -> int:
        """Pages outside every incident window."""
        return sum(1 for p in self.pages if p.incident is None)

    @property
    def days(self) -> float:
        """Length of the evaluated range in days."""
        return max(self.evaluation.end - self.evaluation.start, 1) / 86400.0

    @property
    def not_evaluated(self) -> list[str]:
        """Alarms the backtest could not evaluate (e.g. AWS service metrics, which logs do not contain)."""
        return [name for name, tl in self.evaluation.timelines.items() if not tl.evaluated]

    @property
    def pages_per_day(self) -> float:
        """Pages per day of evaluated time."""
        return round(len(self.pages) / self.days, 3)

    def to_json(self) -> dict[str, Any]:
        """The JSON contract of ``vigil backtest --format json``."""
        timelines = self.evaluation.timelines
        return {
            "lines": {
                "read": self.stats.read,
                "invalid": self.stats.invalid,
                "datapoints": self.stats.datapoints,
                "invalid_by_reason": dict(sorted(self.stats.invalid_by_reason.items())),
            },
            "range": {"start": iso(self.evaluation.start), "end": iso(self.evaluation.end)},
            "alarms": [
                {
                    "name": name,
                    "severity": tl.severity,
                    "approximate": tl.approximate,
                    "evaluated": tl.evaluated,
                    **({} if tl.evaluated else {"note": tl.note}),
                    "transitions": [{"time": iso(t.time), "from": t.old, "to": t.new} for t in tl.transitions],
                }
                for name, tl in timelines.items()
            ],
            "not_evaluated": self.not_evaluated,
            "incidents": [
                {
                    "name": r.incident.name,
                    "start": iso(r.incident.start),
                    "end": iso(r.incident.end),
                    "detected_at": None if r.detected_at is None else iso(r.detected_at),
                    "mttd_s": r.mttd_s,
                    "alarms": r.alarms,
                }
                for r in self.incidents
            ],
            "pages": [
                {"alarm": p.alarm, "severity": p.severity, "time": iso(p.time), "incident": p.incident}
                for p in self.pages
            ],
            "false_pages": self.false_pages,
            "pages_per_day": self.pages_per_day,
        }


@dataclass(frozen=True)
class PageRules:
    """What turns a transition to ALARM into a page: the paging alarms, and the composites' actions suppressors."""

    paging: frozenset[str]
    suppressors: Mapping[str, SuppressorPlan]

    @classmethod
    def of(cls, alarms: AlarmsPlan, routing: RoutingPlan) -> PageRules:
        """The rules of a plan's alarms and routing."""
        suppressors = {c.name: c.suppressor for c in alarms.composite_alarms if c.suppressor is not None}
        return cls(frozenset(paging_alarms(alarms, routing)), suppressors)


def count_pages(
    evaluation: Evaluation,
    incidents: Sequence[Incident],
    paging: Set[str],
    suppressors: Mapping[str, SuppressorPlan] | None = None,
) -> list[Page]:
    """Every page of an evaluation (:func:`~vigil.emulator.notifications.page_times`: transitions to ALARM of a
    paging alarm, when its actions run), in time order, each owned by the first incident whose window holds it.
    The one definition of a page, shared by ``vigil backtest`` and ``vigil drill``."""
    pages = []
    for name, time in page_times(evaluation, set(paging), suppressors):
        owner = next((i.name for i in incidents if i.start <= time <= i.end), None)
        pages.append(Page(name, evaluation.timelines[name].severity, time, owner))
    return pages


def build_result(
    evaluation: Evaluation,
    stats: IngestStats,
    incidents: list[Incident],
    paging: set[str],
    source: str = "logs",
    notifying: set[str] | None = None,
    suppressors: Mapping[str, SuppressorPlan] | None = None,
) -> BacktestResult:
    """Pages and incident detection from an evaluation (see the module docstring for the definitions).

    ``notifying``: the alarms that can detect an incident (default: every alarm). ``suppressors``: composite
    alarms with an actions suppressor page when :func:`~vigil.emulator.suppression.action_time` says, or not at all.
    """
    ordered = evaluation.transitions()
    to_alarm = [(name, tr.time) for name, tr in ordered if tr.new == "ALARM"]
    results = []
    for incident in incidents:
        hits = [
            (name, t)
            for name, t in to_alarm
            if incident.start <= t <= incident.end and (notifying is None or name in notifying)
        ]
        names = list(dict.fromkeys(name for name, _ in hits))
        results.append(IncidentResult(incident, hits[0][1] if hits else None, names))
    pages = count_pages(evaluation, incidents, paging, suppressors)
    return BacktestResult(stats, evaluation, results, pages, source)


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return "-"
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s" if secs else f"{minutes} min"


def render_text(result: BacktestResult) -> str:
    """The readable summary: input, range, incidents (caught or missed), pages, alarms that changed state."""
    stats = result.stats
    ev = result.evaluation
    lines = [f"Backtest {iso(ev.start)} .. {iso(ev.end)} ({result.days:.1f} days, from {result.source})"]
    if result.source == "logs":
        lines.append(
            f"  log events read: {stats.read:,}  EMF events: {stats.emf_events:,}  refused by CloudWatch rules: "
            f"{stats.invalid:,}  datapoints: {stats.datapoints:,} ({stats.filter_datapoints:,} from metric filters)"
        )
        for reason, count in sorted(stats.invalid_by_reason.items(), key=lambda kv: -kv[1]):
            from vigil.backtest.emf import REASONS

            lines.append(f"    {count:,} refused: {REASONS.get(reason, reason)} ({reason})")
    else:
        lines.append(f"  datapoints fetched: {stats.datapoints:,}")
    if result.incidents:
        lines.append("")
        lines.append("Incidents:")
        for r in result.incidents:
            shown = ", ".join(r.alarms[:3]) + (f" and {len(r.alarms) - 3} more" if len(r.alarms) > 3 else "")
            what = f"detected after {_duration(r.mttd_s)} by {shown}" if r.detected_at is not None else "MISSED"
            lines.append(f"  {r.incident.name} ({iso(r.incident.start)} .. {iso(r.incident.end)}): {what}")
    lines.append("")
    lines.append(
        f"Pages: {len(result.pages)} ({result.false_pages} outside any incident, {result.pages_per_day} per day)"
    )
    for p in result.pages:
        lines.append(
            f"  {iso(p.time)} {p.severity} {p.alarm}" + (f"  [{p.incident}]" if p.incident else "  [false page]")
        )
    lines.append("")
    changed = [(n, tl) for n, tl in ev.timelines.items() if any(t.new == "ALARM" for t in tl.transitions)]
    evaluated = len(ev.timelines) - len(result.not_evaluated)
    lines.append(f"Alarms that went to ALARM: {len(changed)} of {evaluated} evaluated")
    for name, tl in changed:
        count = sum(1 for t in tl.transitions if t.new == "ALARM")
        note = " (anomaly band: approximation)" if tl.approximate else ""
        lines.append(f"  {tl.severity} {name}: {count} time(s), first at {iso(tl.first_alarm() or 0)}{note}")
    if result.not_evaluated:
        lines.append("")
        lines.append(f"Not evaluated: {len(result.not_evaluated)} alarm(s) (their state over this range is unknown)")
        for name in result.not_evaluated:
            tl = ev.timelines[name]
            lines.append(f"  {tl.severity} {name}: {tl.note}")
    return "\n".join(lines)
