"""JsonFormatter: fields, correlation / trace ids (contextvars and OpenTelemetry), redaction."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.emf.log_formatter import JsonFormatter, correlation_id_var, log_context, trace_id_var
from vigil.emf.redaction import MASK, Redactor

SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # AWS documentation example secret


@pytest.fixture
def capture() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(service="api", static_fields={"environment": "test"}))
    log = logging.getLogger(f"vigil.test.{id(stream)}")
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    log.propagate = False
    yield log, stream
    log.removeHandler(handler)


def records(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_fields_context_extra_and_exception(capture: tuple[logging.Logger, io.StringIO]) -> None:
    log, stream = capture
    token = correlation_id_var.set("c-42")
    try:
        with log_context(job_id="j-1"):
            log.info("started %s", "job", extra={"attempt": 2})
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            log.exception("failed")
    finally:
        correlation_id_var.reset(token)
    first, second = records(stream)
    assert first["message"] == "started job"
    assert (first["level"], first["service"], first["environment"]) == ("INFO", "api", "test")
    assert (first["correlation_id"], first["job_id"], first["attempt"]) == ("c-42", "j-1", 2)
    assert first["timestamp"].endswith("Z")
    assert "job_id" not in second
    assert "RuntimeError: boom" in second["exception"]


def test_trace_id_from_contextvar_and_from_opentelemetry(capture: tuple[logging.Logger, io.StringIO]) -> None:
    from opentelemetry.sdk.trace import TracerProvider

    log, stream = capture
    token = trace_id_var.set("t-explicit")
    log.info("explicit")
    trace_id_var.reset(token)
    tracer = TracerProvider().get_tracer("vigil-test")
    with tracer.start_as_current_span("work") as span:
        log.info("inside span")
        expected = format(span.get_span_context().trace_id, "032x")
    log.info("outside")
    explicit, inside, outside = records(stream)
    assert explicit["trace_id"] == "t-explicit"
    assert inside["trace_id"] == expected
    assert len(inside["span_id"]) == 16
    assert "trace_id" not in outside


def test_context_is_isolated_between_asyncio_tasks(capture: tuple[logging.Logger, io.StringIO]) -> None:
    log, stream = capture

    async def handle(n: int) -> None:
        with log_context(request=n):
            await asyncio.sleep(0)
            log.info("handled")

    async def main() -> None:
        await asyncio.gather(*(handle(n) for n in range(5)))

    asyncio.run(main())
    assert sorted(r["request"] for r in records(stream)) == [0, 1, 2, 3, 4]


def test_secrets_redacted_by_key_and_value(capture: tuple[logging.Logger, io.StringIO]) -> None:
    log, stream = capture
    log.warning(
        "calling with Authorization: Bearer eyJhbGciOi.abc-def and password=hunter2",
        extra={
            "headers": {"Authorization": "Basic dXNlcjpwYXNz", "X-Api-Key": "k-1", "accept": "json"},
            "creds": [{"aws_secret_access_key": SECRET_KEY}, f"id AKIAIOSFODNN7EXAMPLE key {SECRET_KEY}"],
            "ApiToken": "tok",
            "commit": "0123456789abcdef0123456789abcdef01234567",
        },
    )
    (rec,) = records(stream)
    text = json.dumps(rec)
    for secret in ("eyJhbGciOi", "hunter2", "dXNlcjpwYXNz", "k-1", SECRET_KEY, "AKIAIOSFODNN7EXAMPLE", '"tok"'):
        assert secret not in text
    assert rec["headers"]["accept"] == "json"
    assert rec["commit"] == "0123456789abcdef0123456789abcdef01234567"  # a hex digest is not a secret key
    assert rec["ApiToken"] == MASK


@given(
    st.recursive(
        st.text(max_size=20) | st.integers() | st.none(),
        lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
        max_leaves=15,
    )
)
def test_secret_keys_are_masked_at_any_depth(tree: Any) -> None:
    redactor = Redactor()
    out = redactor.redact({"nested": {"Password": tree, "ok": tree}})
    assert out["nested"]["Password"] == MASK
    json.dumps(out)  # always serializable when the input was
