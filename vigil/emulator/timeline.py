"""What an evaluation produces: each alarm's states, datapoints and transitions over time."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from vigil.emulator.alarm import State


@dataclass(frozen=True)
class Transition:
    """A state change at ``time`` (epoch seconds), with CloudWatch-style reason text."""

    time: int
    old: State
    new: State
    reason: str


@dataclass
class AlarmTimeline:
    """One alarm over the evaluated range.

    ``values`` is the newest datapoint the alarm saw at each evaluation time, ``thresholds`` the threshold (the
    upper band for anomaly alarms) and ``lower`` the lower band (anomaly alarms only). Composite alarms have no
    values. ``approximate`` marks anomaly alarms, whose band is Vigil's approximation of CloudWatch's model.
    ``evaluated`` False: the alarm was not evaluated (``note`` says why); its INSUFFICIENT_DATA states mean nothing.

    >>> t = AlarmTimeline("a", "static", "P1", times=[60, 120], states=["OK", "ALARM"])
    >>> t.state_at(59), t.state_at(60), t.state_at(1000)
    ('INSUFFICIENT_DATA', 'OK', 'ALARM')
    """

    name: str
    kind: str
    severity: str
    times: list[int] = field(default_factory=list)
    states: list[State] = field(default_factory=list)
    values: list[float | None] = field(default_factory=list)
    thresholds: list[float | None] = field(default_factory=list)
    lower: list[float | None] | None = None
    transitions: list[Transition] = field(default_factory=list)
    approximate: bool = False
    note: str = ""
    period: int = 60
    evaluation_periods: int = 1
    datapoints_to_alarm: int = 1
    evaluated: bool = True

    def state_at(self, t: float) -> State:
        """The state at time ``t``: the result of the last evaluation at or before ``t``."""
        index = bisect_right(self.times, t) - 1
        return self.states[index] if index >= 0 else "INSUFFICIENT_DATA"

    def first_alarm(self, after: float = float("-inf"), before: float = float("inf")) -> int | None:
        """Time of the first transition to ALARM in ``[after, before]``, or None."""
        return next((tr.time for tr in self.transitions if tr.new == "ALARM" and after <= tr.time <= before), None)


@dataclass
class Evaluation:
    """Every alarm of a plan evaluated over ``[start, end]`` (epoch seconds)."""

    start: int
    end: int
    timelines: dict[str, AlarmTimeline] = field(default_factory=dict)

    def transitions(self) -> list[tuple[str, Transition]]:
        """Every transition of every alarm, in time order (alarm name as tie-breaker)."""
        out = [(name, tr) for name, tl in self.timelines.items() for tr in tl.transitions]
        return sorted(out, key=lambda item: (item[1].time, item[0]))
