"""Per-request overhead of ``VigilMiddleware`` against the same bare ASGI app, measured in the same run.

Run: ``.venv/bin/python benchmarks/middleware_bench.py [--quick]``

The app answers 200 with an empty body. Each request is driven in-process (one event loop, no network,
no server), so what remains is exactly what the middleware adds. Contenders:

- bare: the app alone (the peer every overhead is measured against);
- metrics + correlation: ``VigilMiddleware`` with the shipped catalog's request metrics (``metrics/api.yaml``:
  http.requests under 6 dimension sets, http.request.duration and http.request.size under 2), a route
  template from ``set_route``, ids from the request headers, EMF lines to a null sink; tracing off;
- + tracing, unsampled: the same with the OpenTelemetry SDK set up at ratio 0 (a server span that is not
  recorded: context extraction, attach/detach, ids);
- + tracing, sampled: ratio 1 with an exporter that drops spans (the cost when a trace is recorded).

Targets (issue 11): metrics + correlation under 30 µs per request; with tracing on and unsampled under 60 µs.
Times are medians over several interleaved repeats, as wall time and as this process's CPU time; on a
machine shared with other work the wall time includes waiting for a core, so the verdict uses CPU time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vigil.emf import MetricsLogger
from vigil.middleware import RequestMetrics, VigilMiddleware, set_route
from vigil.spec import load_project
from vigil.tracing import TelemetrySettings, setup_tracing

ROOT = Path(__file__).resolve().parent.parent
HEADERS = [
    (b"host", b"api.internal"),
    (b"x-correlation-id", b"req-2c9f0b1e"),
    (b"traceparent", b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"),
]
ROOT_HEADERS = HEADERS[:2]


class NullSink:
    """Discards EMF lines (the cost of a real sink is the EMF benchmark's subject, not this one's)."""

    def write(self, line: str) -> None:
        return None

    def flush(self) -> None:
        return None

    def close(self) -> None:
        return None


class DropExporter(SpanExporter):
    """Accepts spans and drops them."""

    def export(self, spans: Sequence[Any]) -> SpanExportResult:
        return SpanExportResult.SUCCESS


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await receive()
    set_route(scope, "/sessions/{id}/answers", "questionnaire")
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b""})


def contenders() -> dict[str, Any]:
    spec = load_project(ROOT).project.namespaces["Vigil/API"]
    logger = MetricsLogger.from_catalog(spec, dimensions={"Service": "api", "Environment": "prod"}, sink=NullSink())
    metrics = RequestMetrics(logger, spec)
    unsampled = setup_tracing(TelemetrySettings("api", sample_ratio=0.0), exporter=DropExporter(), batch=False)
    sampled = setup_tracing(TelemetrySettings("api", sample_ratio=1.0), exporter=DropExporter(), batch=False)
    return {
        "bare": app,
        "metrics + correlation": VigilMiddleware(app, metrics=metrics),
        "+ tracing, unsampled": VigilMiddleware(app, metrics=metrics, tracing=unsampled),
        "+ tracing, sampled": VigilMiddleware(app, metrics=metrics, tracing=sampled),
    }


async def drive(target: Any, requests: int, headers: list[tuple[bytes, bytes]]) -> tuple[float, float]:
    """Wall and CPU seconds per request over ``requests`` requests."""

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        return None

    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(requests):
        scope = {"type": "http", "method": "POST", "path": "/sessions/s-1/answers", "headers": headers}
        await target(scope, receive, send)
    return (time.perf_counter() - start) / requests, (time.process_time() - cpu) / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests (a smoke run)")
    args = parser.parse_args()
    requests, repeats = (2_000, 3) if args.quick else (20_000, 7)
    targets = contenders()
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in targets}
    loop = asyncio.new_event_loop()
    for target in targets.values():  # warm-up
        loop.run_until_complete(drive(target, 500, HEADERS))
    for _ in range(repeats):
        for name, target in targets.items():
            headers = ROOT_HEADERS if name == "+ tracing, unsampled" else HEADERS
            samples[name].append(loop.run_until_complete(drive(target, requests, headers)))
    loop.close()

    def median_us(name: str, index: int) -> float:
        return statistics.median(sample[index] for sample in samples[name]) * 1e6

    bare_cpu = median_us("bare", 1)
    print(f"{requests} requests x {repeats} repeats, median µs per request (Python {sys.version.split()[0]})")
    print(f"{'contender':<26}{'wall':>9}{'cpu':>9}{'overhead (cpu)':>16}{'x bare (cpu)':>14}  target")
    targets_us = {"metrics + correlation": 30.0, "+ tracing, unsampled": 60.0}
    for name in samples:
        wall, cpu = median_us(name, 0), median_us(name, 1)
        target = targets_us.get(name)
        verdict = "" if target is None else f"< {target:.0f} µs: {'met' if cpu - bare_cpu < target else 'MISSED'}"
        print(f"{name:<26}{wall:>9.2f}{cpu:>9.2f}{cpu - bare_cpu:>16.2f}{cpu / bare_cpu:>14.1f}  {verdict}")


if __name__ == "__main__":
    main()
