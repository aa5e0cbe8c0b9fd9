"""Cost model benchmark: monthly alarm cost and estimate run time for 10 to 10,000 generated alarms.

Run: ``.venv/bin/python benchmarks/cost_bench.py`` (add ``--sizes 10 100`` for a quick run).

The alarms cycle through five kinds (static, high-resolution static, anomaly band, metric math over three
metrics, composite), so USD per alarm must be the same at every size: the cost grows linearly with alarm count.
Run time is the median of ``--repeat`` runs of ``vigil.cost.estimate`` on the already-built plan.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from vigil.cost import estimate
from vigil.plan.stack import plan_stack
from vigil.spec.models import Project

REF = {"namespace": "Bench/App", "metric": "requests", "dimensions": {"Service": "app"}}
NAMESPACE = {
    "version": "vigil/v1",
    "namespace": "Bench/App",
    "service": "app",
    "dimensions": {"Service": {"cardinality": 1}, "Endpoint": {"cardinality": 25}},
    "dimension_sets": {"service": ["Service"], "endpoint": ["Service", "Endpoint"]},
    "metrics": {"requests": {"unit": "Count", "dimension_sets": ["service", "endpoint"]}},
}


def _alarm(i: int) -> dict[str, Any]:
    """The ``i``-th generated alarm; kinds cycle with period 5."""
    kind = i % 5
    if kind == 0:
        return {"kind": "static", "severity": "P3", "metric": REF, "threshold": 1}
    if kind == 1:
        return {"kind": "static", "severity": "P2", "metric": {**REF, "period": 10}, "period": 10, "threshold": 1}
    if kind == 2:
        return {"kind": "anomaly", "severity": "P3", "metric": REF}
    if kind == 3:
        metrics = {"a": REF, "b": REF, "c": REF}
        return {"kind": "math", "severity": "P2", "metrics": metrics, "expression": "a/(b+c)", "threshold": 1}
    return {"kind": "composite", "severity": "P1", "rule": {"any": [f"alarm-{i - 4}", f"alarm-{i - 1}"]}}


def generated_project(alarms: int) -> Project:
    """A one-namespace project with ``alarms`` generated alarms."""
    return Project.model_validate(
        {"namespaces": {"Bench/App": NAMESPACE}, "alarms": {f"alarm-{i}": _alarm(i) for i in range(alarms)}}
    )


def measure(alarms: int, repeat: int) -> tuple[float, float, float]:
    """(alarm USD per month, total USD per month, median estimate seconds) for a generated project."""
    project = generated_project(alarms)
    plan = plan_stack(project)
    times: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        report = estimate(plan, project.namespaces)
        times.append(time.perf_counter() - start)
    return report.totals["alarm"], report.total_usd, statistics.median(times)


def main() -> None:
    """Print one row per size and whether USD per alarm stayed constant."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1_000, 10_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(
        f"{'alarms':>8} {'alarm USD/mo':>13} {'USD/alarm':>10} {'total USD/mo':>13} {'estimate ms':>12} {'us/alarm':>9}"
    )
    per_alarm: list[float] = []
    for size in args.sizes:
        alarm_usd, total_usd, seconds = measure(size, args.repeat)
        per_alarm.append(alarm_usd / size)
        print(
            f"{size:>8,} {alarm_usd:>13,.2f} {alarm_usd / size:>10.4f} {total_usd:>13,.2f} "
            f"{seconds * 1e3:>12.2f} {seconds / size * 1e6:>9.1f}"
        )
    spread = max(per_alarm) - min(per_alarm)
    verdict = "linear" if spread < 1e-9 else f"NOT linear (USD/alarm varies by {spread:.6f})"
    print(f"alarm cost vs alarm count: {verdict}; custom metrics are a fixed 26 in every size")


if __name__ == "__main__":
    main()
