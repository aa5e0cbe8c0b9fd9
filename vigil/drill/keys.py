"""From generated signals to the metric keys alarms read, and into the emulator's metric store.

An event of a signal carries its fixed dimensions plus its mix values; like ``vigil.emf``, which emits a metric
under every declared dimension set the event's dimensions cover, it counts towards every key of its metric whose
dimensions it carries with the same values. :func:`sources` finds, for each key an alarm reads, the signal rows
that feed it; :func:`fill` writes the datapoints of a window into a :class:`~vigil.emulator.store.MetricStore`.

Example::

    >>> from vigil.drill.traffic_spec import TrafficFile
    >>> from vigil.drill.world import generate
    >>> from vigil.emulator.store import MetricKey, MetricStore
    >>> spec = TrafficFile.model_validate({"version": "vigil/v1", "signals": {"req": {
    ...     "kind": "count", "namespace": "N", "metric": "m", "service": "api", "per_minute": 100,
    ...     "dimensions": {"Service": "api"}, "mix": {"Status": {"ok": 0.9, "bad": 0.1}}}}})
    >>> world = generate(spec, start=0, minutes=60, seed=1)
    >>> key = MetricKey.of("N", "m", {"Service": "api", "Status": "bad"})
    >>> feeds = sources(world, [key], environment="prod")
    >>> [(s.signal, s.rows) for s in feeds[key]]
    [('req', (0,))]
    >>> store = MetricStore()
    >>> fill(store, world, None, feeds, 0, 60)
    >>> store.datapoints(key, "Sum", 3600, [3600])[0] > 0
    True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass

import numpy as np

from vigil.drill.inject import Patch
from vigil.drill.traffic_spec import COUNT_KINDS, SamplesSignal
from vigil.drill.world import Array, Combo, SignalData, World, project_rows
from vigil.emulator.store import MetricKey, MetricStore
from vigil.spec.models.common import render_template


@dataclass(frozen=True)
class Source:
    """The rows of one signal that feed a key."""

    signal: str
    rows: tuple[int, ...]


def _feeds(fixed: Mapping[str, str], combo: Combo, key: MetricKey) -> bool:
    values = dict(combo)
    for dim, wanted in key.dimensions:
        got = fixed.get(dim, values.get(dim))
        if got != wanted:
            return False
    return True


def fixed_dimensions(data: SignalData, environment: str, stack: str = "", ecs_cluster: str = "") -> dict[str, str]:
    """The signal's fixed dimensions with ``${environment}``, ``${stack}``, ``${ecs_cluster}`` filled in."""
    spec = data.spec
    return {
        k: render_template(v, environment=environment, service=spec.service, stack=stack, ecs_cluster=ecs_cluster)
        for k, v in spec.dimensions.items()
    }


def sources(
    world: World, keys: Iterable[MetricKey], *, environment: str, stack: str = "", ecs_cluster: str = ""
) -> dict[MetricKey, list[Source]]:
    """For each key some generated signal feeds, the rows that feed it (keys nothing feeds are left out)."""
    out: dict[MetricKey, list[Source]] = {}
    for key in keys:
        feeds = []
        for name, data in world.signals.items():
            spec = data.spec
            if spec.namespace != key.namespace or spec.metric != key.metric:
                continue
            fixed = fixed_dimensions(data, environment, stack, ecs_cluster)
            rows = tuple(
                i
                for i, combo in enumerate(data.combos)
                if _feeds(fixed, combo, key) and (not world.exact or len(fixed) + len(combo) == len(key.dimensions))
            )
            if rows:
                feeds.append(Source(name, rows))
        if feeds:
            out[key] = feeds
    return out


