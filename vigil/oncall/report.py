"""On-call health of a stack from its alarms' state changes (pure: no AWS here).

Definitions (from the history alone; no incident list is needed):

- **page**: a transition into ALARM of a P1 or P2 alarm that pages someone (the caller says which:
  ``vigil oncall-report`` uses :func:`vigil.backtest.report.paging_alarms`, the definition of ``vigil backtest``
  and ``vigil drill``: its actions reach PagerDuty or SMS through the stack's routing);
- **time to resolve** (MTTR-ish): ALARM -> OK of the same alarm; episodes still open at the end are left out;
- **detection delay** (MTTD-ish): the ALARM transition's time minus the earliest datapoint CloudWatch evaluated
  for it (``newState.stateReasonData.evaluatedDatapoints``): how long the signal breached before the alarm
  said so. Composite alarms have no datapoints and are left out;
- **flapping**: an alarm that entered ALARM ``flap_count`` (4) times or more within ``flap_window`` (1 h).

Example::

    >>> ok = StateChange("a", 0, "ALARM", "OK", None)
    >>> alarm = StateChange("a", 600, "OK", "ALARM", 480)
    >>> back = StateChange("a", 1500, "ALARM", "OK", None)
    >>> r = summarize([ok, alarm, back], {"a": ("P1", True)}, start=0, end=7 * 86400)
    >>> r.pages, r.pages_per_week, r.mean_resolve_s, r.mean_detect_s
    (1, 1.0, 900.0, 120.0)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

WEEK = 7 * 86400
PAGING = ("P1", "P2")


@dataclass(frozen=True)
class StateChange:
    """One StateUpdate history item: alarm, time (epoch s), old and new state, earliest evaluated datapoint."""

    alarm: str
    time: float
    old: str
    new: str
    first_datapoint: float | None


@dataclass
class AlarmHealth:
    """What one alarm did over the period."""

    alarm: str
    severity: str
    pages: bool
    alarms: int = 0
    resolve_s: list[float] = field(default_factory=list)
    detect_s: list[float] = field(default_factory=list)
    flapping: bool = False


@dataclass(frozen=True)
class OncallReport:
    """The stack's on-call health over ``[start, end)``."""

    start: float
    end: float
    pages: int
    pages_per_week: float
    mean_resolve_s: float | None
    mean_detect_s: float | None
    alarms: tuple[AlarmHealth, ...]

    def noisiest(self, n: int = 5) -> list[AlarmHealth]:
        """The ``n`` alarms that entered ALARM most often (ties by name)."""
        return sorted((a for a in self.alarms if a.alarms), key=lambda a: (-a.alarms, a.alarm))[:n]

    def flapping(self) -> list[AlarmHealth]:
        """Alarms that flapped (see the module docstring)."""
        return [a for a in self.alarms if a.flapping]

    def to_json(self) -> dict[str, Any]:
        """The report as plain JSON data (``vigil oncall-report --format json``)."""
        return {
            "start": self.start,
            "end": self.end,
            "pages": self.pages,
            "pages_per_week": round(self.pages_per_week, 2),
            "mean_time_to_resolve_s": self.mean_resolve_s,
            "mean_detection_delay_s": self.mean_detect_s,
            "noisiest": [{"alarm": a.alarm, "severity": a.severity, "alarms": a.alarms} for a in self.noisiest()],
            "flapping": [a.alarm for a in self.flapping()],
        }


def _epoch(value: Any) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    return datetime.fromisoformat(str(value).replace("Z", "+00:00").replace("+0000", "+00:00")).timestamp()


def parse_history_item(item: Mapping[str, Any]) -> StateChange | None:
    """A DescribeAlarmHistory item as a :class:`StateChange` (None: not a state update, or unreadable data)."""
    if item.get("HistoryItemType") != "StateUpdate":
        return None
    try:
        data = json.loads(item.get("HistoryData") or "{}")
        old, new = data["oldState"]["stateValue"], data["newState"]["stateValue"]
    except (ValueError, KeyError, TypeError):
        return None
    reason = data["newState"].get("stateReasonData") or {}
    points = [_epoch(p["timestamp"]) for p in reason.get("evaluatedDatapoints", []) if "timestamp" in p]
    return StateChange(str(item["AlarmName"]), _epoch(item["Timestamp"]), old, new, min(points) if points else None)


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _flaps(times: list[float], count: int, window: float) -> bool:
    return any(times[i + count - 1] - times[i] <= window for i in range(len(times) - count + 1))


def summarize(
    changes: Iterable[StateChange],
    alarms: Mapping[str, tuple[str, bool]],
    *,
    start: float,
    end: float,
    flap_count: int = 4,
    flap_window: float = 3600.0,
) -> OncallReport:
    """The report of ``changes`` for the ``alarms`` of a plan (name -> (severity, notifies)); history of alarms
    the plan does not have (deleted, another stack) is ignored."""
    health = {name: AlarmHealth(name, sev, sev in PAGING and notifies) for name, (sev, notifies) in alarms.items()}
    entered: dict[str, list[float]] = {name: [] for name in alarms}
    for change in sorted(changes, key=lambda c: (c.time, c.alarm)):
        h = health.get(change.alarm)
        if h is None or not start <= change.time < end:
            continue
        if change.new == "ALARM" and change.old != "ALARM":
            h.alarms += 1
            entered[change.alarm].append(change.time)
            if change.first_datapoint is not None:
                h.detect_s.append(max(0.0, change.time - change.first_datapoint))
        elif change.old == "ALARM" and change.new == "OK" and entered[change.alarm]:
            h.resolve_s.append(change.time - entered[change.alarm][-1])
    for name, h in health.items():
        h.flapping = _flaps(entered[name], flap_count, flap_window)
    paging = [h for h in health.values() if h.pages]
    pages = sum(h.alarms for h in paging)
    weeks = max(end - start, 1.0) / WEEK
    return OncallReport(
        start=start,
        end=end,
        pages=pages,
        pages_per_week=pages / weeks,
        mean_resolve_s=_mean([s for h in paging for s in h.resolve_s]),
        mean_detect_s=_mean([s for h in paging for s in h.detect_s]),
        alarms=tuple(sorted(health.values(), key=lambda h: h.alarm)),
    )
