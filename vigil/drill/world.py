"""Normal traffic over a horizon, generated from a traffic file: one array per signal, one column per minute.

Only the signals some alarm reads (and the signals they derive from) are generated. Every random draw comes
from one seeded numpy generator per signal, so a world is the same for a seed on every run and machine.

- count-like signals (``count``, ``copy``, ``fraction``, ``remainder``): events per minute, one row per
  combination of mix values (:attr:`SignalData.combos`);
- ``samples``: the number of values per minute (rows: the parent's combinations projected onto the dimensions
  that matter) and a pool of ``max_samples`` log-normal values per row and minute, drawn once;
- ``gauge``: the level per minute, one row per mix value combination;
- ``heartbeat``: instances alive per minute (one row) and each instance's second of the minute.

Example::

    >>> from vigil.drill.traffic_spec import TrafficFile
    >>> spec = TrafficFile.model_validate({"version": "vigil/v1", "signals": {"req": {
    ...     "kind": "count", "namespace": "N", "metric": "m", "service": "api", "per_minute": 100}}})
    >>> world = generate(spec, start=0, minutes=60, seed=1)
    >>> world.signals["req"].values.shape
    (1, 60)
"""

from __future__ import annotations

import itertools
import math
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from vigil.drill.traffic_spec import (
    CopySignal,
    CountSignal,
    Curve,
    FractionSignal,
    GaugeSignal,
    HeartbeatSignal,
    ProbeSignal,
    RemainderSignal,
    SamplesSignal,
    Signal,
    TrafficFile,
)

#: Arrays of events, levels or samples (numpy's element types vary by signal kind).
Array = npt.NDArray[Any]
Ints = Array
Floats = Array
Combo = tuple[tuple[str, str], ...]


