"""Inject faults and noise into a window of a :class:`~vigil.drill.world.World`: the changed arrays only.

An :class:`Occurrence` is one drawn fault or noise event: its effects, start, end, intensity, shape and seed.
:func:`apply` returns, for the window ``[lo, hi)`` of minute columns, a :class:`Patch` holding every signal whose
data changed (and the derived signals recomputed from them); signals it does not hold are the world's. With no
occurrence, or only zero-intensity ones, the patch is empty: injecting nothing is the normal traffic.

Example::

    >>> from vigil.drill.traffic_spec import TrafficFile
    >>> from vigil.drill.drill_spec import Effect
    >>> from vigil.drill.world import generate
    >>> spec = TrafficFile.model_validate({"version": "vigil/v1", "signals": {"req": {
    ...     "kind": "count", "namespace": "N", "metric": "m", "service": "api", "per_minute": 100}}})
    >>> world = generate(spec, start=0, minutes=60, seed=1)
    >>> gone = Occurrence("outage", (Effect(service="api", absent=True),), 600, 1200, 1.0, seed=3)
    >>> patch = apply(world, [gone], 0, 60)
    >>> patch.signals["req"].present[9:21].tolist()
    [True, False, False, False, False, False, False, False, False, False, False, True]
    >>> apply(world, [Occurrence("none", gone.effects, 600, 1200, 0.0, seed=3)], 0, 60).signals
    {}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from vigil.drill.drill_spec import Effect, Flap, Shape
from vigil.drill.traffic_spec import COUNT_KINDS, CopySignal, FractionSignal, ProbeSignal, RemainderSignal
from vigil.drill.world import Array, Combo, Floats, Ints, World, derive, expected_rate, matches, order, rng_for


@dataclass(frozen=True)
class Occurrence:
    """One drawn fault or noise event (times in epoch seconds, ``end`` exclusive)."""

    name: str
    effects: tuple[Effect, ...]
    start: int
    end: int
    intensity: float
    shape: Shape = "step"
    flap: Flap | None = None
    seed: int = 0


@dataclass
class Patched:
    """A signal's data over the patch window: values, sample pool, and whether it is emitted at all."""

    values: Array
    present: Array
    pool: Array | None = None


@dataclass
class Patch:
    """Changed signals over the minute columns ``[lo, hi)`` of a world."""

    lo: int
    hi: int
    signals: dict[str, Patched] = field(default_factory=dict)
    #: Services made absent, by minute column of the window (what probes of them see).
    down: dict[str, Array] = field(default_factory=dict)


def strength(occurrence: Occurrence, world: World, lo: int, hi: int, shape: Shape | None = None) -> Floats:
    """The occurrence's intensity at each minute column of ``[lo, hi)`` (0 outside its time)."""
    times = world.start + 60 * np.arange(lo, hi, dtype=np.int64)
    inside = (times >= occurrence.start) & (times < occurrence.end)
    elapsed = (times - occurrence.start).astype(np.float64)
    kind = shape or occurrence.shape
    if kind == "ramp":
        level = np.clip((elapsed + 60.0) / max(occurrence.end - occurrence.start, 60), 0.0, 1.0)
    elif kind == "flap":
        flap = occurrence.flap or Flap.model_validate({"down": "1m", "every": "10m"})
        level = ((elapsed % flap.every) < flap.down).astype(np.float64)
    else:
        level = np.ones(hi - lo)
    return np.where(inside, occurrence.intensity * level, 0.0)


def targets(world: World, effect: Effect) -> list[str]:
    """The generated signals an effect changes."""
    if effect.signal is not None:
        return [effect.signal] if effect.signal in world.signals else []
    return [name for name, data in world.signals.items() if data.spec.service == effect.service]


def apply(world: World, occurrences: Sequence[Occurrence], lo: int, hi: int) -> Patch:
    """The data of ``[lo, hi)`` after every occurrence (in order); see the module docstring."""
    lo, hi = max(lo, 0), min(hi, world.minutes)
    patch = Patch(lo, hi)
    changed_roots: set[str] = set()
    for occurrence in occurrences:
        for index, effect in enumerate(occurrence.effects):
            level = strength(occurrence, world, lo, hi, effect.shape)
            if not level.any():
                continue
            rng = rng_for(occurrence.seed, occurrence.name, index)
            for name in targets(world, effect):
                if _effect(world, patch, name, effect, level, rng):
                    changed_roots.add(name)
    if changed_roots:
        _rederive(world, patch, changed_roots)
    _probes(world, patch)
    return patch


def _probes(world: World, patch: Patch) -> None:
    """Probes of a service that is gone read ``down``."""
    for name, data in world.signals.items():
        spec = data.spec
        if isinstance(spec, ProbeSignal) and spec.checks in patch.down:
            probe = _get(world, patch, name)
            probe.values = np.where(patch.down[spec.checks][None, :], spec.down, probe.values)


