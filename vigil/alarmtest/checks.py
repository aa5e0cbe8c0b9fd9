"""State expectations of ``vigil test`` (``at``/``state``, ``first_alarm``) and the context a failure prints.

>>> format_offset(90), format_offset(3900), format_offset(0)
('1m30s', '1h5m', '0s')
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vigil.emulator.timeline import AlarmTimeline, Evaluation
from vigil.spec.notation import parse_duration
from vigil.spec.testfile import Expectation

CONTEXT_ROWS = 6


@dataclass
class Failure:
    """One expectation that did not hold, with what the alarm saw around that time."""

    alarm: str
    line: int
    expected: str
    got: str
    context: list[str] = field(default_factory=list)


def format_offset(seconds: float) -> str:
    """``90 -> '1m30s'``, ``3600 -> '1h'``, ``-60 -> '-1m'`` (offsets from a test's start).

    >>> format_offset(90), format_offset(3900), format_offset(0)
    ('1m30s', '1h5m', '0s')
    """
    sign = "-" if seconds < 0 else ""
    rest = int(abs(seconds))
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if rest >= size:
            parts.append(f"{rest // size}{unit}")
            rest %= size
    return sign + ("".join(parts) or "0s")


def check_state(evaluation: Evaluation, name: str, expect: Expectation, start: int, line: int) -> Failure | None:
    """The failure of an ``at``/``first_alarm`` expectation on alarm ``name`` (physical), or None when it holds."""
    timeline = evaluation.timelines[name]
    who = expect.alarm or name
    if expect.at is not None:
        at = start + parse_duration(expect.at)
        got = timeline.state_at(at)
        if got == expect.state:
            return None
        return Failure(who, line, f"{expect.state} at {expect.at}", got, _context(evaluation, timeline, at, start))
    first = timeline.first_alarm(after=start)
    if expect.first_alarm == "never":
        if first is None:
            return None
        return Failure(
            who,
            line,
            "never in ALARM",
            f"ALARM at {format_offset(first - start)}",
            _context(evaluation, timeline, first, start),
        )
    assert isinstance(expect.first_alarm, tuple)
    low, high = (start + parse_duration(v) for v in expect.first_alarm)
    if first is not None and low <= first <= high:
        return None
    window = f"first ALARM within [{expect.first_alarm[0]}, {expect.first_alarm[1]}]"
    seen = "never in ALARM" if first is None else f"first ALARM at {format_offset(first - start)}"
    return Failure(who, line, window, seen, _context(evaluation, timeline, first or high, start))


def _context(evaluation: Evaluation, timeline: AlarmTimeline, at: int, start: int) -> list[str]:
    """The evaluations around ``at``: time, datapoint, threshold (or child states) and state."""
    if not timeline.times:
        return ["(the alarm was never evaluated)"]
    from bisect import bisect_right

    index = max(bisect_right(timeline.times, at) - 1, 0)
    rows = []
    low = max(index - CONTEXT_ROWS, 0)
    for i in range(low, min(index + 3, len(timeline.times))):
        t = timeline.times[i]
        marker = ">" if i == index else " "
        if timeline.values:
            value = timeline.values[i]
            shown = "missing" if value is None else f"{value:.6g}"
            threshold = timeline.thresholds[i]
            bound = "" if threshold is None else f" threshold {threshold:.6g}"
            if timeline.lower is not None and timeline.lower[i] is not None:
                bound = f" band [{timeline.lower[i]:.6g}, {threshold:.6g}]" if threshold is not None else bound
            rows.append(f"{marker} {format_offset(t - start):>8}  datapoint {shown}{bound}  -> {timeline.states[i]}")
        else:
            rows.append(f"{marker} {format_offset(t - start):>8}  -> {timeline.states[i]}")
    if not timeline.values:
        rule = next((tr.reason for tr in timeline.transitions if tr.time <= at), "")
        if rule:
            rows.append(f"  last change: {rule}")
    return rows
