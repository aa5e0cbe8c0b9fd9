"""Benchmark ``vigil preview``: projects with 10 / 100 / 1,000 alarms through the real Pulumi program.

For each size it writes a project (one namespace, N alarms cycling static / math / anomaly / heartbeat,
routing P1-P4, one dashboard, a ``bench`` stack) to a temporary directory, then times
``run_preview`` end to end (load + validate + plan + mock engine + cost) and, separately, load and plan
alone. It prints seconds per run, milliseconds per resource, the monthly cost and the cost per alarm
(constant when cost grows linearly with the alarm count).

Run: ``.venv/bin/python benchmarks/preview_bench.py [--sizes 10,100,1000] [--repeat 1]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vigil.plan import plan_project  # noqa: E402
from vigil.plan.naming import Naming  # noqa: E402
from vigil.preview import run_preview  # noqa: E402
from vigil.spec import load_project  # noqa: E402

DIMS = {"Service": "bench", "Environment": "${environment}"}


def _alarm(i: int) -> dict[str, Any]:
    ref = {"namespace": "Vigil/Bench", "metric": f"m{i % 10}", "dimensions": DIMS}
    kinds: list[dict[str, Any]] = [
        {"kind": "static", "metric": {**ref, "statistic": "p95"}, "comparison": ">", "threshold": i},
        {
            "kind": "math",
            "metrics": {"a": ref, "b": {**ref, "metric": "m0"}},
            "expression": "100 * a / b",
            "threshold": 5,
        },
        {"kind": "anomaly", "metric": ref, "band": 2},
        {"kind": "heartbeat", "metric": ref},
    ]
    return {**kinds[i % 4], "severity": "P3", "description": f"bench alarm {i}"}


def write_project(root: Path, alarms: int) -> None:
    """A valid project with ``alarms`` alarms under ``root``."""
    files: dict[str, Any] = {
        "metrics/bench.yaml": {
            "version": "vigil/v1",
            "namespace": "Vigil/Bench",
            "service": "bench",
            "dimensions": {"Service": {"cardinality": 1}, "Environment": {"cardinality": 1}},
            "dimension_sets": {"service": ["Service", "Environment"]},
            "metrics": {f"m{i}": {"unit": "Count"} for i in range(10)},
            "log_group": {"name": "/vigil/bench", "queries": {"errors": {"query": "fields @message"}}},
        },
        "alarms/bench.yaml": {"version": "vigil/v1", "alarms": {f"bench-{i:05d}": _alarm(i) for i in range(alarms)}},
        "alarms/routing.yaml": {
            "version": "vigil/v1",
            "routing": {
                s: {"subscriptions": [{"kind": "email", "endpoint": {"config": "email"}}]}
                for s in ("P1", "P2", "P3", "P4")
            },
        },
        "dashboards/bench.yaml": {
            "version": "vigil/v1",
            "dashboards": {
                "bench": {
                    "widgets": [
                        {"type": "graph", "metrics": [{"namespace": "Vigil/Bench", "metric": "m0", "dimensions": DIMS}]}
                    ]
                }
            },
        },
        "stacks/Pulumi.bench.yaml": {
            "config": {"aws:region": "us-east-1", "vigil:environment": "bench", "vigil:email": "a@example.com"}
        },
    }
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, sort_keys=False))


def measure(alarms: int, repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_project(root, alarms)
        t0 = time.perf_counter()
        loaded = load_project(root, stack="bench")
        t1 = time.perf_counter()
        assert loaded.ok, [str(e) for e in loaded.errors][:5]
        plan_project(loaded.project, Naming.for_project(loaded.project), "123456789012")
        t2 = time.perf_counter()
        best, cpu = float("inf"), float("inf")
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            result = run_preview(root, "bench")
            best, cpu = min(best, time.perf_counter() - start), min(cpu, time.process_time() - start_cpu)
        assert result.ok
        return {
            "alarms": alarms,
            "resources": len(result.resources),
            "load_s": t1 - t0,
            "plan_s": t2 - t1,
            "preview_s": best,
            "cpu_s": cpu,
            "ms_per_resource": 1000 * best / len(result.resources),
            "monthly_usd": result.monthly_usd or 0.0,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    rows = [measure(int(n), args.repeat) for n in args.sizes.split(",")]
    print(
        f"{'alarms':>7} {'resources':>9} {'load s':>7} {'plan s':>7} {'preview s':>9} {'cpu s':>6} {'ms/res':>7} {'USD/month':>10} {'USD/alarm':>9}"
    )
    base = rows[0]["monthly_usd"]
    for r in rows:
        per_alarm = (r["monthly_usd"] - base) / (r["alarms"] - rows[0]["alarms"]) if r is not rows[0] else float("nan")
        print(
            f"{r['alarms']:>7.0f} {r['resources']:>9.0f} {r['load_s']:>7.2f} {r['plan_s']:>7.2f} {r['preview_s']:>9.2f} {r['cpu_s']:>6.2f} "
            f"{r['ms_per_resource']:>7.2f} {r['monthly_usd']:>10.2f} {per_alarm:>9.3f}"
        )
    print(
        "preview_s is end to end (load, validate, plan, Pulumi mock engine, cost); USD/alarm is the marginal cost vs the smallest size."
    )


if __name__ == "__main__":
    main()
