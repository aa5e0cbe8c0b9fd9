"""Alert accuracy against known incidents: which incidents an alarm caught and how fast, and false pages.

An incident (``{name, start, end}``, the same file as ``vigil backtest --incidents``) is **detected** at the first
transition into ALARM, inside its window, of an alarm that notifies; **time to detect** is that minus the start. A
**page** (a paging alarm entering ALARM, :func:`vigil.oncall.report.summarize`'s notion) inside no incident window
is a **false page**; **precision** is true pages over pages.

Example::

    >>> from vigil.backtest.incidents import Incident
    >>> from vigil.oncall.report import StateChange
    >>> changes = [StateChange("api", 600, "OK", "ALARM", None), StateChange("api", 9000, "OK", "ALARM", None)]
    >>> a = score(changes, {"api": ("P1", True)}, [Incident("outage", 300, 1200)], start=0, end=86400)
    >>> a.mean_detect_s, a.false_pages, a.precision
    (300.0, 1, 0.5)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vigil.backtest.incidents import Incident
from vigil.oncall.report import PAGING, StateChange


@dataclass(frozen=True)
class Detection:
    """One incident and the alarm that first caught it (``alarm`` None: missed)."""

    incident: Incident
    alarm: str | None
    detect_s: float | None


@dataclass(frozen=True)
class Accuracy:
    """Incidents caught and missed, and how many pages were false."""

    detections: tuple[Detection, ...]
    pages: int
    false_pages: int

    @property
    def mean_detect_s(self) -> float | None:
        """Mean time to detect over the detected incidents."""
        found = [d.detect_s for d in self.detections if d.detect_s is not None]
        return round(sum(found) / len(found), 1) if found else None

    @property
    def precision(self) -> float | None:
        """True pages over pages (None without pages)."""
        return (self.pages - self.false_pages) / self.pages if self.pages else None

    def to_json(self) -> dict[str, Any]:
        """The ``incidents`` part of ``vigil oncall-report --format json``."""
        return {
            "detected": sum(1 for d in self.detections if d.alarm is not None),
            "missed": [d.incident.name for d in self.detections if d.alarm is None],
            "mean_time_to_detect_s": self.mean_detect_s,
            "false_pages": self.false_pages,
            "page_precision": self.precision,
            "each": [
                {"name": d.incident.name, "alarm": d.alarm, "time_to_detect_s": d.detect_s} for d in self.detections
            ],
        }


def score(
    changes: Iterable[StateChange],
    alarms: Mapping[str, tuple[str, bool]],
    incidents: Sequence[Incident],
    *,
    start: float,
    end: float,
) -> Accuracy:
    """Score the transitions into ALARM of ``alarms`` (name -> (severity, notifies)) in ``[start, end)``."""
    entries = sorted(
        (c for c in changes if c.alarm in alarms and c.new == "ALARM" and c.old != "ALARM" and start <= c.time < end),
        key=lambda c: (c.time, c.alarm),
    )
    notifying = [c for c in entries if alarms[c.alarm][1]]
    detections = []
    for incident in incidents:
        hit = next((c for c in notifying if incident.start <= c.time <= incident.end), None)
        detections.append(Detection(incident, hit.alarm if hit else None, hit.time - incident.start if hit else None))
    pages = [c for c in notifying if alarms[c.alarm][0] in PAGING]
    false = sum(1 for c in pages if not any(i.start <= c.time <= i.end for i in incidents))
    return Accuracy(tuple(detections), len(pages), false)
