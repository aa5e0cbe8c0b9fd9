"""Per-event cost of vigil.emf against aws-embedded-metrics, Powertools Metrics and a dict + orjson floor.

Run: ``.venv/bin/python benchmarks/emf_bench.py [--quick]``

Every contender does the same work per event: namespace, 2 dimensions (Service, Environment),
N metrics (3 = small, 40 = wide, 150 = split into 2 EMF lines), 2 properties, a timestamp, and
serialization to EMF JSON text handed to a sink that discards it:

- floor: a hand-built EMF dict per line + ``orjson.dumps`` (no validation, no API at all).
- vigil.emf: ``logger.event()`` builder used as a context manager, a null sink.
- vigil.emf metric set: ``logger.metric_set({...})`` made once (names, units, dimensions declared and
  checked up front), then ``emit(*values, properties=...)`` per event, a null sink.
- aws-embedded-metrics: its API is async-first (``MetricsLogger.flush`` is a coroutine). Its fastest
  honest sync path is what its own sinks run on flush: ``MetricsContext`` (put_dimensions,
  put_metric, set_property) + ``LogSerializer.serialize``; the lines go to a null sink. This
  skips its environment detection and event loop, so it flatters aws-embedded-metrics.
- Powertools ``Metrics``: add_dimension, add_metric, add_metadata, then ``flush_metrics()`` with
  stdout replaced by a null stream (it prints; it also prints by itself at 100 metrics).

Times are medians over several repeats of many events, measured interleaved in one run; the
import times are medians of 5 fresh interpreters each.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "Bench")
os.environ.setdefault("AWS_EMF_ENVIRONMENT", "Local")

import orjson
from aws_embedded_metrics.logger.metrics_context import MetricsContext
from aws_embedded_metrics.serializers.log_serializer import LogSerializer
from aws_lambda_powertools.metrics import Metrics

from vigil.emf import MetricsLogger

NAMESPACE = "Vigil/Bench"
DIMS = {"Service": "api", "Environment": "prod"}
PROPS = {"job_id": "j-123", "trace_id": "t-456"}
UNITS = ("Count", "Milliseconds", "Bytes")


def metrics_of(n: int) -> list[tuple[str, float | int, str]]:
    return [(f"metric_{i}", (i * 7) % 1000 + (0.5 if i % 2 else 0), UNITS[i % 3]) for i in range(n)]


class NullSink:
    """Discards lines (counts them, so the work cannot be optimized away)."""

    def __init__(self) -> None:
        self.count = 0

    def write(self, line: str) -> None:
        self.count += 1

    def flush(self) -> None: ...

    def close(self) -> None: ...


def floor_case(metrics: list[tuple[str, Any, str]]) -> Callable[[], None]:
    sink = NullSink()

    def run() -> None:
        for start in range(0, len(metrics), 100):
            chunk = metrics[start : start + 100]
            doc: dict[str, Any] = {
                "_aws": {
                    "Timestamp": time.time_ns() // 1_000_000,
                    "CloudWatchMetrics": [
                        {
                            "Namespace": NAMESPACE,
                            "Dimensions": [["Service", "Environment"]],
                            "Metrics": [{"Name": name, "Unit": unit} for name, _, unit in chunk],
                        }
                    ],
                },
                "Service": "api",
                "Environment": "prod",
                "job_id": "j-123",
                "trace_id": "t-456",
            }
            for name, value, _ in chunk:
                doc[name] = value
            sink.write(orjson.dumps(doc).decode())

    return run


def vigil_case(metrics: list[tuple[str, Any, str]]) -> Callable[[], None]:
    logger = MetricsLogger(NAMESPACE, DIMS, NullSink())

    def run() -> None:
        with logger.event() as event:
            for name, value, unit in metrics:
                event.metric(name, value, unit)
            event.property("job_id", "j-123").property("trace_id", "t-456")

    return run


def vigil_set_case(metrics: list[tuple[str, Any, str]]) -> Callable[[], None]:
    logger = MetricsLogger(NAMESPACE, DIMS, NullSink())
    bound = logger.metric_set({name: unit for name, _, unit in metrics})
    values = [value for _, value, _ in metrics]

    def run() -> None:
        bound.emit(*values, properties=PROPS)

    return run


def aws_emf_case(metrics: list[tuple[str, Any, str]]) -> Callable[[], None]:
    sink = NullSink()

    def run() -> None:
        ctx = MetricsContext(NAMESPACE)
        ctx.put_dimensions(DIMS)
        for name, value, unit in metrics:
            ctx.put_metric(name, value, unit)
        ctx.set_property("job_id", "j-123")
        ctx.set_property("trace_id", "t-456")
        for line in LogSerializer.serialize(ctx):
            sink.write(line)

    return run


def powertools_case(metrics: list[tuple[str, Any, str]]) -> Callable[[], None]:
    m = Metrics(namespace=NAMESPACE, service="api")

    def run() -> None:
        m.add_dimension("Environment", "prod")
        for name, value, unit in metrics:
            m.add_metric(name=name, unit=unit, value=value)
        m.add_metadata("job_id", "j-123")
        m.add_metadata("trace_id", "t-456")
        m.flush_metrics()

    return run


CONTENDERS: dict[str, Callable[[list[tuple[str, Any, str]]], Callable[[], None]]] = {
    "floor (dict+orjson)": floor_case,
    "vigil.emf": vigil_case,
    "vigil.emf metric set": vigil_set_case,
    "aws-embedded-metrics": aws_emf_case,
    "powertools": powertools_case,
}


def per_event_us(run: Callable[[], None], events: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(events):
        run()
    return (time.perf_counter_ns() - start) / events / 1000


def measure(shape: int, repeats: int, budget: float) -> dict[str, float]:
    metrics = metrics_of(shape)
    runs = {name: make(metrics) for name, make in CONTENDERS.items()}
    with contextlib.redirect_stdout(io.StringIO()) as out:
        for run in runs.values():
            run()  # warm caches
        # events per repeat so that the slowest contender takes about ``budget`` seconds
        probe = max(per_event_us(run, 20) for run in runs.values())
        events = max(20, int(budget * 1e6 / probe))
        samples: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(repeats):
            for name, run in runs.items():  # interleaved, so drift hits everyone alike
                samples[name].append(per_event_us(run, events))
                out.seek(0)
                out.truncate()
    return {name: statistics.median(values) for name, values in samples.items()}


def import_ms(module: str, runs: int = 5) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print((time.perf_counter() - t) * 1000)"
    times = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        for _ in range(runs)
    ]
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    args = parser.parse_args()
    repeats, budget = (3, 0.05) if args.quick else (9, 0.25)
    from vigil.emf import _json

    _json.load()
    print(f"python {sys.version.split()[0]}, vigil.emf JSON backend: {_json.BACKEND}; median of {repeats} repeats")
    print(f"{'event':<12}{'contender':<24}{'us/event':>10}{'x floor':>10}{'vigil faster by':>18}")
    for label, shape in (("small (3)", 3), ("wide (40)", 40), ("150 metrics", 150)):
        result = measure(shape, repeats, budget)
        floor, vigil = result["floor (dict+orjson)"], result["vigil.emf"]
        for name, us in result.items():
            speedup = f"{us / vigil:.1f}x" if not name.startswith(("vigil.emf", "floor")) else ""
            print(f"{label:<12}{name:<24}{us:>10.2f}{us / floor:>10.2f}{speedup:>18}")
    print()
    print(f"{'import (fresh interpreter, median of 5)':<44}{'ms':>8}")
    for module in (
        "vigil.emf",
        "aws_embedded_metrics.logger.metrics_logger",
        "aws_lambda_powertools.metrics",
        "orjson",
    ):
        print(f"  import {module:<42}{import_ms(module):>8.1f}")


if __name__ == "__main__":
    main()
