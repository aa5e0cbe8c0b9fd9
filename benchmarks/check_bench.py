"""Benchmark ``vigil check`` on a generated 10,000-alarm project: libyaml loader against pure-Python PyYAML.

Writes a valid project (one namespace, N alarms over 10 files cycling static / math / anomaly / heartbeat /
composite, routing P1-P4, one dashboard, stacks ``dev`` and ``prod`` overriding some alarms) to a temporary
directory, then times what ``vigil check`` does (every stack, one :class:`~vigil.spec.ParseCache` per run)
with ``yaml.CSafeLoader`` and with ``yaml.SafeLoader``, in the same process, and checks both report the same
errors. It also times one stack loaded alone, and the check with a cache per stack (a parse per stack).

Run: ``.venv/bin/python benchmarks/check_bench.py [--alarms 10000] [--repeat 5]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vigil.spec import ParseCache, SpecError, load_project  # noqa: E402

DIMS = {"Service": "bench", "Environment": "${environment}"}
FILES = 10


def _alarm(i: int) -> dict[str, Any]:
    ref = {"namespace": "Vigil/Bench", "metric": f"m{i % 10}", "dimensions": DIMS}
    kinds: list[dict[str, Any]] = [
        {"kind": "static", "metric": {**ref, "statistic": "p95"}, "comparison": ">", "threshold": i, "period": 300},
        {
            "kind": "math",
            "metrics": {"a": ref, "b": {**ref, "metric": "m0"}},
            "expression": "100 * a / b",
            "threshold": 5,
        },
        {"kind": "anomaly", "metric": ref, "band": 2, "evaluation_periods": 3},
        {"kind": "heartbeat", "metric": ref},
        {"kind": "composite", "rule": {"any": [f"alarm-{i - 4}", {"all": [f"alarm-{i - 3}", f"alarm-{i - 2}"]}]}},
    ]
    return {**kinds[i % 5 if i >= 5 else i % 4], "severity": "P3", "description": f"bench alarm {i}"}


def _stack(env: str, alarms: int) -> dict[str, Any]:
    overrides = {f"alarm-{i}": {"threshold": i + 1} for i in range(0, alarms, 50)}
    return {
        "config": {
            "aws:region": "eu-west-1",
            "vigil:environment": env,
            "vigil:oncall_email": "oncall@example.com",
            "vigil:overrides": {"alarms": overrides},
        }
    }


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
            "log_group": {"name": "/vigil/bench"},
        },
        "alarms/routing.yaml": {
            "version": "vigil/v1",
            "routing": {
                sev: {"subscriptions": [{"kind": "email", "endpoint": {"config": "oncall_email"}}]}
                for sev in ("P1", "P2", "P3", "P4")
            },
        },
        "dashboards/bench.yaml": {
            "version": "vigil/v1",
            "dashboards": {"bench": {"widgets": [{"type": "alarm_status", "alarms": ["alarm-0", "alarm-1"]}]}},
        },
        "stacks/Pulumi.dev.yaml": _stack("dev", alarms),
        "stacks/Pulumi.prod.yaml": _stack("prod", alarms),
    }
    per_file = -(-alarms // FILES)
    for f in range(FILES):
        names = range(f * per_file, min(alarms, (f + 1) * per_file))
        files[f"alarms/bench{f}.yaml"] = {"version": "vigil/v1", "alarms": {f"alarm-{i}": _alarm(i) for i in names}}
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, sort_keys=False, width=200), encoding="utf-8")


def check(root: Path, stacks: list[str], loader: type[Any], shared: bool = True) -> list[SpecError]:
    """What ``vigil check`` does: every stack, errors de-duplicated; one cache per run unless ``shared=False``."""
    cache = ParseCache(loader=loader)
    seen: set[SpecError] = set()
    for stack in stacks:
        result = load_project(root, stack=stack, cache=cache if shared else ParseCache(loader=loader))
        seen.update(e for e in result.errors if e.severity == "error")
    return sorted(seen)


def best_of(repeat: int, runs: dict[str, Callable[[], object]]) -> dict[str, float]:
    """The fastest of ``repeat`` runs of each variant, in seconds; variants alternate within each round so
    that load from other processes on the machine falls on all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, fn in runs.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: min(values) for name, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alarms", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is None:
        print("PyYAML was built without libyaml: nothing to compare")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_project(root, args.alarms)
        stacks = ["dev", "prod"]
        c_errors, py_errors = check(root, stacks, fast), check(root, stacks, yaml.SafeLoader)
        if c_errors != py_errors:
            print("MISMATCH: the two loaders report different errors")
            return 1
        size = sum(p.stat().st_size for p in root.rglob("*.yaml")) / 2**20
        print(
            f"project: {args.alarms} alarms in {FILES} files ({size:.1f} MiB), stacks {stacks}, {len(c_errors)} errors"
        )
        t = best_of(
            args.repeat,
            {
                "c": lambda: check(root, stacks, fast),
                "py": lambda: check(root, stacks, yaml.SafeLoader),
                "per_stack": lambda: check(root, stacks, fast, shared=False),
                "one": lambda: load_project(root, stack="dev", cache=ParseCache(loader=fast)),
            },
        )
        print(f"check, 2 stacks, libyaml (CSafeLoader):    {t['c']:6.2f} s")
        print(f"check, 2 stacks, pure Python (SafeLoader): {t['py']:6.2f} s  -> libyaml {t['py'] / t['c']:.1f}x faster")
        print(
            f"check, 2 stacks, a parse per stack:        {t['per_stack']:6.2f} s  -> one parse per run {t['per_stack'] / t['c']:.2f}x faster"
        )
        print(f"one stack (dev), libyaml:                  {t['one']:6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
