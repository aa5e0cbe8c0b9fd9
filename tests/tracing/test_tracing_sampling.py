"""Head sampling from the stack: the ratio holds within statistical tolerance, callers' decisions are kept."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from vigil.middleware import VigilMiddleware, current_ids
from vigil.spec import load_project
from vigil.tracing import TelemetrySettings, TracingError, setup_tracing

ROOT = Path(__file__).resolve().parents[2]


async def _ok(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def _serve(ratio: float, requests: int, traceparent: str | None = None) -> tuple[int, list[bool]]:
    """Finished (exported) spans after ``requests`` requests, and the sampled flag the app saw for each."""
    exporter = InMemorySpanExporter()
    tracing = setup_tracing(TelemetrySettings("api", sample_ratio=ratio), exporter=exporter, batch=False)
    seen: list[bool] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        ids = current_ids()
        assert ids is not None
        seen.append(ids.trace.sampled)
        await _ok(scope, receive, send)

    middleware = VigilMiddleware(app, tracing=tracing)
    headers = [(b"traceparent", traceparent.encode())] if traceparent else []

    async def run() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b""}

        async def send(message: Any) -> None:
            return None

        for _ in range(requests):
            await middleware({"type": "http", "method": "GET", "path": "/", "headers": headers}, receive, send)

    asyncio.run(run())
    return len(exporter.get_finished_spans()), seen


@pytest.mark.parametrize("ratio", [0.1, 0.5])
def test_root_sampling_ratio_within_five_sigma(ratio: float) -> None:
    n = 2000
    sampled, seen = _serve(ratio, n)
    sigma = math.sqrt(n * ratio * (1 - ratio))
    assert abs(sampled - n * ratio) < 5 * sigma, f"{sampled} of {n} sampled at ratio {ratio}"
    assert sum(seen) == sampled  # the app sees the decision that was exported


def test_ratio_extremes_record_all_or_nothing() -> None:
    assert _serve(1.0, 200)[0] == 200
    assert _serve(0.0, 200)[0] == 0


def test_parent_decision_wins_over_the_ratio() -> None:
    sampled_parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    unsampled_parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"
    assert _serve(0.0, 50, sampled_parent)[0] == 50
    assert _serve(1.0, 50, unsampled_parent)[0] == 0


def test_trace_ids_are_xray_compatible() -> None:
    import time

    exporter = InMemorySpanExporter()
    tracing = setup_tracing(TelemetrySettings("api"), exporter=exporter, batch=False)
    assert tracing is not None
    with tracing.tracer.start_as_current_span("x"):
        pass
    (span,) = exporter.get_finished_spans()
    assert abs((span.context.trace_id >> 96) - time.time()) < 60  # first 32 bits: epoch seconds


def test_shipped_stacks_sample_10_percent_in_prod_and_everything_in_dev() -> None:
    prod = TelemetrySettings.from_project(load_project(ROOT, stack="prod").project, "api")
    dev = TelemetrySettings.from_project(load_project(ROOT, stack="dev").project, "api")
    assert (prod.sample_ratio, prod.log_level, prod.environment) == (0.1, "INFO", "prod")
    assert (dev.sample_ratio, dev.log_level) == (1.0, "DEBUG")
    assert TelemetrySettings.from_env("api", prod.environment_variables()) == prod


def test_bad_settings_name_the_setting() -> None:
    with pytest.raises(TracingError, match="VIGIL_TRACE_SAMPLE_RATIO"):
        TelemetrySettings.from_env("api", {"VIGIL_TRACE_SAMPLE_RATIO": "ten percent"})
    with pytest.raises(TracingError, match=r"outside 0\.\.1"):
        TelemetrySettings.from_env("api", {"VIGIL_TRACE_SAMPLE_RATIO": "10"})
    with pytest.raises(TracingError, match="VIGIL_TRACING"):
        TelemetrySettings.from_env("api", {"VIGIL_TRACING": "maybe"})
    assert setup_tracing(TelemetrySettings.from_env("api", {"VIGIL_TRACING": "off"})) is None
    endpoint = TelemetrySettings.from_env("api", {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/"})
    assert endpoint.otlp_endpoint == "http://collector:4318/v1/traces"


def test_debug_logging_is_refused_in_a_prod_stack(tmp_path: Path) -> None:
    import shutil

    for name in ("metrics", "alarms", "dashboards", "stacks"):
        shutil.copytree(ROOT / name, tmp_path / name)
    stack = tmp_path / "stacks" / "Pulumi.prod.yaml"
    stack.write_text(stack.read_text().replace("vigil:log_level: INFO", "vigil:log_level: DEBUG"))
    result = load_project(tmp_path, stack="prod")
    (error,) = [e for e in result.errors if "log_level" in e.field]
    assert error.file.endswith("Pulumi.prod.yaml")
    assert error.line > 1
    assert "DEBUG is refused in environment 'prod'" in error.message


def test_span_line_exporter_writes_one_json_line_per_span() -> None:
    import io
    import json

    from vigil.tracing.setup import SpanLineExporter

    stream = io.StringIO()
    tracing = setup_tracing(TelemetrySettings("worker"), exporter=SpanLineExporter(stream), batch=False)
    assert tracing is not None
    with (
        tracing.tracer.start_as_current_span("process-job") as parent,
        tracing.tracer.start_as_current_span("llm-call"),
    ):
        pass
    child, outer = (json.loads(line) for line in stream.getvalue().splitlines())
    assert (child["name"], outer["name"]) == ("llm-call", "process-job")
    assert child["parent_id"] == outer["span_id"] == format(parent.get_span_context().span_id, "016x")
    assert child["trace_id"] == outer["trace_id"]
    assert (outer["service"], outer["parent_id"], outer["status"]) == ("worker", None, "UNSET")