def curve_factors(curve: Curve, start: int, minutes: int) -> Floats:
    """Traffic relative to the weekday peak for each minute from ``start`` (epoch seconds, UTC)."""
    t = start + 60 * np.arange(minutes, dtype=np.int64)
    hour = (t % 86400) / 3600.0
    span = float(curve.fall - curve.rise)
    inside = (hour >= curve.rise) & (hour < curve.fall)
    sine = np.clip(np.sin(np.pi * (hour - curve.rise) / span), 0.0, None)
    daily = np.where(inside, curve.night + (1 - curve.night) * sine, curve.night)
    weekday = (t // 86400 + 3) % 7  # 1970-01-01 was a Thursday: 0 = Monday
    return np.asarray(daily * np.where(weekday >= 5, curve.weekend, 1.0), dtype=np.float64)


@dataclass
class SignalData:
    """One signal's normal data; see the module docstring."""

    spec: Signal
    combos: list[Combo]
    values: Array
    pool: Array | None = None
    phases: Floats | None = None


@dataclass
class World:
    """Every generated signal from ``start`` (epoch seconds, minute-aligned) for ``minutes`` minutes."""

    spec: TrafficFile
    start: int
    minutes: int
    seed: int
    signals: dict[str, SignalData] = field(default_factory=dict)
    #: Recorded traffic: each row is one recorded metric key and feeds that key only.
    exact: bool = False

    @property
    def end(self) -> int:
        """Epoch second just after the last generated minute."""
        return self.start + 60 * self.minutes

    def column(self, t: int) -> int:
        """The column of the minute containing epoch second ``t``."""
        return (t - self.start) // 60


def rng_for(seed: int, *parts: object) -> np.random.Generator:
    """A generator seeded by ``seed`` and the names in ``parts`` (stable across runs and machines)."""
    words = [zlib.crc32(str(p).encode()) for p in parts]
    return np.random.default_rng([seed & 0xFFFFFFFF, *words])


def _mix_combos(mix: Mapping[str, Mapping[str, float]]) -> tuple[list[Combo], Floats]:
    """Every combination of mix values and its share (dimensions drawn independently)."""
    dims = sorted(mix)
    combos: list[Combo] = []
    shares: list[float] = []
    for values in itertools.product(*[sorted(mix[d].items()) for d in dims]):
        combos.append(tuple((d, v) for d, (v, _) in zip(dims, values, strict=True)))
        share = 1.0
        for d, (_, s) in zip(dims, values, strict=True):
            share *= s / sum(mix[d].values())
        shares.append(share)
    return combos, np.asarray(shares, dtype=np.float64)


def expected_rate(world: World, name: str, lo: int, hi: int) -> Floats | None:
    """The expected count per row and minute of a generated count signal over the minute columns ``[lo, hi)``: its
    rate, mix share and daily curve. None for recorded traffic and derived signals (their rate is estimated from
    the counts).

    >>> from vigil.drill.traffic_spec import TrafficFile
    >>> spec = TrafficFile.model_validate({"version": "vigil/v1", "signals": {"errors": {"kind": "count",
    ...     "namespace": "N", "metric": "e", "service": "api", "per_minute": 0.05, "curve": False}}})
    >>> world = generate(spec, start=0, minutes=10, seed=1)
    >>> expected_rate(world, "errors", 0, 3).tolist()
    [[0.05, 0.05, 0.05]]
    """
    signal = world.signals[name]
    spec = signal.spec
    if world.exact or not isinstance(spec, CountSignal):
        return None
    combos, shares = _mix_combos(spec.mix)
    share_of = dict(zip(combos, shares.tolist(), strict=True))
    level = curve_factors(world.spec.curve, world.start + 60 * lo, hi - lo) if spec.curve else np.ones(hi - lo)
    rows = np.array([share_of[combo] for combo in signal.combos])
    return np.asarray(float(spec.per_minute or 0) * rows[:, None] * level[None, :])


def order(spec: TrafficFile, wanted: Iterable[str]) -> list[str]:
    """The signals to generate for ``wanted`` (with every signal they derive from), parents first."""
    out: list[str] = []
    seen: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in seen or name not in spec.signals:
            return
        if name in path:
            raise ValueError(f"signals {' -> '.join((*path, name))}: a signal cannot derive from itself")
        signal = spec.signals[name]
        for parent in [getattr(signal, "of", None), *getattr(signal, "minus", [])]:
            if parent is not None:
                visit(parent, (*path, name))
        seen.add(name)
        out.append(name)

    for name in sorted(wanted):
        visit(name, ())
    return out


def generate(
    spec: TrafficFile,
    *,
    start: int,
    minutes: int,
    seed: int,
    signals: Iterable[str] | None = None,
    sample_dims: Mapping[str, frozenset[str]] | None = None,
) -> World:
    """Generate ``signals`` (default: all) and what they derive from; ``sample_dims``: per samples signal, the
    mix dimensions its values must keep apart (default: none, one row)."""
    world = World(spec, start - start % 60, minutes, seed)
    factors = curve_factors(spec.curve, world.start, minutes)
    for name in order(spec, signals if signals is not None else spec.signals):
        rng = rng_for(seed, "signal", name)
        world.signals[name] = _generate(name, spec.signals[name], world, factors, rng, sample_dims or {})
    return world


def _generate(
    name: str,
    signal: Signal,
    world: World,
    factors: Floats,
    rng: np.random.Generator,
    sample_dims: Mapping[str, frozenset[str]],
) -> SignalData:
    minutes = world.minutes
    if isinstance(signal, CountSignal):
        combos, shares = _mix_combos(signal.mix)
        level = factors if signal.curve else np.ones(minutes)
        rates = signal.per_minute * shares[:, None] * level[None, :]
        return SignalData(signal, combos, rng.poisson(rates).astype(np.int64))
    if isinstance(signal, CopySignal | FractionSignal | RemainderSignal):
        parent = world.signals[signal.of]
        return SignalData(signal, parent.combos, derive(signal, parent.combos, world, rng))
    if isinstance(signal, SamplesSignal):
        if signal.of is not None:
            counts, combos = project_rows(world.signals[signal.of], sample_dims.get(name, frozenset()))
        else:
            combos = [()]
            counts = rng.poisson(float(signal.per_minute or 0) * factors)[None, :].astype(np.int64)
        pool = rng.lognormal(math.log(signal.median), signal.sigma, size=(len(combos), minutes, signal.max_samples))
        return SignalData(signal, combos, counts, pool=pool.astype(np.float32))
    if isinstance(signal, GaugeSignal):
        combos, shares = _mix_combos(signal.mix)
        level = factors if signal.curve else np.ones(minutes)
        values = signal.level * shares[:, None] * level[None, :]
        if signal.noise:
            values = values + rng.normal(0.0, signal.noise, size=values.shape)
        values = np.clip(values, 0.0, signal.max)
        return SignalData(signal, combos, np.asarray(values, dtype=np.float64))
    if isinstance(signal, ProbeSignal):
        return SignalData(signal, [()], np.full((1, minutes), signal.up, dtype=np.float64))
    assert isinstance(signal, HeartbeatSignal)
    alive = np.full((1, minutes), signal.fleet, dtype=np.int64)
    phases = (2.0 + np.arange(signal.fleet) * (56.0 / signal.fleet)).astype(np.float64)
    return SignalData(signal, [()], alive, phases=phases)


def matches(combo: Combo, where: Mapping[str, list[str]]) -> bool:
    """True when the combination carries one of the ``where`` values for every ``where`` dimension."""
    values = dict(combo)
    return all(values.get(dim) in allowed for dim, allowed in where.items())


def derive(
    signal: CopySignal | FractionSignal | RemainderSignal,
    combos: list[Combo],
    world: World,
    rng: np.random.Generator,
    parents: Mapping[str, Ints] | None = None,
    rate: Floats | None = None,
) -> Ints:
    """A derived signal's events from its parents' (``parents`` overrides the world's arrays, for faults;
    ``rate`` overrides a fraction's probability per row and minute)."""

    def counts(name: str) -> Ints:
        if parents is not None and name in parents:
            return parents[name]
        return world.signals[name].values

    base = counts(signal.of)
    if isinstance(signal, CopySignal):
        mask = np.asarray([matches(c, signal.where) for c in combos], dtype=bool)
        return np.where(mask[:, None], base, 0).astype(np.int64)
    if isinstance(signal, FractionSignal):
        p = np.full(base.shape, signal.rate) if rate is None else rate
        return rng.binomial(base, np.clip(p, 0.0, 1.0)).astype(np.int64)
    rest = base.copy()
    for other in signal.minus:
        rest -= counts(other)
    return np.clip(rest, 0, None).astype(np.int64)


def project_rows(parent: SignalData, keep: frozenset[str]) -> tuple[Ints, list[Combo]]:
    """The parent's events per minute summed over every mix dimension not in ``keep``."""
    groups: dict[Combo, list[int]] = {}
    for index, combo in enumerate(parent.combos):
        groups.setdefault(tuple((d, v) for d, v in combo if d in keep), []).append(index)
    combos = sorted(groups)
    values = np.stack([parent.values[groups[c]].sum(axis=0) for c in combos]).astype(np.int64)
    return values, combos
