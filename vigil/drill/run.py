"""Run a drill: normal traffic once, then every drawn incident and normal day through the stack's alarms.

Example::

    >>> from vigil.plan.stack import load_stack_plan
    >>> from vigil.drill.load import load_drill, load_traffic
    >>> traffic = load_traffic("alarms/drill/traffic.yaml")  # doctest: +SKIP
    >>> result = run_drill(load_stack_plan(".", "prod").plan, traffic, load_drill("alarms/drill/faults.yaml", traffic),
    ...                    incidents=24, normal_days=2, seed=1)  # doctest: +SKIP
    >>> result.classes["api-down"].recall  # doctest: +SKIP
    1.0
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from vigil.backtest.incidents import Incident
from vigil.backtest.report import PageRules
from vigil.backtest.run import alarm_metrics, wanted_keys
from vigil.drill.draws import DAY, TAIL_S, Draw, NormalDay, draw_days, draw_incidents
from vigil.drill.drill_spec import DrillFile
from vigil.drill.errors import DrillError
from vigil.drill.inject import apply
from vigil.drill.keys import fill, sources
from vigil.drill.recorded import world_from_store
from vigil.drill.result import DayOutcome, DrillResult, IncidentOutcome
from vigil.drill.traffic_spec import SamplesSignal, TrafficFile
from vigil.drill.window import Base, alarm_keys, evaluate_window, pages_in, readers_of
from vigil.drill.world import World, generate
from vigil.emulator.engine import alarm_period, evaluate_alarms
from vigil.emulator.statistics import combinable
from vigil.emulator.store import MetricKey, MetricStore
from vigil.plan.types import StackPlan

Progress = Callable[[str], None]
#: The first day of generated traffic (a Thursday); the drawn days follow the warm-up.
EPOCH = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())
#: Days of normal traffic after the warm-up and before the drawn days, so every alarm has settled.
SETTLE_DAYS = 1
MIN_INCIDENT_DAYS = 7


def _sample_dims(traffic: TrafficFile, keys: set[MetricKey], drill: DrillFile) -> dict[str, frozenset[str]]:
    """Per samples signal, the mix dimensions its values must keep apart: those some key or effect names."""
    out: dict[str, frozenset[str]] = {}
    for name, signal in traffic.signals.items():
        if not isinstance(signal, SamplesSignal):
            continue
        dims = {
            d for k in keys if (k.namespace, k.metric) == (signal.namespace, signal.metric) for d, _ in k.dimensions
        }
        for entry in [*drill.classes.values(), *drill.noise.values()]:
            for effect in entry.effects:
                if effect.signal == name:
                    dims |= set(effect.where) | set(effect.one_of)
        out[name] = frozenset(dims - set(signal.dimensions))
    return out


def _signals_read(traffic: TrafficFile, keys: set[MetricKey]) -> list[str]:
    read = {(k.namespace, k.metric) for k in keys}
    return [n for n, s in traffic.signals.items() if (s.namespace, s.metric) in read]


@dataclass(frozen=True)
class Horizon:
    """Where incidents may start (``[first, last)``, epoch seconds) and the whole days normal days are drawn from."""

    first: int
    last: int
    days: list[int]


def raw_keys(plan: StackPlan) -> set[MetricKey]:
    """Keys some alarm reads with a statistic that needs every value (percentiles, trimmed means...)."""
    return {
        MetricKey.of(m.namespace, m.metric_name, m.dimensions) for m in alarm_metrics(plan) if not combinable(m.stat)
    }


def generated_world(
    plan: StackPlan, traffic: TrafficFile, drill: DrillFile, *, days: int, seed: int, progress: Progress | None
) -> tuple[World, Horizon]:
    """Normal traffic over a warm-up (the longest alarm period), a settling day and ``days`` drawn days."""
    keys = wanted_keys(plan)
    signals = _signals_read(traffic, keys)
    if not signals:
        raise DrillError("the traffic file produces no metric the stack's alarms read; check its namespaces/metrics")
    warm = max([alarm_period(a) for a in plan.alarms.metric_alarms] or [DAY])
    warm_days = -(-warm // DAY) + SETTLE_DAYS
    total_days = warm_days + days + 1
    if progress:
        progress(f"generating {total_days} days of normal traffic ({len(signals)} signals the alarms read)")
    world = generate(
        traffic,
        start=EPOCH,
        minutes=total_days * 1440,
        seed=seed,
        signals=signals,
        sample_dims=_sample_dims(traffic, keys, drill),
    )
    first = EPOCH + warm_days * DAY
    return world, Horizon(first, first + days * DAY, [first + d * DAY for d in range(days)])


def recorded_world(plan: StackPlan, traffic: TrafficFile, store: MetricStore) -> tuple[World, Horizon]:
    """Recorded metrics as the base: incidents start after the first two hours, normal days are whole days."""
    span = store.time_range()
    if span is None:
        raise DrillError("the recording holds no metric the stack's alarms read; check --logs and --stack")
    start, end = int(span[0]) // 60 * 60, int(span[1]) // 60 * 60
    context = plan.context
    world = world_from_store(
        traffic,
        store,
        start=start,
        minutes=(end - start) // 60,
        environment=context.environment,
        stack=context.stack,
        ecs_cluster=context.ecs_cluster,
    )
    first = start + 2 * 3600
    midnight = -(-(start + 3600) // DAY) * DAY
    return world, Horizon(first, end, list(range(midnight, end - DAY + 1, DAY)))


def prepare(
    plan: StackPlan,
    traffic: TrafficFile,
    world: World,
    evaluate_from: int,
    *,
    progress: Progress | None = None,
) -> Base:
    """Evaluate every alarm over the normal traffic of ``world`` once (from ``evaluate_from``)."""
    keys = wanted_keys(plan)
    metric_alarms = plan.alarms.metric_alarms
    context = plan.context
    feeds = sources(world, keys, environment=context.environment, stack=context.stack, ecs_cluster=context.ecs_cluster)
    skip = {
        alarm.name: "not drilled: no signal of the traffic file produces "
        + ", ".join(sorted({k.label() for k in alarm_keys(alarm)} - set(feeds)))
        for alarm in metric_alarms
        if not set(alarm_keys(alarm)) <= set(feeds)
    }
    raw = raw_keys(plan)
    store = MetricStore()
    fill(store, world, None, feeds, 0, world.minutes, raw)
    if progress:
        progress(f"evaluating {len(metric_alarms)} metric alarms over the normal traffic")
    evaluation = evaluate_alarms(plan.alarms, store, evaluate_from, world.end - 60, skip=skip, data_start=world.start)
    dependants: dict[str, set[str]] = {}
    for name, signal in traffic.signals.items():
        parent = getattr(signal, "of", None)
        if isinstance(signal, SamplesSignal) and parent is not None:
            dependants.setdefault(parent, {parent}).add(name)
    return Base(
        world,
        plan.alarms,
        feeds,
        evaluation,
        PageRules.of(plan.alarms, plan.routing),
        skip,
        readers_of(metric_alarms, skip),
        dependants,
        raw,
    )


def run_incident(base: Base, draw: Draw) -> IncidentOutcome:
    """Inject one drawn incident and find its pages."""
    occ = draw.occurrence
    world = base.world
    patch = apply(world, [occ], world.column(occ.start) - 1, world.column(occ.end + TAIL_S) + 10)
    hi = occ.end + TAIL_S
    evaluation = evaluate_window(base, patch, occ.start - 3600, hi)
    label = f"incident-{draw.index}"
    pages = pages_in(base, evaluation, [Incident(label, occ.start, hi)], occ.start, hi + 1)
    return IncidentOutcome(draw, pages, base.world.seed)


def run_day(base: Base, day: NormalDay) -> DayOutcome:
    """Inject one normal day's noise and find its (false) pages."""
    world = base.world
    patch = apply(world, list(day.occurrences), world.column(day.start) - 1, world.column(day.start + DAY) + 10)
    evaluation = evaluate_window(base, patch, day.start - 3600, day.start + DAY)
    return DayOutcome(day, pages_in(base, evaluation, [], day.start, day.start + DAY), base.world.seed)


