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
    handler.setFormatter(JsonFormatter(service="api", environment="test", release="1.2.3"))
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
    assert (first["level"], first["service"], first["environment"], first["release"]) == (
        "INFO",
        "api",
        "test",
        "1.2.3",
    )
    assert first["correlation_id"] == "c-42"
    assert first["context"] == {"job_id": "j-1", "attempt": 2}
    assert first["timestamp"].endswith("Z")
    assert "context" not in second
    assert (second["level"], second["error"]["type"], second["error"]["message"]) == ("ERROR", "RuntimeError", "boom")
    assert "RuntimeError: boom" in second["error"]["stack"]
    assert len(second["error"]["fingerprint"]) == 16


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
    assert sorted(r["context"]["request"] for r in records(stream)) == [0, 1, 2, 3, 4]


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
    ctx = rec["context"]
    assert ctx["headers"]["accept"] == "json"
    assert ctx["commit"] == "0123456789abcdef0123456789abcdef01234567"  # a hex digest is not a secret key
    assert ctx["ApiToken"] == MASK


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


def _fail_in(source_offset: int, message: str) -> BaseException:
    """Raise from the same function compiled at another line offset (as after an unrelated edit above it)."""
    namespace: dict[str, Any] = {"__name__": "app.jobs"}
    exec(compile("\n" * source_offset + "def claim(job):\n    raise KeyError(job)\n", "jobs.py", "exec"), namespace)
    try:
        namespace["claim"](message)
    except KeyError as exc:
        return exc
    raise AssertionError("claim did not raise")


def test_fingerprint_is_stable_across_messages_and_line_moves_but_not_call_paths() -> None:
    from vigil.emf.fingerprint import fingerprint

    same = {fingerprint(_fail_in(offset, f"job-{offset}")) for offset in (0, 7, 40)}
    assert len(same) == 1

    def other_path() -> BaseException:
        try:
            {}["x"]
        except KeyError as exc:
            return exc
        raise AssertionError

    assert fingerprint(other_path()) not in same
    try:
        try:
            raise OSError("disk")
        except OSError as cause:
            raise RuntimeError("job failed") from cause
    except RuntimeError as chained:
        with_cause = fingerprint(chained)
    with pytest.raises(RuntimeError) as plain:
        raise RuntimeError("job failed")
    assert fingerprint(plain.value) != with_cause


def test_llm_content_is_summarised_and_long_fields_truncated(capture: tuple[logging.Logger, io.StringIO]) -> None:
    log, stream = capture
    prompt = "Summarise the customer's contract: " + "clause " * 50
    log.info(
        "llm call",
        extra={
            "prompt": prompt,
            "messages": [{"role": "user", "content": "my card is 4111 1111 1111 1111"}],
            "input_tokens": 1200,
            "model": "claude",
            "notes": "n" * 5000,
        },
    )
    (rec,) = records(stream)
    ctx = rec["context"]
    assert ctx["prompt"].startswith(f"[CONTENT {len(prompt)} chars sha256:")
    assert "4111" not in json.dumps(rec)
    assert (ctx["input_tokens"], ctx["model"]) == (1200, "claude")
    assert len(ctx["notes"]) < 2100
    assert ctx["notes"].endswith("...[truncated 3000 chars]")


def test_content_can_be_truncated_instead() -> None:
    redactor = Redactor(content="truncate", content_chars=10)
    assert redactor.redact({"prompt": "abcdefghijklmnop"}) == {"prompt": "abcdefghij...[truncated 6 chars]"}
    assert Redactor(content="keep").redact({"prompt": "abc"}) == {"prompt": "abc"}


def test_log_level_per_stack_never_debug_in_prod() -> None:
    from vigil.emf.log_formatter import configure_logging

    for environment, requested, expected in (
        ("dev", "DEBUG", "DEBUG"),
        ("prod", "DEBUG", "INFO"),
        ("prod", "ERROR", "ERROR"),
    ):
        stream = io.StringIO()
        log = logging.getLogger(f"vigil.test.level.{environment}.{requested}")
        log.propagate = False
        handler = configure_logging("api", environment=environment, level=requested, stream=stream, logger=log)
        try:
            log.debug("detail")
            log.error("broken")
            lines = [json.loads(line) for line in stream.getvalue().splitlines()]
        finally:
            log.removeHandler(handler)
        assert logging.getLevelName(log.level) == expected
        assert ("detail" in [r["message"] for r in lines]) is (expected == "DEBUG")
        if requested != expected:
            assert "refused" in lines[0]["message"]
    with pytest.raises(ValueError, match="not one of"):
        configure_logging("api", level="VERBOSE", stream=io.StringIO(), logger=logging.getLogger("vigil.test.bad"))
