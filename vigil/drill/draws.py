"""Random incidents and normal days, drawn from a drill file: deterministic for a seed.

Incidents go round the fault classes (sorted by name), so ``N`` incidents give every class ``N / classes``
draws; each draw picks its intensity, duration and start minute (anywhere in the horizon, within the class's
``hours`` if it has any) and one value of every ``one_of`` list. Normal days are distinct whole days of the
horizon, each with the noise of the drill file drawn ``per_day`` times.

Example::

    >>> from vigil.drill.drill_spec import DrillFile
    >>> spec = DrillFile.model_validate({"version": "vigil/v1", "classes": {"gone": {"severity": "P1",
    ...     "duration": ["5m", "30m"], "effects": [{"service": "api", "absent": True}]}}})
    >>> first = draw_incidents(spec, 2, seed=7, lo=0, hi=86400)
    >>> [d.fault for d in first], first == draw_incidents(spec, 2, seed=7, lo=0, hi=86400)
    (['gone', 'gone'], True)
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from vigil.drill.drill_spec import DrillFile, Effect, FaultClass, Noise
from vigil.drill.inject import Occurrence

DAY = 86400
#: Time after a fault ends during which its pages still belong to it (alarms lag their data).
TAIL_S = 1800


@dataclass(frozen=True)
class Draw:
    """One random incident: its class, severity, deadline (None: must not page) and the drawn occurrence."""

    index: int
    fault: str
    severity: str
    deadline: int | None
    occurrence: Occurrence


@dataclass(frozen=True)
class NormalDay:
    """One ordinary day (``start``: its midnight, epoch seconds) and the noise drawn on it."""

    index: int
    start: int
    occurrences: tuple[Occurrence, ...]


def _effects(rng: random.Random, effects: Sequence[Effect]) -> tuple[Effect, ...]:
    out = []
    for effect in effects:
        if effect.one_of:
            picked = {dim: [rng.choice(values)] for dim, values in sorted(effect.one_of.items())}
            effect = effect.model_copy(update={"where": {**effect.where, **picked}, "one_of": {}})
        out.append(effect)
    return tuple(out)


def _start(rng: random.Random, entry: FaultClass | Noise, lo: int, hi: int, duration: int) -> int:
    latest = max(lo, hi - duration)
    for _ in range(200):
        start = lo + rng.randrange(0, max(1, (latest - lo) // 60)) * 60
        if entry.hours is None:
            return start
        hour = (start % DAY) // 3600
        if entry.hours[0] <= hour < entry.hours[1]:
            return start
    return start


def _occurrence(rng: random.Random, name: str, entry: FaultClass | Noise, lo: int, hi: int) -> Occurrence:
    low, high = entry.intensity
    intensity = round(rng.uniform(low, high), 3)
    duration = rng.randrange(entry.duration[0] // 60, entry.duration[1] // 60 + 1) * 60
    start = _start(rng, entry, lo, hi, duration)
    return Occurrence(
        name,
        _effects(rng, entry.effects),
        start,
        start + duration,
        intensity,
        entry.shape,
        entry.flap,
        rng.getrandbits(32),
    )


def deadline_of(spec: DrillFile, entry: FaultClass) -> int | None:
    """The class's deadline in seconds; None for severities that must not page (P3, P4)."""
    if entry.severity.value not in spec.deadlines:
        return None
    return entry.deadline if entry.deadline is not None else spec.deadlines[entry.severity.value]


def draw_incidents(
    spec: DrillFile, count: int, *, seed: int, lo: int, hi: int, classes: Sequence[str] | None = None
) -> list[Draw]:
    """``count`` incidents starting in ``[lo, hi - duration - TAIL_S]`` (epoch seconds); see the module docstring."""
    names = sorted(classes if classes is not None else spec.classes)
    out = []
    for index in range(count):
        name = names[index % len(names)]
        entry = spec.classes[name]
        rng = random.Random(f"drill:{seed}:incident:{index}")
        occurrence = _occurrence(rng, name, entry, lo, hi - TAIL_S)
        out.append(Draw(index, name, entry.severity.value, deadline_of(spec, entry), occurrence))
    return out


def draw_days(spec: DrillFile, count: int, *, seed: int, days: Sequence[int]) -> list[NormalDay]:
    """``count`` distinct days among ``days`` (midnights), each with its noise; see the module docstring."""
    rng = random.Random(f"drill:{seed}:days")
    if count > len(days):
        raise ValueError(f"{count} normal days asked, the horizon has {len(days)}")
    picked = sorted(rng.sample(list(days), count))
    out = []
    for index, start in enumerate(picked):
        day_rng = random.Random(f"drill:{seed}:day:{index}")
        occurrences = []
        for name in sorted(spec.noise):
            noise = spec.noise[name]
            for _ in range(day_rng.randint(*noise.per_day)):
                occurrences.append(_occurrence(day_rng, name, noise, start, start + DAY))
        out.append(NormalDay(index, start, tuple(occurrences)))
    return out