def _get(world: World, patch: Patch, name: str) -> Patched:
    current = patch.signals.get(name)
    if current is None:
        data = world.signals[name]
        pool = None if data.pool is None else data.pool[:, patch.lo : patch.hi].copy()
        current = Patched(data.values[:, patch.lo : patch.hi].copy(), np.ones(patch.hi - patch.lo, bool), pool)
        patch.signals[name] = current
    return current


def _rows(world: World, name: str, where: dict[str, list[str]]) -> Array:
    return np.asarray([matches(c, where) for c in world.signals[name].combos], dtype=bool)


def _effect(world: World, patch: Patch, name: str, effect: Effect, level: Floats, rng: np.random.Generator) -> bool:
    """Apply one effect to one signal; True when its data changed."""
    kind = world.signals[name].spec.kind
    data = _get(world, patch, name)
    rows = _rows(world, name, effect.where)[:, None]
    active = level > 0
    if effect.absent:
        data.present &= ~active
        if effect.service is not None:
            gone = patch.down.setdefault(effect.service, np.zeros(patch.hi - patch.lo, bool))
            gone |= active
    elif effect.scale is not None:
        factor = 1.0 + (effect.scale - 1.0) * level[None, :]
        if kind in COUNT_KINDS:
            data.values = _rescale(
                data.values, np.where(rows, factor, 1.0), rng, expected_rate(world, name, patch.lo, patch.hi)
            )
        elif data.pool is not None:
            data.pool = (data.pool * np.where(rows, factor, 1.0)[:, :, None]).astype(np.float32)
        else:
            ceiling = getattr(world.signals[name].spec, "max", None)
            data.values = np.clip(data.values * np.where(rows, factor, 1.0), 0.0, ceiling)
    elif effect.tail is not None and data.pool is not None:
        factor = 1.0 + (effect.tail.scale - 1.0) * level[None, :, None]
        hit = (rng.random(data.pool.shape) < effect.tail.fraction) & rows[:, :, None]
        data.pool = np.where(hit, data.pool * factor, data.pool).astype(np.float32)
    elif effect.share is not None:
        data.values = _reshare(world, name, data.values, effect, level, rng)
    elif effect.rate is not None:
        return _rate(world, patch, name, effect, level, rows, rng)
    elif effect.fleet is not None:
        data.values = np.clip(data.values + np.where(active, effect.fleet, 0)[None, :], 0, None)
    elif effect.jitter is not None or effect.delay is not None:
        data.values = _late(world, name, data.values, effect, level, rng)
    return True


def _rescale(values: Ints, factor: Floats, rng: np.random.Generator, rate: Floats | None = None) -> Ints:
    """Events thinned (factor < 1) or added as a Poisson excess (factor > 1), row by row and minute by minute.

    The excess multiplies each row's rate, not the minute's drawn count: a sparse signal (0.05 error lines a minute
    is 0 in most minutes) scaled 30x must gain about 1.5 events a minute, where scaling the drawn zeros would add
    none. ``rate`` is the expected count per row and minute when it is known (generated traffic:
    :func:`expected_rate`); otherwise it is estimated from the counts (:func:`_local_rate`), which for a sparse
    signal over a short window can be 0.
    """
    down = np.where(factor < 1.0, rng.binomial(values, np.clip(factor, 0.0, 1.0)), values)
    base = _local_rate(values) if rate is None else rate
    extra = rng.poisson(np.clip(base * (factor - 1.0), 0.0, None))
    return np.where(factor > 1.0, values + extra, np.where(factor < 1.0, down, values)).astype(np.int64)


#: Minutes each side of a minute whose counts estimate that minute's rate (an hour in all: the diurnal curve moves
#: little within it, and a signal of 0.05 a minute shows about three events in it).
RATE_HALF_WINDOW = 30


def _local_rate(values: Ints) -> Floats:
    """Each row's mean count per minute over a centred window of ``2 * RATE_HALF_WINDOW + 1`` minutes (shorter at
    the edges of the array), the expected count a multiplied rate multiplies.

    >>> _local_rate(np.array([[0, 0, 3, 0, 0]])).round(2).tolist()
    [[0.6, 0.6, 0.6, 0.6, 0.6]]
    >>> _local_rate(np.array([[1] * 100 + [3] * 100]))[0, [0, 99, 199]].round(2).tolist()
    [1.0, 1.98, 3.0]
    """
    minutes = values.shape[1]
    sums = np.concatenate([np.zeros((values.shape[0], 1)), np.cumsum(values, axis=1, dtype=float)], axis=1)
    index = np.arange(minutes)
    low, high = np.clip(index - RATE_HALF_WINDOW, 0, minutes), np.clip(index + RATE_HALF_WINDOW + 1, 0, minutes)
    return np.asarray((sums[:, high] - sums[:, low]) / (high - low))


