"""The drill's shortcut is exact: evaluating only the alarms a fault touches, over a window, with the rest cut
from the base evaluation, gives the same states as evaluating every alarm over a store holding the whole faulted
traffic. (A window store that held only the changed keys once hid a failure rate whose denominator did not change.)"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigil.drill.draws import TAIL_S, draw_incidents
from vigil.drill.drill_spec import DrillFile
from vigil.drill.inject import apply
from vigil.drill.keys import fill
from vigil.drill.load import load_drill, load_traffic
from vigil.drill.run import DAY, SETTLE_DAYS, generated_world, prepare, run_incident
from vigil.drill.window import SETTLE_S, Base, alarm_keys, evaluate_window, pages_in
from vigil.emulator.engine import evaluate_alarms
from vigil.emulator.store import MetricStore
from vigil.plan.stack import load_stack_plan
from vigil.plan.types import AlarmsPlan

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def setup() -> tuple[Base, DrillFile, int, int]:
    traffic = load_traffic(ROOT / "alarms/drill/traffic.yaml")
    drill = load_drill(ROOT / "alarms/drill/faults.yaml", traffic)
    plan = load_stack_plan(ROOT, "prod").plan
    world, horizon = generated_world(plan, traffic, drill, days=1, seed=21, progress=None)
    return prepare(plan, traffic, world, horizon.first - SETTLE_DAYS * DAY), drill, horizon.first, horizon.last


CLASSES = ["jobs-failing", "api-group-errors", "worker-dead", "api-crash-loop", "api-tail", "latency-creep"]


@pytest.mark.parametrize("fault", CLASSES)
def test_window_evaluation_equals_full_evaluation(setup: tuple[Base, DrillFile, int, int], fault: str) -> None:
    """One draw of each injection mechanism (rate, share in one dimension value, fleet, flapping absence, tail,
    ramp): every non-anomaly alarm has the same state at every minute of the window both ways."""
    base, drill, first, last = setup
    (draw,) = draw_incidents(drill, 1, seed=CLASSES.index(fault), lo=first, hi=last, classes=[fault])
    occ = draw.occurrence
    world = base.world
    patch = apply(world, [occ], world.column(occ.start) - 1, world.column(occ.end + 1800) + 10)
    lo, hi = occ.start - 3600, occ.end + 1800
    window = evaluate_window(base, patch, lo, hi)
    metric = [a for a in base.alarms.metric_alarms if a.kind != "anomaly"]  # bands depend on the history evaluated
    keys = {k for a in metric for k in alarm_keys(a) if k in base.feeds}
    store = MetricStore()
    fill(store, world, patch, {k: base.feeds[k] for k in keys}, 0, world.column(hi) + 2, base.raw)
    full = evaluate_alarms(AlarmsPlan(tuple(metric), ()), store, lo - SETTLE_S, hi, skip=base.skip)
    for alarm in metric:
        mine, whole = window.timelines[alarm.name], full.timelines[alarm.name]
        for time in range(lo + SETTLE_S, hi, 60):
            assert mine.state_at(time) == whole.state_at(time), (fault, alarm.name, time - occ.start)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(index=st.integers(0, 500), seed=st.integers(0, 10_000))
def test_a_fault_of_zero_intensity_never_pages(setup: tuple[Base, DrillFile, int, int], index: int, seed: int) -> None:
    """Whatever the class, start and duration: at intensity 0 the drill finds exactly the pages of normal traffic
    in that window (the base evaluation's own), so a fault that does nothing is never credited with a page."""
    base, drill, first, last = setup
    draw = draw_incidents(drill, index + 1, seed=seed, lo=first, hi=last)[index]
    silent = replace(draw, occurrence=replace(draw.occurrence, intensity=0.0))
    occ = silent.occurrence
    normal = pages_in(base, base.evaluation, [], occ.start, occ.end + TAIL_S + 1)
    assert run_incident(base, silent).pages == [replace(p, incident=f"incident-{index}") for p in normal]
