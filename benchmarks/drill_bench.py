"""Drill benchmark: the acceptance run (prod stack, shipped traffic and drill files) against floors measured in
the same run.

Run: ``.venv/bin/python benchmarks/drill_bench.py [--incidents 300] [--normal-days 14] [--seed 11] [--naive 3]``.

Phases (wall and CPU seconds; the machine may be shared, CPU time is the comparable number):

- floor: generate the normal traffic the alarms read and evaluate every alarm over it once (what one
  ``vigil backtest`` of that traffic costs): the least a drill must do to know what the alarms do on normal days;
- drill: every drawn incident and normal day, each re-evaluating only the alarms its fault touches over its
  window (the base timelines reused for the rest);
- naive: ``--naive`` incidents evaluated the direct way (the whole faulted traffic written to a store, every
  alarm evaluated over the horizon), extrapolated to all incidents.

Printed ratios: drill / floor (how much the incidents and days add to one evaluation of normal traffic) and naive
/ windowed per incident (what the windowing saves). Target (issue 18): the whole acceptance run under 10 minutes
on a 2-core machine.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")


def timed(label: str, work: Callable[[], T]) -> tuple[T, float, float]:
    """Run ``work``; print and return its result, wall and CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:<44} wall {wall:8.1f} s   cpu {cpu:8.1f} s", flush=True)
    return result, wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--incidents", type=int, default=300)
    parser.add_argument("--normal-days", type=int, default=14)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--naive", type=int, default=3, help="incidents evaluated the direct way")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from vigil.drill.draws import draw_days, draw_incidents
    from vigil.drill.inject import apply
    from vigil.drill.keys import fill
    from vigil.drill.load import load_drill, load_traffic
    from vigil.drill.run import DAY, SETTLE_DAYS, generated_world, prepare, run_day, run_incident
    from vigil.emulator.engine import evaluate_alarms
    from vigil.emulator.store import MetricStore
    from vigil.plan.stack import load_stack_plan

    traffic = load_traffic(ROOT / "alarms/drill/traffic.yaml")
    drill = load_drill(ROOT / "alarms/drill/faults.yaml", traffic)
    plan = load_stack_plan(ROOT, "prod").plan
    days = max(args.normal_days, 7)

    def floor() -> object:
        world, horizon = generated_world(plan, traffic, drill, days=days, seed=args.seed, progress=None)
        return prepare(plan, traffic, world, horizon.first - SETTLE_DAYS * DAY), horizon

    (base, horizon), floor_wall, floor_cpu = timed("floor: normal traffic + one full evaluation", floor)
    draws = draw_incidents(drill, args.incidents, seed=args.seed, lo=horizon.first, hi=horizon.last)
    normal = draw_days(drill, args.normal_days, seed=args.seed, days=horizon.days)
    outcomes, inc_wall, inc_cpu = timed(
        f"drill: {len(draws)} incidents (windowed)", lambda: [run_incident(base, d) for d in draws]
    )
    _, day_wall, day_cpu = timed(
        f"drill: {len(normal)} normal days (windowed)", lambda: [run_day(base, d) for d in normal]
    )

    def naive() -> None:
        world = base.world
        for draw in draws[: args.naive]:
            occ = draw.occurrence
            patch = apply(world, [occ], world.column(occ.start) - 1, world.column(occ.end + 1800) + 10)
            store = MetricStore()
            fill(store, world, patch, base.feeds, 0, world.minutes, base.raw)
            evaluate_alarms(base.alarms, store, base.evaluation.start, world.end - 60, skip=base.skip)

    _, _naive_wall, naive_cpu = timed(f"naive: {args.naive} incidents (full evaluation each)", naive)
    drill_cpu = inc_cpu + day_cpu
    per_incident = inc_cpu / max(1, len(draws))
    per_naive = naive_cpu / max(1, args.naive)
    total_wall = floor_wall + inc_wall + day_wall
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"acceptance run: {total_wall:.1f} s wall, {floor_cpu + drill_cpu:.1f} s cpu, peak RSS {peak:.0f} MiB")
    print(f"drill / floor (cpu): {drill_cpu / floor_cpu:.2f}  (incidents and normal days on top of one evaluation)")
    print(
        f"per incident: windowed {per_incident * 1000:.0f} ms, naive {per_naive * 1000:.0f} ms cpu: "
        f"{per_naive / max(per_incident, 1e-9):.0f}x less"
    )
    print(f"naive extrapolated to {len(draws)} incidents: {per_naive * len(draws) / 60:.1f} min cpu")
    paged = sum(1 for o in outcomes if o.pages)
    print(f"({paged} of {len(draws)} incidents paged someone)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
