"""Parsing of X-Correlation-ID and W3C traceparent headers: any input gives a valid id or a clean refusal."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from vigil.middleware import TraceContext, parse_traceparent
from vigil.middleware.correlation import clean_correlation_id

HEX = st.text(alphabet="0123456789abcdef", min_size=1)


@given(st.text(max_size=80))
def test_any_header_gives_none_or_a_valid_context(text: str) -> None:
    context = parse_traceparent(text)
    if context is not None:
        assert re.fullmatch(r"[0-9a-f]{32}", context.trace_id)
        assert re.fullmatch(r"[0-9a-f]{16}", context.span_id)
        assert context.trace_id.strip("0")
        assert context.span_id.strip("0")


@given(
    trace_id=st.text(alphabet="0123456789abcdef", min_size=32, max_size=32).filter(lambda t: t.strip("0")),
    span_id=st.text(alphabet="0123456789abcdef", min_size=16, max_size=16).filter(lambda t: t.strip("0")),
    sampled=st.booleans(),
)
def test_round_trip(trace_id: str, span_id: str, sampled: bool) -> None:
    context = TraceContext(trace_id, span_id, sampled)
    assert parse_traceparent(context.traceparent()) == context
    assert parse_traceparent(context.traceparent().upper()) == context  # hex is case-insensitive on input


def test_reserved_and_malformed_values_are_refused() -> None:
    good = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    assert parse_traceparent(good) is not None
    for bad in (
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  # version ff is invalid
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  # all-zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  # all-zero span id
        good + "-extra",  # version 00 has exactly four fields
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        "",
    ):
        assert parse_traceparent(bad) is None, bad
    assert parse_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future") is not None


@given(st.text(max_size=200))
def test_correlation_ids_are_kept_only_when_sane(text: str) -> None:
    cleaned = clean_correlation_id(text)
    if re.fullmatch(r"[A-Za-z0-9._:\-]{1,128}", text):
        assert cleaned == text
    else:
        assert re.fullmatch(r"[0-9a-f]{32}", cleaned)
