"""Alarm evaluation benchmark: one alarm over a week of one-minute datapoints, and every shipped alarm test.

Run: ``.venv/bin/python benchmarks/evaluate_bench.py``.

Targets (issue 8): 10,080 evaluations of one alarm in under 30 ms; every case of ``alarms/tests/*.yaml`` in under
2 s. Timings on a shared 2-core machine are noisy, so each row also prints the ratio to a floor measured in the same
run: a bare Python loop that compares each of the week's 10,080 datapoints with the threshold once (the least any
evaluator must do).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from vigil.alarmtest.runner import run_tests
from vigil.emulator.engine import evaluate_alarms
from vigil.emulator.store import MetricKey, MetricStore
from vigil.plan.types import NO_ACTIONS, AlarmsPlan, MetricAlarmPlan, MetricStatPlan
from vigil.spec.models.common import Severity
from vigil.spec.testfile import default_test_files

WEEK_MINUTES = 7 * 1440
KEY = MetricKey.of("Bench/App", "requests", {"Service": "app"})


def _median_ms(func: Callable[[], object], repeat: int = 7) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def _week() -> MetricStore:
    rng = random.Random(7)
    store = MetricStore()
    for minute in range(WEEK_MINUTES):
        store.add(KEY, minute * 60, [rng.uniform(0, 10) for _ in range(5)])
    return store


def _alarm(stat: str, period: int, kind: str = "static") -> AlarmsPlan:
    metric = MetricStatPlan("Bench/App", "requests", {"Service": "app"}, period, stat)
    alarm = MetricAlarmPlan(
        "bench", kind, Severity.P2, "", "GreaterThanThreshold", 5, 4, "missing", NO_ACTIONS, threshold=40, metric=metric
    )
    return AlarmsPlan((alarm,), ())


def main() -> None:
    """Print one row per case: median ms, evaluations, ratio to the floor."""
    store = _week()
    values = [v for v in store.datapoints(KEY, "Sum", 60, [60 * (m + 1) for m in range(WEEK_MINUTES)]) if v]
    floor = _median_ms(lambda: sum(1 for v in values if v > 40))
    print(f"floor (compare {len(values)} datapoints with a threshold): {floor:.2f} ms")
    cases = [
        ("Sum, 1 min, 4 of 5", "Sum", 60),
        ("p99, 1 min", "p99", 60),
        ("Sum, 5 min", "Sum", 300),
        ("Sum, 1 h", "Sum", 3600),
    ]
    for label, stat, period in cases:
        plan = _alarm(stat, period)
        ms = _median_ms(lambda plan=plan: evaluate_alarms(plan, store, 0, WEEK_MINUTES * 60))  # type: ignore[misc]
        print(
            f"one alarm over a week ({label}): {ms:.1f} ms for {WEEK_MINUTES + 1} evaluations ({ms / floor:.0f}x floor)"
        )
    files = default_test_files(Path("."))
    if files:
        start = time.perf_counter()
        report = run_tests(Path("."), files)
        elapsed = time.perf_counter() - start
        print(
            f"shipped alarm tests: {report.passed + report.failed} cases in {elapsed:.2f} s (incl. loading and planning)"
        )


if __name__ == "__main__":
    main()