def _reshare(world: World, name: str, values: Ints, effect: Effect, level: Floats, rng: np.random.Generator) -> Ints:
    """Move events between the values of a mix dimension so the target values reach their new share."""
    combos = world.signals[name].combos
    spec_mix = getattr(world.signals[name].spec, "mix", {})
    out = values.copy()
    for dim, wanted in (effect.share or {}).items():
        base = spec_mix.get(dim, {})
        total = sum(base.values()) or 1.0
        for target, share in wanted.items():
            old = base.get(target, 0.0) / total
            for index, combo in enumerate(combos):
                fields = dict(combo)
                if fields.get(dim) == target or not matches(combo, effect.where):
                    continue
                twin = tuple((d, target if d == dim else v) for d, v in combo)
                if twin not in combos or share <= old:
                    continue
                p = np.clip((share - old) / max(1.0 - old, 1e-9) * level, 0.0, 1.0)
                moved = rng.binomial(out[index], p)
                out[index] -= moved
                out[combos.index(twin)] += moved
    return out


def _rate(
    world: World,
    patch: Patch,
    name: str,
    effect: Effect,
    level: Floats,
    rows: Array,
    rng: np.random.Generator,
) -> bool:
    spec = world.signals[name].spec
    if not isinstance(spec, FractionSignal) or effect.rate is None:
        return False
    parent = (
        _get(world, patch, spec.of).values
        if spec.of in patch.signals
        else world.signals[spec.of].values[:, patch.lo : patch.hi]
    )
    p = spec.rate + (effect.rate - spec.rate) * level[None, :]
    redraw = rng.binomial(parent.astype(np.int64), np.clip(np.broadcast_to(p, parent.shape), 0, 1))
    data = _get(world, patch, name)
    data.values = np.where(rows & (level > 0)[None, :], redraw, data.values).astype(np.int64)
    return True


def _late(world: World, name: str, values: Ints, effect: Effect, level: Floats, rng: np.random.Generator) -> Ints:
    """Events emitted late: ``jitter`` up to J seconds each, or ``delay``: flushed every D seconds."""
    out = np.zeros_like(values)
    width = values.shape[1]
    phases = world.signals[name].phases
    for col in range(width):
        count = values[:, col]
        if level[col] <= 0:
            out[:, col] += count
            continue
        for row in range(values.shape[0]):
            n = int(count[row])
            if n <= 0:
                continue
            second = phases[:n] if phases is not None and len(phases) >= n else rng.uniform(0, 60, n)
            if effect.jitter is not None:
                stamp = second + rng.uniform(0, effect.jitter * level[col], n)
            else:
                flush = max(60.0, float(effect.delay or 60) * level[col])
                stamp = np.ceil((col * 60 + second) / flush) * flush - col * 60
            shift = np.clip((stamp // 60).astype(np.int64), 0, width - 1 - col)
            np.add.at(out[row], col + shift, 1)
    return out


def _aligned(world: World, patch: Patch, parent: str, combos: list[Combo]) -> tuple[Array, Array, Array]:
    """A parent's patched and normal values over the window, row by row in the order of ``combos`` (a child's),
    and which child rows have a parent row (recorded traffic may lack some)."""
    index = {c: i for i, c in enumerate(world.signals[parent].combos)}
    rows = [index.get(c) for c in combos]
    has = np.asarray([r is not None for r in rows], dtype=bool)
    picked = [r for r in rows if r is not None]
    base = world.signals[parent].values[:, patch.lo : patch.hi]
    new = patch.signals[parent].values if parent in patch.signals else base
    width = patch.hi - patch.lo
    out_new = np.zeros((len(combos), width), dtype=np.int64)
    out_base = np.zeros((len(combos), width), dtype=np.int64)
    out_new[has], out_base[has] = new[picked], base[picked]
    return out_new, out_base, has


def _rederive(world: World, patch: Patch, roots: set[str]) -> None:
    """Recompute derived count signals whose parents changed, where (row and minute) they changed."""
    for name in order(world.spec, world.signals):
        spec = world.signals[name].spec if name in world.signals else None
        if not isinstance(spec, CopySignal | FractionSignal | RemainderSignal):
            continue
        parents = [spec.of, *getattr(spec, "minus", [])]
        if not all(p in world.signals for p in parents) or not any(p in patch.signals for p in parents):
            continue
        if name in roots and isinstance(spec, FractionSignal):
            continue
        combos = world.signals[name].combos
        mine = _get(world, patch, name)
        parent_values: dict[str, Array] = {}
        moved = np.zeros((len(combos), patch.hi - patch.lo), bool)
        for p in parents:
            new, base, has = _aligned(world, patch, p, combos)
            parent_values[p] = new
            moved |= (new != base) & has[:, None]
            if p in patch.signals:
                mine.present &= patch.signals[p].present
        if not moved.any():
            continue
        fresh = derive(spec, combos, world, rng_for(world.seed, "rederive", name, patch.lo), parent_values)
        mine.values = np.where(moved, fresh, mine.values).astype(np.int64)
