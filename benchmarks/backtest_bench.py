"""Backtest benchmark: about one million EMF lines (a week, the shipped catalog) through ``vigil backtest``.

Run: ``.venv/bin/python benchmarks/backtest_bench.py [--replicas 5]``.

The input is the scenario library's normal week (``examples/scenarios``: API, workers and dashboard emitting
through ``vigil.emf``) written ``--replicas`` times over, as that many identical replicas would (about 214,000
lines each), gzipped. Each phase runs in a fresh subprocess so its peak RSS (``resource.getrusage``) is its own:

- floor: read and gunzip the same file and ``json.loads`` (orjson when installed, as the backtester uses) every
  line, nothing else: the least any EMF reader must do;
- backtest: ``backtest_logs`` with the prod stack: extraction, metric filters, store, every alarm evaluated.

Target (issue 9): under 20 s for one million lines, memory bounded by the datapoint store, not by the number of
lines (compare the peak RSS of 1 replica and of N replicas: the lines grow N-fold, the store N-fold in samples
but not in buckets).
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_input(out: Path, replicas: int) -> tuple[Path, int]:
    """The normal week, each line written ``replicas`` times, gzipped; returns (path, lines)."""
    sys.path.insert(0, str(ROOT))
    from examples.scenarios.generate import generate

    generate(out, ["normal-week"])
    source = out / "normal-week.log.gz"
    target = out / f"week-x{replicas}.log.gz"
    lines = 0
    with (
        gzip.open(source, "rt", encoding="utf-8") as read,
        gzip.open(target, "wt", encoding="utf-8", compresslevel=1) as write,
    ):
        for line in read:
            write.write(line * replicas)
            lines += replicas
    return target, lines


def _floor(path: str) -> dict[str, float]:
    from vigil.backtest.emf import loads

    start, cpu = time.perf_counter(), time.process_time()
    count = 0
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            loads(line)
            count += 1
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu, "lines": count}


def _backtest(path: str) -> dict[str, float]:
    from vigil.backtest import backtest_logs
    from vigil.plan.stack import load_stack_plan

    plan = load_stack_plan(ROOT, "prod").plan
    start, cpu = time.perf_counter(), time.process_time()
    result = backtest_logs(plan, [path])
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "cpu": time.process_time() - cpu,
        "lines": result.stats.read,
        "datapoints": result.stats.datapoints,
        "alarms": len(result.evaluation.timelines),
    }


def _child(phase: str, path: str) -> None:
    found = _floor(path) if phase == "floor" else _backtest(path)
    found["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(found))


def _run(phase: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", phase, str(path)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    found: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return found


def main() -> int:
    """Build the input, run each phase in its own process, print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--replicas", type=int, default=5)
    parser.add_argument("--child", nargs=2, metavar=("PHASE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        small, small_lines = build_input(Path(tmp), 1)
        big, big_lines = build_input(Path(tmp), args.replicas)
        print(
            f"input: {big_lines:,} lines ({args.replicas} replicas of a {small_lines:,}-line week), "
            f"{big.stat().st_size / 1e6:.1f} MB gzipped"
        )
        rows = [
            ("json.loads floor", _run("floor", big)),
            ("backtest, 1 replica", _run("backtest", small)),
            (f"backtest, {args.replicas} replicas", _run("backtest", big)),
        ]
    floor = rows[0][1]["seconds"]
    print(f"{'phase':<24} {'lines':>11} {'seconds':>8} {'CPU s':>6} {'lines/s':>10} {'x floor':>8} {'peak RSS MB':>12}")
    for name, row in rows:
        ratio = row["seconds"] / floor if "replicas" in name and name.endswith(f"{args.replicas} replicas") else None
        print(
            f"{name:<24} {int(row['lines']):>11,} {row['seconds']:>8.2f} {row['cpu']:>6.1f} "
            f"{row['lines'] / row['seconds']:>10,.0f} "
            f"{(f'{ratio:.1f}' if ratio else '-'):>8} {row['peak_rss_mb']:>12.0f}"
        )
    target = rows[2][1]["seconds"]
    print(
        f"target: 1,000,000 lines in under 20 s -> {'met' if target * 1e6 / rows[2][1]['lines'] < 20 else 'NOT met'} "
        f"({target * 1e6 / rows[2][1]['lines']:.1f} s per million lines)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
