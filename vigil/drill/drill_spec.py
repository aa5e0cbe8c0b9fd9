"""The drill file: which fault classes a catalog must page for (severity, hence deadline), and normal-day noise.

A **fault class** is a set of effects on the traffic file's signals, drawn at random intensity, start time and
duration. An effect changes one signal (``signal``) or every signal of a service (``service``), optionally only
the events whose dimension values match ``where``:

- ``scale``: multiply the event rate (counts), the level (gauges) or the values (samples);
- ``tail``: multiply the values of a ``fraction`` of the samples only (a p99 tail with p95 unchanged);
- ``share``: set the share of mix values (``{StatusClass: {5xx: 0.2}}``: 20 % of the requests are 5xx);
- ``rate``: set the probability of a ``fraction`` signal (``job.failed``);
- ``absent``: no datapoint at all (the process is gone);
- ``fleet``: instances added (> 0) or removed (< 0) from a heartbeat signal;
- ``jitter``: each event (heartbeat) emitted up to this late, so it may land in the next minute;
- ``delay``: lines stamped this late (buffered flushes): the data move forward in time.

``one_of`` is like ``where`` but each draw picks one of the listed values (one endpoint group of several).

``intensity`` ``i`` in ``[0, 1]`` interpolates every effect between "no change" (0) and the written value (1):
a scale ``s`` becomes ``1 + (s - 1) * i``; ``absent`` and ``fleet`` apply whole when ``i > 0``. ``shape``:
``step`` (the whole duration), ``ramp`` (intensity grows linearly over the duration: a slow creep) or ``flap``
(on for ``down`` of every ``every``: a crash loop).

Example::

    >>> from vigil.spec.yaml_source import parse_text
    >>> doc = parse_text("version: vigil/v1\\nclasses:\\n  gone:\\n    severity: P1\\n    duration: [5m, 30m]\\n"
    ...                  "    effects: [{service: api, absent: true}]\\n", "drill.yaml")
    >>> DrillFile.model_validate(doc.data).classes["gone"].duration
    (300, 1800)
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from vigil.spec.models.common import Integer, Name, Number, Severity, Spec, Version


def _seconds(value: object) -> object:
    from vigil.spec.notation import NotationError, parse_duration

    if isinstance(value, str):
        try:
            return parse_duration(value)
        except NotationError as exc:
            raise ValueError(str(exc)) from None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"duration {value!r} needs a unit: s, m, h or d (e.g. '5m', '90s')")
    raise ValueError(f"duration {value!r} needs a unit: write '{value}s' or '{value // 60}m'")


Duration = Annotated[int, BeforeValidator(_seconds)]
Shape = Literal["step", "ramp", "flap"]


def _ordered(pair: tuple[float, float], what: str) -> None:
    if pair[0] > pair[1]:
        raise ValueError(f"{what}: [{pair[0]}, {pair[1]}] is not a range; write [low, high]")


class Tail(Spec):
    """A fraction of the samples multiplied by ``scale``."""

    fraction: Number = Field(gt=0, le=1)
    scale: Number = Field(gt=0)


class Flap(Spec):
    """A crash loop: the effects are on for ``down`` of every ``every``."""

    down: Duration
    every: Duration

    @model_validator(mode="after")
    def _fits(self) -> Flap:
        if not 0 < self.down < self.every:
            raise ValueError(f"down ({self.down}s) must be shorter than every ({self.every}s)")
        return self


CHANGE_FIELDS = ("scale", "tail", "share", "rate", "fleet", "jitter", "delay")


class Effect(Spec):
    """One change to the traffic; see the module docstring."""

    signal: str | None = None
    service: str | None = None
    where: dict[str, list[str]] = Field(default_factory=dict)
    one_of: dict[str, list[str]] = Field(
        default_factory=dict, description="Like where, but each draw picks ONE of the values (one endpoint group)."
    )
    scale: Number | None = Field(None, ge=0)
    tail: Tail | None = None
    share: dict[str, dict[str, Number]] | None = None
    rate: Number | None = Field(None, ge=0, le=1)
    absent: bool = False
    fleet: Integer | None = None
    jitter: Duration | None = None
    delay: Duration | None = None
    shape: Shape | None = Field(None, description="Overrides the class's shape for this effect.")

    @property
    def change(self) -> str:
        """The one change this effect makes (``scale``, ``tail``, ... or ``absent``)."""
        return next((n for n in CHANGE_FIELDS if getattr(self, n) is not None), "absent")

    @model_validator(mode="after")
    def _one_target_one_change(self) -> Effect:
        if (self.signal is None) == (self.service is None):
            raise ValueError("give exactly one of `signal` (one signal) or `service` (every signal of a service)")
        changes = [n for n in CHANGE_FIELDS if getattr(self, n) is not None]
        if self.absent:
            changes.append("absent")
        if len(changes) != 1:
            raise ValueError(
                f"give exactly one change (scale, tail, share, rate, absent, fleet, jitter or delay); got {changes or 'none'}"
            )
        return self


class _Drawn(Spec):
    description: str = ""
    intensity: tuple[Number, Number] = (1.0, 1.0)
    duration: tuple[Duration, Duration]
    shape: Shape = "step"
    flap: Flap | None = None
    hours: tuple[Integer, Integer] | None = Field(None, description="Start only between these hours (UTC).")
    effects: list[Effect] = Field(min_length=1)

    @model_validator(mode="after")
    def _ranges(self) -> _Drawn:
        _ordered(self.intensity, "intensity")
        _ordered(self.duration, "duration")
        if not 0 <= self.intensity[0] <= 1 or not 0 <= self.intensity[1] <= 1:
            raise ValueError(f"intensity {list(self.intensity)}: both ends must be between 0 and 1")
        if self.duration[0] < 60:
            raise ValueError("duration: at least 1m (alarms evaluate once a minute)")
        if (self.shape == "flap") != (self.flap is not None) and not any(e.shape == "flap" for e in self.effects):
            raise ValueError("shape: flap needs `flap: {down: 1m, every: 10m}` (and `flap` needs shape: flap)")
        if self.hours is not None and not (0 <= self.hours[0] < 24 and 0 < self.hours[1] <= 24):
            raise ValueError(f"hours {list(self.hours)}: hours of the day, 0-24")
        return self


class FaultClass(_Drawn):
    """A fault the catalog must page for at ``severity`` (P1/P2 within the deadline; P3/P4 never page)."""

    severity: Severity
    deadline: Duration | None = Field(None, description="Overrides the severity's deadline (slow creeps).")


class Noise(_Drawn):
    """Something that happens on ordinary days and must page nobody; ``per_day``: how many times a day."""

    per_day: tuple[Integer, Integer] = (1, 1)


class Targets(Spec):
    """What ``vigil drill --check`` demands: recall within the deadline per paging class, pages per incident,
    false pages per normal day (P3/P4 classes must never page)."""

    recall: Number = Field(0.95, ge=0, le=1)
    pages_per_incident: Number = Field(1.1, ge=0)
    false_pages_per_day: Number = Field(0.0, ge=0)


def _default_deadlines() -> dict[Literal["P1", "P2"], int]:
    return {"P1": 300, "P2": 900}


class DrillFile(Spec):
    """A drill file: deadlines per paging severity, targets, the fault classes and the normal-day noise."""

    version: Version
    description: str = ""
    targets: Targets = Field(default_factory=Targets)
    deadlines: dict[Literal["P1", "P2"], Duration] = Field(default_factory=_default_deadlines)
    classes: dict[Name, FaultClass] = Field(min_length=1)
    noise: dict[Name, Noise] = Field(default_factory=dict)
