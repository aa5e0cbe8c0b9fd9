"""On-call health from alarm transitions: pages per week, time in ALARM, MTTR, noisy and flapping alarms, MTTD.

Definitions (the same words as ``vigil backtest``):

- a **page** is a transition to ALARM of a paging alarm (:func:`vigil.backtest.report.paging_alarms`);
- an **episode** runs from a transition to ALARM to the next transition out of ALARM (or the end of the report);
  **time to recover** is an episode that ends in OK; **MTTR** is their mean;
- a **re-entry** is a transition to ALARM less than an hour (:data:`FLAP_WINDOW_S`) after the alarm left ALARM;
  an alarm with re-entries is **flapping**;
- with incidents, an incident is **detected** at the first transition to ALARM, inside its window, of an alarm that
  notifies anyone; **MTTD** is the mean of detection minus start; a page inside no incident window is a false page.

Example::

    >>> from vigil.oncall.history import Transition
    >>> t = [Transition("api", 0, "OK", "ALARM"), Transition("api", 600, "ALARM", "OK")]
    >>> r = summarise(t, start=0, end=7 * 86400, paging={"api"}, notifying={"api"}, names={"api"})
    >>> r.pages, r.pages_per_week, r.alarms["api"].mttr_s
    (1, 1.0, 600.0)
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from vigil.backtest.incidents import Incident
from vigil.backtest.report import iso
from vigil.oncall.history import Transition

FLAP_WINDOW_S = 3600
WEEK_S = 7 * 86400


@dataclass
class AlarmHealth:
    """One alarm over the report."""

    name: str
    paging: bool
    alarms: int = 0  # transitions to ALARM
    seconds_in_alarm: int = 0
    recoveries: list[int] = field(default_factory=list)  # seconds from ALARM to OK
    reentries: int = 0

    @property
    def mttr_s(self) -> float | None:
        """Mean seconds from ALARM to OK, None when the alarm never recovered in the period."""
        return float(mean(self.recoveries)) if self.recoveries else None

    def to_json(self) -> dict[str, Any]:
        """The JSON form of this alarm's numbers."""
        return {
            "name": self.name,
            "paging": self.paging,
            "alarms": self.alarms,
            "seconds_in_alarm": self.seconds_in_alarm,
            "recoveries": len(self.recoveries),
            "mttr_s": self.mttr_s,
            "reentries_within_1h": self.reentries,
        }


@dataclass
class IncidentDetection:
    """An incident and when an alarm first caught it (None: missed)."""

    incident: Incident
    detected_at: int | None
    alarm: str | None

    @property
    def mttd_s(self) -> int | None:
        """Seconds from the incident's start to its detection, None when missed."""
        return None if self.detected_at is None else self.detected_at - self.incident.start


@dataclass
class OncallReport:
    """Every number of the report; ``to_json`` is the ``--format json`` contract."""

    start: int
    end: int
    alarms: dict[str, AlarmHealth]
    pages: int
    false_pages: int | None
    incidents: list[IncidentDetection]

    @property
    def pages_per_week(self) -> float:
        """Pages scaled to a 7-day week."""
        return self.pages * WEEK_S / max(1, self.end - self.start)

    @property
    def mttr_s(self) -> float | None:
        """Mean time to recover over every recovery of every alarm."""
        every = [s for a in self.alarms.values() for s in a.recoveries]
        return float(mean(every)) if every else None

    @property
    def mttd_s(self) -> float | None:
        """Mean time to detect over the detected incidents (None without incidents or detections)."""
        found = [d.mttd_s for d in self.incidents if d.mttd_s is not None]
        return float(mean(found)) if found else None

    def noisiest(self, count: int = 5) -> list[AlarmHealth]:
        """The alarms that went to ALARM most often (ties by name)."""
        ranked = sorted((a for a in self.alarms.values() if a.alarms), key=lambda a: (-a.alarms, a.name))
        return ranked[:count]

    def flapping(self) -> list[AlarmHealth]:
        """Alarms that re-entered ALARM within an hour of leaving it, most re-entries first."""
        return sorted((a for a in self.alarms.values() if a.reentries), key=lambda a: (-a.reentries, a.name))

    def to_json(self) -> dict[str, Any]:
        """The report as JSON (deterministic key order)."""
        precision = None
        if self.false_pages is not None and self.pages:
            precision = (self.pages - self.false_pages) / self.pages
        return {
            "from": iso(self.start),
            "to": iso(self.end),
            "pages": self.pages,
            "pages_per_week": round(self.pages_per_week, 2),
            "false_pages": self.false_pages,
            "page_precision": precision,
            "mttr_s": self.mttr_s,
            "mttd_s": self.mttd_s,
            "noisiest": [a.name for a in self.noisiest()],
            "flapping": [a.name for a in self.flapping()],
            "incidents": [
                {
                    "name": d.incident.name,
                    "detected_at": None if d.detected_at is None else iso(d.detected_at),
                    "alarm": d.alarm,
                    "mttd_s": d.mttd_s,
                }
                for d in self.incidents
            ],
            "alarms": [self.alarms[name].to_json() for name in sorted(self.alarms)],
        }


def summarise(
    transitions: Sequence[Transition],
    *,
    start: int,
    end: int,
    paging: Set[str],
    notifying: Set[str],
    names: Set[str],
    incidents: Sequence[Incident] = (),
) -> OncallReport:
    """The report of ``transitions`` (time order, inside ``[start, end]``) for the alarms ``names``."""
    alarms = {name: AlarmHealth(name, name in paging) for name in names}
    by_alarm: dict[str, list[Transition]] = {}
    for transition in transitions:
        by_alarm.setdefault(transition.alarm, []).append(transition)
    for name, own in by_alarm.items():
        if name in alarms:
            _walk(alarms[name], own, start, end)
    page_times = [t.time for t in transitions if t.new == "ALARM" and t.alarm in paging]
    detections = [_detect(incident, transitions, notifying) for incident in incidents]
    false_pages = None
    if incidents:
        false_pages = sum(1 for when in page_times if not any(i.start <= when <= i.end for i in incidents))
    return OncallReport(start, end, alarms, len(page_times), false_pages, detections)


def _walk(health: AlarmHealth, own: list[Transition], start: int, end: int) -> None:
    """Episodes of one alarm: time in ALARM, recoveries, re-entries (state before the first item is its ``old``).

    An episode already open at ``start`` counts toward time in ALARM but not toward MTTR (its start is unknown).
    """
    entered: int | None = start if own[0].old == "ALARM" else None
    observed = False
    left: int | None = None
    for transition in own:
        if transition.new == "ALARM" and entered is None:
            health.alarms += 1
            if left is not None and transition.time - left < FLAP_WINDOW_S:
                health.reentries += 1
            entered, observed = transition.time, True
        elif transition.new != "ALARM" and entered is not None:
            health.seconds_in_alarm += transition.time - entered
            if transition.new == "OK" and observed:
                health.recoveries.append(transition.time - entered)
            entered, left = None, transition.time
    if entered is not None:
        health.seconds_in_alarm += end - entered


def _detect(incident: Incident, transitions: Sequence[Transition], notifying: Set[str]) -> IncidentDetection:
    for transition in transitions:
        if transition.new == "ALARM" and transition.alarm in notifying and incident.start <= transition.time:
            if transition.time <= incident.end:
                return IncidentDetection(incident, transition.time, transition.alarm)
            break
    return IncidentDetection(incident, None, None)
