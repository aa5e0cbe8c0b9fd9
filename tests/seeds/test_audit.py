"""vigil.audit: audit and domain events as schema lines, and the example service's events over a real flow."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest

from vigil.audit import DOMAIN_EVENTS, Audit, domain_event
from vigil.cli.smoke import example_service
from vigil.emf.log_formatter import JsonFormatter
from vigil.emf.log_schema import line_problems
from vigil.smoke.flow import run_flow


class Lines:
    """A logger formatted by the real JsonFormatter; ``take()`` returns the decoded lines written so far."""

    def __init__(self, name: str) -> None:
        self.stream = io.StringIO()
        handler = logging.StreamHandler(self.stream)
        handler.setFormatter(JsonFormatter("api", environment="prod"))
        self.log = logging.getLogger(name)
        self.log.handlers[:] = [handler]
        self.log.setLevel(logging.INFO)
        self.log.propagate = False

    def take(self) -> list[dict[str, Any]]:
        lines = [json.loads(x) for x in self.stream.getvalue().splitlines() if x]
        self.stream.seek(0)
        self.stream.truncate()
        return lines


@pytest.mark.parametrize(
    ("write", "event", "level", "resource"),
    [
        (lambda a: a.login("u-1", outcome="failure", ip="10.0.0.1"), "auth.login", "WARNING", None),
        (lambda a: a.data_access("u-1", "session:s-1"), "data.read", "INFO", "session:s-1"),
        (lambda a: a.data_access("u-1", "session:s-1", action="delete"), "data.delete", "INFO", "session:s-1"),
        (lambda a: a.admin_action("u-2", "user.disable", "user:u-9"), "admin.user.disable", "INFO", "user:u-9"),
        (
            lambda a: a.sensitive_call("u-1", "POST", "/plans/{id}/approve", outcome="failure"),
            "api.sensitive_call",
            "WARNING",
            "route:POST /plans/{id}/approve",
        ),
    ],
)
def test_each_audit_event_is_one_schema_line_with_the_user(write: Any, event: str, level: str, resource: Any) -> None:
    lines = Lines(f"test.audit.{event}")
    write(Audit(lines.log))
    (line,) = lines.take()
    assert line_problems(line) == []
    assert (line["event"], line["event_type"], line["level"], line.get("resource")) == (event, "audit", level, resource)
    assert line["user_id"] in ("u-1", "u-2")
    assert line["outcome"] == ("failure" if level == "WARNING" else "success")


def test_domain_events_keep_their_fields_under_context_and_flag_bad_names() -> None:
    lines = Lines("test.audit.domain")
    domain_event(
        "session.phase_changed", resource="session:s-1", from_phase="questionnaire", to_phase="plan", logger=lines.log
    )
    domain_event("Session Created", logger=lines.log)
    good, bad = lines.take()
    assert line_problems(good) == []
    assert line_problems(bad) == []
    assert (good["event"], good["event_type"], good["context"]) == (
        "session.phase_changed",
        "domain",
        {"from_phase": "questionnaire", "to_phase": "plan"},
    )
    assert bad["event"] == "Session Created"
    assert bad["context"] == {"bad_name": True}  # logged anyway: no event is lost to a typo


def test_the_example_service_logs_the_flow_as_domain_and_audit_events(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="examples.agent_service"), example_service() as url:
        steps = run_flow(url)
    assert all(s.ok for s in steps)
    events = [(r.event_type, r.event) for r in caplog.records if hasattr(r, "event_type")]  # type: ignore[attr-defined]
    assert ("domain", "session.created") in events
    assert ("audit", "data.read") in events  # the plan summary is the user's data
    formatter = JsonFormatter("api", environment="dev")
    for record in caplog.records:
        if hasattr(record, "event_type"):
            assert line_problems(json.loads(formatter.format(record))) == []


def test_the_seed_domain_events_are_named() -> None:
    assert {"session.phase_changed", "workspace.created", "patch.applied", "plan.approved"} <= set(DOMAIN_EVENTS)
