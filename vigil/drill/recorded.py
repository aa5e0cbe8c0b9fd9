"""Recorded traffic as the base of a drill: the metrics of logs (``--logs``) or CloudWatch history
(``--from-cloudwatch``) turned into a :class:`~vigil.drill.world.World`, so faults are injected into them exactly
as into generated traffic.

Every recorded metric key of a signal's metric (same namespace, name and fixed dimensions) becomes one row of that
signal, its extra dimensions as the row's mix values; a row feeds only its own key (``World.exact``). Counts are
the per-minute sums, gauges and heartbeats the per-minute values, ``samples`` the raw values of each minute (up
to ``max_samples``). Limits, written in docs/drill.md: an effect limited by ``where`` changes the rows that carry
the dimension, not the recorded aggregates over it; CloudWatch history has no raw samples, so percentile metrics
fetched from it are not re-sampled (their alarms are listed as not drilled).

Example::

    >>> from vigil.drill.traffic_spec import TrafficFile
    >>> from vigil.emulator.store import MetricKey, MetricStore
    >>> spec = TrafficFile.model_validate({"version": "vigil/v1", "signals": {"req": {"kind": "count",
    ...     "namespace": "N", "metric": "m", "service": "api", "per_minute": 1, "dimensions": {"Service": "api"}}}})
    >>> store = MetricStore()
    >>> for minute in range(3):
    ...     store.add(MetricKey.of("N", "m", {"Service": "api", "Route": "a"}), minute * 60 + 1, 5.0)
    >>> world = world_from_store(spec, store, start=0, minutes=3, environment="prod")
    >>> world.signals["req"].combos, world.signals["req"].values.tolist()
    ([(('Route', 'a'),)], [[5, 5, 5]])
"""

from __future__ import annotations

import numpy as np

from vigil.drill.keys import fixed_dimensions
from vigil.drill.traffic_spec import COUNT_KINDS, SamplesSignal, TrafficFile
from vigil.drill.world import Combo, SignalData, World
from vigil.emulator.store import MetricKey, MetricStore


def _rows(store: MetricStore, data: SignalData, fixed: dict[str, str]) -> list[tuple[MetricKey, Combo]]:
    spec = data.spec
    out = []
    for key in store.keys():  # noqa: SIM118 (MetricStore.keys is a method, not a dict)
        if (key.namespace, key.metric) != (spec.namespace, spec.metric):
            continue
        dims = dict(key.dimensions)
        if any(dims.get(k) != v for k, v in fixed.items()):
            continue
        out.append((key, tuple((k, v) for k, v in key.dimensions if k not in fixed)))
    return out


def world_from_store(
    traffic: TrafficFile,
    store: MetricStore,
    *,
    start: int,
    minutes: int,
    environment: str,
    stack: str = "",
    ecs_cluster: str = "",
) -> World:
    """The recorded metrics of ``store`` over ``minutes`` minutes from ``start``, as signals of ``traffic``."""
    world = World(traffic, start - start % 60, minutes, seed=0, exact=True)
    times = [world.start + 60 * (c + 1) for c in range(minutes)]
    for name, signal in traffic.signals.items():
        if signal.metric is None:
            continue
        shell = SignalData(signal, [], np.zeros((0, minutes)))
        rows = _rows(store, shell, fixed_dimensions(shell, environment, stack, ecs_cluster))
        if not rows:
            continue
        spec = signal.model_copy(update={"emit_zero": False}) if signal.kind in COUNT_KINDS else signal
        if isinstance(signal, SamplesSignal):
            data = _samples(store, signal, rows, world, times)
            if data is None:
                continue
        else:
            stat = "Sum" if signal.kind in (*COUNT_KINDS, "heartbeat") else "Average"
            values = np.asarray(
                [[v or 0.0 for v in store.datapoints(key, stat, 60, times)] for key, _ in rows], dtype=np.float64
            )
            if signal.kind in (*COUNT_KINDS, "heartbeat"):
                values = np.rint(values).astype(np.int64)
            data = SignalData(spec, [c for _, c in rows], values)
            if signal.kind == "heartbeat":
                data.phases = np.linspace(2.0, 58.0, max(1, int(values.max(initial=1))))
        world.signals[name] = data
    return world


def _samples(
    store: MetricStore, spec: SamplesSignal, rows: list[tuple[MetricKey, Combo]], world: World, times: list[int]
) -> SignalData | None:
    """Raw values per row and minute into a pool; None when the store has none (CloudWatch aggregates)."""
    cap = spec.max_samples
    pool = np.zeros((len(rows), world.minutes, cap), dtype=np.float32)
    counts = np.zeros((len(rows), world.minutes), dtype=np.int64)
    seen = False
    for row, (key, _) in enumerate(rows):
        for bucket, values in store.raw(key).items():
            column = (bucket - world.start) // 60
            if 0 <= column < world.minutes and values:
                seen = True
                kept = list(values)[:cap]
                pool[row, column, : len(kept)] = kept
                counts[row, column] = len(values)
    if not seen:
        return None
    standalone = spec.model_copy(update={"of": None, "per_minute": 0.0})
    return SignalData(standalone, [c for _, c in rows], counts, pool=pool)