def run_drill(
    plan: StackPlan,
    traffic: TrafficFile,
    drill: DrillFile,
    *,
    incidents: int,
    normal_days: int,
    seed: int,
    classes: list[str] | None = None,
    horizon_days: int = MIN_INCIDENT_DAYS,
    recorded: MetricStore | None = None,
    progress: Progress | None = None,
) -> DrillResult:
    """Draw and run ``incidents`` incidents and ``normal_days`` normal days; deterministic for ``seed``.

    Generated traffic (default): incidents start anywhere in ``max(normal_days, horizon_days)`` days (a week by
    default: weekdays and a weekend, every hour). ``recorded``: the metrics of logs or CloudWatch history are the
    normal traffic; incidents start anywhere in it, normal days are its whole days."""
    if recorded is None:
        days = max(normal_days, horizon_days, 1)
        world, horizon = generated_world(plan, traffic, drill, days=days, seed=seed, progress=progress)
        evaluate_from = horizon.first - SETTLE_DAYS * DAY
    else:
        world, horizon = recorded_world(plan, traffic, recorded)
        world.seed = seed
        evaluate_from = world.start + 3600
        if normal_days > len(horizon.days):
            raise DrillError(
                f"--normal-days {normal_days}: the recording holds {len(horizon.days)} whole day(s) after its first "
                "hour; ask for fewer or record longer"
            )
    base = prepare(plan, traffic, world, evaluate_from, progress=progress)
    draws = draw_incidents(drill, incidents, seed=seed, lo=horizon.first, hi=horizon.last, classes=classes)
    outcomes = []
    for draw in draws:
        if progress:
            progress(f"incident {draw.index + 1}/{len(draws)}: {draw.fault}")
        outcomes.append(run_incident(base, draw))
    day_outcomes = []
    for day in draw_days(drill, normal_days, seed=seed, days=horizon.days):
        if progress:
            progress(f"normal day {day.index + 1}/{normal_days}")
        day_outcomes.append(run_day(base, day))
    return DrillResult(drill, [seed], outcomes, day_outcomes, dict(base.skip), stack=plan.context.stack)