def _window(
    world: World, patch: Patch | None, name: str, lo: int, hi: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Values, presence and pool of a signal over columns ``[lo, hi)``, the patch overriding the world."""
    data = world.signals[name]
    values = data.values[:, lo:hi]
    present = np.ones(hi - lo, bool)
    pool = None if data.pool is None else data.pool[:, lo:hi]
    patched = None if patch is None else patch.signals.get(name)
    if patch is not None and patched is not None:
        a, b = max(lo, patch.lo), min(hi, patch.hi)
        if a < b:
            values = values.copy()
            values[:, a - lo : b - lo] = patched.values[:, a - patch.lo : b - patch.lo]
            present[a - lo : b - lo] = patched.present[a - patch.lo : b - patch.lo]
            if pool is not None and patched.pool is not None:
                pool = pool.copy()
                pool[:, a - lo : b - lo] = patched.pool[:, a - patch.lo : b - patch.lo]
    return values, present, pool


def _sample_counts(world: World, patch: Patch | None, name: str, lo: int, hi: int) -> tuple[Array, Array]:
    data = world.signals[name]
    spec = data.spec
    assert isinstance(spec, SamplesSignal)
    own, present, _ = _window(world, patch, name, lo, hi)
    if spec.of is None:
        return own, present
    parent_values, parent_present, _ = _window(world, patch, spec.of, lo, hi)
    parent = SignalData(world.signals[spec.of].spec, world.signals[spec.of].combos, parent_values)
    counts, combos = project_rows(parent, frozenset(d for c in data.combos for d, _ in c))
    order = [combos.index(c) for c in data.combos]
    return counts[order], present & parent_present


def fill(
    store: MetricStore,
    world: World,
    patch: Patch | None,
    feeds: Mapping[MetricKey, list[Source]],
    lo: int,
    hi: int,
    raw: Set[MetricKey] | None = None,
) -> None:
    """Write the datapoints of minute columns ``[lo, hi)`` of every key of ``feeds`` into ``store``.

    ``raw``: the keys some alarm reads with a statistic that needs every value (percentiles, trimmed means): they
    get the kept raw values; the other ``samples`` keys get one statistic set per minute over every event (exact
    SampleCount, Sum, Minimum, Maximum and Average, in a fraction of the memory). Default: every key raw."""
    lo, hi = max(lo, 0), min(hi, world.minutes)
    if hi <= lo:
        return
    times = [world.start + 60 * c + 30 for c in range(lo, hi)]
    for key, feed in feeds.items():
        for source in feed:
            if raw is not None and key not in raw and world.signals[source.signal].spec.kind == "samples":
                _fill_sets(store, world, patch, key, source, lo, hi, times)
            else:
                _fill_source(store, world, patch, key, source, lo, hi, times)


def _fill_source(
    store: MetricStore,
    world: World,
    patch: Patch | None,
    key: MetricKey,
    source: Source,
    lo: int,
    hi: int,
    times: list[int],
) -> None:
    data = world.signals[source.signal]
    spec = data.spec
    rows = list(source.rows)
    if spec.kind in COUNT_KINDS:
        values, present, _ = _window(world, patch, source.signal, lo, hi)
        sums = values[rows].sum(axis=0).tolist()
        keep = present.tolist()
        zero = spec.emit_zero
        put = store.add_statistic_set  # one value per minute: a statistic set is the same data, added faster
        for t, v, p in zip(times, sums, keep, strict=True):
            if p and (v or zero):
                put(key, t, sample_count=1, total=float(v), minimum=float(v), maximum=float(v))
    elif spec.kind == "heartbeat":
        values, present, _ = _window(world, patch, source.signal, lo, hi)
        for t, v, p in zip(times, values[0].tolist(), present.tolist(), strict=True):
            if p and v > 0:
                store.add_statistic_set(key, t, sample_count=v, total=float(v), minimum=1.0, maximum=1.0)
    elif spec.kind in ("gauge", "probe"):
        values, present, _ = _window(world, patch, source.signal, lo, hi)
        columns = values[rows].T.tolist()
        for t, vs, p in zip(times, columns, present.tolist(), strict=True):
            if p:
                store.add(key, t, vs)
    else:
        _fill_samples(store, world, patch, key, source, lo, hi, times)


def _fill_sets(
    store: MetricStore,
    world: World,
    patch: Patch | None,
    key: MetricKey,
    source: Source,
    lo: int,
    hi: int,
    times: list[int],
) -> None:
    """A samples source as per-minute statistic sets (count, sum, min, max), computed with numpy."""
    counts, present = _sample_counts(world, patch, source.signal, lo, hi)
    _, _, pool = _window(world, patch, source.signal, lo, hi)
    assert pool is not None
    rows = list(source.rows)
    cap = pool.shape[2]
    n = counts[rows]
    kept = np.minimum(n, cap)
    mask = np.arange(cap)[None, None, :] < kept[:, :, None]
    values = pool[rows].astype(np.float64)
    sums = np.where(mask, values, 0.0).sum(axis=2)
    means = np.divide(sums, kept, out=np.zeros_like(sums), where=kept > 0)
    total = (sums + means * (n - kept)).sum(axis=0)
    low = np.where(mask, values, np.inf).min(axis=(0, 2))
    high = np.where(mask, values, -np.inf).max(axis=(0, 2))
    count = n.sum(axis=0)
    put = store.add_statistic_set
    for column, t in enumerate(times):
        if present[column] and count[column] > 0:
            put(
                key,
                t,
                sample_count=float(count[column]),
                total=float(total[column]),
                minimum=float(low[column]),
                maximum=float(high[column]),
            )


def _fill_samples(
    store: MetricStore,
    world: World,
    patch: Patch | None,
    key: MetricKey,
    source: Source,
    lo: int,
    hi: int,
    times: list[int],
) -> None:
    """A samples source as raw values: at most ``max_samples`` a minute (a uniform subsample of the minute's
    values, so percentiles are unbiased; SampleCount and Sum of such a key count only the kept values)."""
    counts, present = _sample_counts(world, patch, source.signal, lo, hi)
    _, _, pool = _window(world, patch, source.signal, lo, hi)
    assert pool is not None
    cap = pool.shape[2]
    kept = np.minimum(counts[list(source.rows)], cap).tolist()
    rows = pool[list(source.rows)]
    for column, t in enumerate(times):
        if not present[column]:
            continue
        raw: list[float] = []
        for index in range(len(kept)):
            n = kept[index][column]
            if n:
                raw.extend(rows[index, column, :n].tolist())
        if raw:
            store.add(key, t, raw)
