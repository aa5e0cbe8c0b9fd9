"""CloudWatch filter patterns and metric filters, offline: the forms the catalog uses and their edge cases."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.emulator.logfilter import FilterPatternError, MetricDatum, compile_metric_filter, compile_pattern

EVENT: dict[str, Any] = {
    "level": "ERROR",
    "service": "api",
    "latency": 812.5,
    "status": 503,
    "ok": False,
    "user": None,
    "error": {"type": "TimeoutError", "fingerprint": "0123abcd0123abcd"},
    "items": [{"sku": "a-1"}, {"sku": "b-2"}],
    "path": "/sessions/42/answers",
}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ('{ $.level = "ERROR" }', True),
        ('{ $.level = "error" }', False),  # case-sensitive, like CloudWatch
        ("{ $.level = ERROR }", True),  # unquoted string
        ('{ $.level != "INFO" }', True),
        ('{ $.missing != "INFO" }', False),  # a comparison on an absent field is false
        ("{ $.latency > 500 }", True),
        ("{ $.latency <= 812.5 }", True),
        ("{ $.status = 503 }", True),
        ('{ $.status = "503" }', False),  # a string never equals a number
        ("{ $.level > 1 }", False),  # a number never compares with a string
        ("{ $.error.type = Timeout* }", True),
        ('{ $.path = "/sessions/*/answers" }', True),
        ("{ $.items[1].sku = b-2 }", True),
        ("{ $.items[5].sku = * }", False),
        ("{ $.error.fingerprint = * }", True),
        ("{ $.nothing = * }", False),
        ("{ $.user IS NULL }", True),
        ("{ $.ok IS FALSE }", True),
        ("{ $.ok IS TRUE }", False),
        ("{ $.nothing NOT EXISTS }", True),
        ("{ $.user NOT EXISTS }", False),
        ("{ $.path = %^/sessions/[0-9]+/% }", True),
        ('{ $.level = "INFO" || $.status >= 500 }', True),
        ('{ $.level = "ERROR" && $.status < 500 }', False),
        ('{ ($.level = "INFO" || $.level = "ERROR") && $.service = "api" }', True),
        ('{ $.level = "INFO" || ($.service = "api" && $.latency > 800) }', True),
    ],
)
def test_json_patterns(pattern: str, expected: bool) -> None:
    compiled = compile_pattern(pattern)
    assert compiled.match(EVENT) is expected
    assert compiled.match(json.dumps(EVENT)) is expected  # a raw line gives the same answer


@pytest.mark.parametrize(
    ("pattern", "line", "expected"),
    [
        ("", "anything at all", True),
        ("ERROR", "2026 ERROR boom", True),
        ("ERROR", "2026 error boom", False),
        ("ERROR Timeout", "ERROR: Timeout after 30 s", True),
        ("ERROR Timeout", "ERROR: refused", False),
        ('"connection refused"', "db: connection refused", True),
        ('"connection refused"', "connection was refused", False),
        ("?ERROR ?WARN", "WARN disk", True),
        ("?ERROR ?WARN", "INFO disk", False),
        ("ERROR -health", "ERROR /health failed", False),
    ],
)
def test_term_patterns(pattern: str, line: str, expected: bool) -> None:
    assert compile_pattern(pattern).match(line) is expected


def test_json_pattern_never_matches_a_line_that_is_not_a_json_object() -> None:
    pattern = compile_pattern("{ $.level = * }")
    assert not pattern.match("level=ERROR plain text")
    assert not pattern.match("[1, 2]")


@pytest.mark.parametrize(
    "pattern",
    [
        "{ $.level = ",
        "{ level = 1 }",
        "{ $.a = 1 && }",
        "{ ($.a = 1 }",
        "{ $.a < x }",
        "{ $.a IS MAYBE }",
        "{ }",
        "[ip, user]",
        "{ $.a = 1",
    ],
)
def test_bad_patterns_raise_with_the_pattern_named(pattern: str) -> None:
    with pytest.raises(FilterPatternError):
        compile_pattern(pattern)


def test_metric_value_and_dimensions_from_fields() -> None:
    latency = compile_metric_filter("{ $.latency = * }", "$.latency", {"Service": "$.service", "Type": "$.error.type"})
    assert latency.extract(EVENT) == MetricDatum(812.5, {"Service": "api", "Type": "TimeoutError"})
    assert latency.extract({**EVENT, "latency": "slow"}) is None  # value not a number: nothing published
    assert latency.extract({k: v for k, v in EVENT.items() if k != "service"}) is None  # dimension missing
    status = compile_metric_filter("{ $.status = * }", "1", {"Status": "$.status", "Ok": "$.ok"})
    assert status.extract(EVENT) == MetricDatum(1.0, {"Status": "503", "Ok": "false"})


def test_default_value_is_published_for_events_that_do_not_match() -> None:
    errors = compile_metric_filter('{ $.level = "ERROR" }', "1", default_value=0)
    assert errors.extract({"level": "INFO"}) == MetricDatum(0.0)
    assert errors.extract({"level": "ERROR"}) == MetricDatum(1.0)
    with pytest.raises(FilterPatternError, match="default value and dimensions"):
        compile_metric_filter('{ $.level = "ERROR" }', "1", {"Service": "$.service"}, default_value=0)
    with pytest.raises(FilterPatternError, match="must be a number"):
        compile_metric_filter('{ $.level = "ERROR" }', "latency")


keys = st.sampled_from(["a", "b", "c"])
values = st.text(alphabet="xyz", min_size=1, max_size=3)
docs = st.dictionaries(keys, values | st.integers(-5, 5), max_size=3)


@given(doc=docs, key=keys, value=values)
def test_string_equality_agrees_with_python(doc: dict[str, Any], key: str, value: str) -> None:
    assert compile_pattern(f'{{ $.{key} = "{value}" }}').match(doc) is (doc.get(key) == value)
    expected_ne = key in doc and isinstance(doc[key], str) and doc[key] != value
    assert compile_pattern(f'{{ $.{key} != "{value}" }}').match(doc) is expected_ne


@given(doc=docs, k1=keys, k2=keys, n=st.integers(-5, 5), m=st.integers(-5, 5))
def test_and_or_compose_like_boolean_logic(doc: dict[str, Any], k1: str, k2: str, n: int, m: int) -> None:
    first, second = f"$.{k1} > {n}", f"$.{k2} <= {m}"
    a = compile_pattern(f"{{ {first} }}").match(doc)
    b = compile_pattern(f"{{ {second} }}").match(doc)
    assert compile_pattern(f"{{ {first} && {second} }}").match(doc) is (a and b)
    assert compile_pattern(f"{{ {first} || {second} }}").match(doc) is (a or b)
    assert compile_pattern(f"{{ ({first} || {second}) && {first} }}").match(doc) is a
