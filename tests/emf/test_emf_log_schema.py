"""One JSON log schema: the formatter's real output matches it and goes through every shipped metric filter; the
shipped Logs Insights queries read only what it (or the EMF lines) holds (tests/spec/test_spec_queries.py)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.audit import Audit, domain_event
from vigil.emf.log_formatter import JsonFormatter, log_context
from vigil.emf.log_schema import ERROR_PATTERN, LEVELS, PATHS, TOP_LEVEL, line_problems
from vigil.emulator.logfilter import compile_metric_filter, compile_pattern
from vigil.spec import load_project
from vigil.spec.models.metrics import MetricNamespaceSpec

ROOT = Path(__file__).resolve().parents[2]
NAMESPACES: dict[str, MetricNamespaceSpec] = load_project(ROOT).project.namespaces


class Capture:
    """A logger whose lines are formatted by the real JsonFormatter of one service."""

    def __init__(self, service: str) -> None:
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(JsonFormatter(service, environment="prod", release="2.0.1"))
        self.log = logging.getLogger(f"vigil.schema.{service}.{id(self)}")
        self.log.addHandler(self.handler)
        self.log.setLevel(logging.DEBUG)
        self.log.propagate = False

    def lines(self) -> list[str]:
        lines = [line for line in self.stream.getvalue().split("\n") if line]  # not splitlines: U+0085 is data
        self.stream.seek(0)
        self.stream.truncate()
        return lines


def _raise_timeout(log: logging.Logger) -> None:
    try:
        raise TimeoutError("provider did not answer in 30 s")
    except TimeoutError:
        log.exception("llm call failed")


#: For each shipped filter: how an application produces a line it must count, and one it must not count.
SCENARIOS: dict[str, tuple[Callable[[logging.Logger], None], Callable[[logging.Logger], None]]] = {
    "error-total": (lambda log: log.error("job failed"), lambda log: log.warning("slow job")),
    "errors-by-type": (_raise_timeout, lambda log: log.error("job failed without an exception")),
    "auth-login-success": (
        lambda log: log.info("login", extra={"event": "auth.login", "outcome": "success", "user_id": "u-1"}),
        lambda log: log.info("login", extra={"event": "auth.login", "outcome": "failure", "user_id": "u-1"}),
    ),
    "auth-login-failure": (
        lambda log: log.warning("login refused", extra={"event": "auth.login", "outcome": "failure"}),
        lambda log: log.info("logout", extra={"event": "auth.logout", "outcome": "failure"}),
    ),
    "audit-events": (
        lambda log: Audit(log).data_access("u-1", "session:s-1"),
        lambda log: domain_event("session.created", resource="session:s-1", logger=log),
    ),
    "audit-failures": (
        lambda log: Audit(log).admin_action(None, "incident.start", "incident:x", outcome="failure"),
        lambda log: Audit(log).sensitive_call("u-1", "POST", "/plans/{id}/approve", outcome="success"),
    ),
}

FILTERS = [
    (spec.service, name, f)
    for spec in NAMESPACES.values()
    if spec.log_group is not None
    for name, f in sorted(spec.log_group.metric_filters.items())
]


def test_every_shipped_filter_has_a_scenario() -> None:
    assert FILTERS, "the shipped catalog has metric filters"
    missing = sorted({name for _, name, _ in FILTERS} - SCENARIOS.keys())
    assert not missing, f"add a scenario for the new metric filters {missing}"


@pytest.mark.parametrize(("service", "name", "spec"), FILTERS, ids=[f"{s}/{n}" for s, n, _ in FILTERS])
def test_formatter_output_through_each_shipped_filter(service: str, name: str, spec: Any) -> None:
    cap = Capture(service)
    counted, ignored = SCENARIOS[name]
    metric_filter = compile_metric_filter(spec.pattern, spec.value, dict(spec.dimensions), spec.default_value)
    counted(cap.log)
    (line,) = cap.lines()
    datum = metric_filter.extract(line)
    assert datum is not None, f"{service}/{name}: {spec.pattern} does not count the formatter's line {line}"
    assert datum.value == float(spec.value)
    assert datum.dimensions["Service"] == service
    assert datum.dimensions["Environment"] == "prod"
    assert set(datum.dimensions) == set(spec.dimensions)
    ignored(cap.log)
    (other,) = cap.lines()
    assert metric_filter.extract(other) is None, f"{service}/{name}: {spec.pattern} counts {other}"


def test_error_filters_use_the_schema_pattern_and_count_every_error_level() -> None:
    error_filters = [f for _, name, f in FILTERS if name == "error-total"]
    assert len(error_filters) == len([s for s in NAMESPACES.values() if s.log_group is not None])
    assert all(f.pattern == ERROR_PATTERN for f in error_filters)
    pattern = compile_pattern(ERROR_PATTERN)
    cap = Capture("worker")
    for level in LEVELS:
        cap.log.log(logging.getLevelName(level), "x")
    matched = [json.loads(line)["level"] for line in cap.lines() if pattern.match(line)]
    assert matched == ["ERROR", "CRITICAL"]


def test_errors_by_type_dimension_is_the_exception_class() -> None:
    spec = next(f for _, name, f in FILTERS if name == "errors-by-type")
    cap = Capture("worker")
    _raise_timeout(cap.log)
    (line,) = cap.lines()
    datum = compile_metric_filter(spec.pattern, spec.value, dict(spec.dimensions)).extract(line)
    assert datum is not None
    assert datum.dimensions["ErrorType"] == "TimeoutError"


@settings(max_examples=50, deadline=None)
@given(
    extra=st.dictionaries(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12).filter(
            lambda k: (
                k not in logging.LogRecord("", 0, "", 0, "", None, None).__dict__ and k not in ("message", "asctime")
            )
        ),
        st.text(max_size=30) | st.integers(),
        max_size=5,
    ),
    bound=st.dictionaries(st.sampled_from(["job_id", "agent_type", "user_id", "attempt"]), st.text(max_size=8)),
)
def test_formatter_writes_only_schema_fields(extra: dict[str, Any], bound: dict[str, Any]) -> None:
    cap = Capture("api")
    try:
        with log_context(**bound):
            cap.log.error("failed", extra=extra)
        (line,) = cap.lines()
    finally:
        cap.log.removeHandler(cap.handler)
    doc = json.loads(line)
    assert set(doc) <= TOP_LEVEL
    assert doc["level"] in LEVELS
    for key in doc.get("context", {}):
        assert key not in TOP_LEVEL or key in ("context", "error")
    assert all(path in PATHS for path in doc if "." not in path)
    assert line_problems(doc) == []


def test_formatter_output_matches_the_schema_for_every_level_and_an_exception() -> None:
    cap = Capture("worker")
    with log_context(job_id="j-1", agent_type="coder"):
        for level in LEVELS:
            cap.log.log(logging.getLevelName(level), "x", extra={"event": "auth.login", "outcome": "success"})
        _raise_timeout(cap.log)
    docs = [json.loads(line) for line in cap.lines()]
    assert [d["level"] for d in docs] == [*LEVELS, "ERROR"]
    assert all(line_problems(d) == [] for d in docs), [line_problems(d) for d in docs]
    assert set(docs[-1]["error"]) == {"type", "message", "fingerprint", "stack"}
    assert docs[0]["context"] == {"job_id": "j-1", "agent_type": "coder"}


def test_schema_rejects_what_the_old_catalog_assumed() -> None:
    problems = line_problems({"level": "error", "jobId": "j-1", "outcome": "failed"})
    assert problems == [
        "level: 'error' is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
        "unknown field 'jobId'",
        "outcome: 'failed' is not one of success, failure",
    ]


def test_machine_fields_name_the_host_and_the_thread() -> None:
    import socket
    import threading

    stream = io.StringIO()
    logger = logging.getLogger("test.machine_fields")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("worker", environment="prod", machine_fields=True))
    logger.addHandler(handler)
    logger.propagate = False
    try:
        worker = threading.Thread(target=lambda: logger.warning("from the worker"), name="worker-7")
        worker.start()
        worker.join()
        logger.warning("from main")
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(line["host"], line["thread"]) for line in lines] == [
        (socket.gethostname(), "worker-7"),
        (socket.gethostname(), threading.current_thread().name),
    ]
    assert [line_problems(line) for line in lines] == [[], []]
    plain = JsonFormatter("worker").format(logging.LogRecord("x", logging.INFO, "f", 1, "m", None, None))
    assert "host" not in json.loads(plain)  # off unless asked: every line stays as short as before
