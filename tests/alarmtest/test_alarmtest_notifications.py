"""Test files that expect notifications: pages counted, topics notified and when (suppressor wait and extension),
INSUFFICIENT_DATA notifying nobody; and the same notion of "page" as `vigil backtest`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.alarmtest import load_test_file, run_tests
from vigil.backtest.ingest import IngestStats
from vigil.backtest.report import build_result
from vigil.emulator.notifications import notifications
from vigil.emulator.timeline import AlarmTimeline, Evaluation, Transition
from vigil.plan.types import (
    ActionsPlan,
    AlarmsPlan,
    CompositeAlarmPlan,
    KmsKeyPlan,
    RoutingPlan,
    SubscriptionPlan,
    SuppressorPlan,
    TopicPlan,
)
from vigil.spec.models.common import Severity

HERE = Path(__file__).parent
GOOD = HERE.parent / "spec" / "good" / "minimal"
CASES = HERE / "notifications" / "notifications.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    shutil.copytree(GOOD, root)
    shutil.copy(CASES, root / "alarms" / "tests" / CASES.name)
    return root


def test_the_notification_cases_pass(project: Path) -> None:
    report = run_tests(project, [project / "alarms" / "tests" / CASES.name])
    assert report.errors == []
    assert [c.passed for c in report.cases] == [True] * 5, [
        (f.expected, f.got) for c in report.cases for f in c.failures
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected", "got"),
    [
        ("errors-burst, pages: 1}", "errors-burst, pages: 2}", "2 page(s)", "1 page(s)"),
        ("      - {pages: 2}", "      - {pages: 3}", "3 page(s)", "2 page(s)"),
        (
            "between: [9m, 9m]}",
            "between: [7m, 7m]}",
            "first ALARM notification to P1 within [7m, 7m]",
            "first at 9m",
        ),
        ("errors-ticket, pages: 0}", "errors-ticket, notifies: nobody}", "no notification", "P3 notified at 1m"),
        ("errors-ticket, notifies: P3,", "errors-ticket, notifies: P1,", "first ALARM notification to P1", "P3 OK at"),
    ],
)
def test_a_wrong_notification_expectation_fails_and_says_what_happened(
    project: Path, old: str, new: str, expected: str, got: str
) -> None:
    path = project / "alarms" / "tests" / CASES.name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    failures = [f for c in run_tests(project, [path]).cases for f in c.failures]
    assert len(failures) == 1
    assert expected in failures[0].expected
    assert got in failures[0].got
    assert failures[0].context  # the notifications that did go out


@pytest.mark.parametrize(
    ("expect", "error"),
    [
        ("{notifies: P1}", "name the `alarm`"),
        ("{alarm: a, pages: 1, notifies: P1}", "give exactly one of"),
        ("{alarm: a, notifies: nobody, between: [1m, 2m]}", "`between` is the window of the first notification"),
        ("{alarm: a, pages: -1}", "greater than or equal to 0"),
        ("{alarm: a, notifies: P5}", "P1"),
    ],
)
def test_malformed_notification_expectations_are_located(tmp_path: Path, expect: str, error: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(f"version: vigil/v1\ntests:\n  - name: x\n    expect:\n      - {expect}\n")
    parsed, _, errors = load_test_file(path)
    assert parsed is None
    assert any(error in str(e) and "t.yaml:5:" in str(e) for e in errors), [str(e) for e in errors]


# --- one notion of "page": what vigil test counts is what vigil backtest counts ----------------------------------

PAGER = TopicPlan(
    Severity.P1, "p1", "arn:p1", "{}", (SubscriptionPlan("pagerduty", "https", "k", True),), True, True, False
)
ROUTING = RoutingPlan(KmsKeyPlan("a", "", "{}"), (PAGER,))
_states = st.lists(st.sampled_from(["OK", "ALARM", "INSUFFICIENT_DATA"]), min_size=1, max_size=20)


def _timeline(name: str, states: list[str]) -> AlarmTimeline:
    times = [60 * i for i in range(len(states))]
    transitions, last = [], "INSUFFICIENT_DATA"
    for t, s in zip(times, states, strict=True):
        if s != last:
            transitions.append(Transition(t, last, s, ""))  # type: ignore[arg-type]
            last = s
    return AlarmTimeline(name, "composite", "P1", times=times, states=states, transitions=transitions)  # type: ignore[arg-type]


@settings(max_examples=80, deadline=None)
@given(_states, _states, st.integers(0, 300), st.integers(0, 300), st.booleans())
def test_vigil_test_and_backtest_count_the_same_pages(
    composite: list[str], suppressor: list[str], wait: int, extension: int, suppressed: bool
) -> None:
    rule = SuppressorPlan("s", wait, extension) if suppressed else None
    plan = CompositeAlarmPlan(
        "c", "composite", Severity.P1, "", "ALARM(x)", ("x",), ActionsPlan(Severity.P1, alarm=True), suppressor=rule
    )
    evaluation = Evaluation(0, 60 * 20, {"c": _timeline("c", composite), "s": _timeline("s", suppressor)})
    sent = [(n.alarm, n.time) for n in notifications(evaluation, AlarmsPlan((), (plan,)), ROUTING) if n.pages]
    suppressors = {"c": rule} if rule else {}
    backtest = build_result(evaluation, IngestStats(), [], paging={"c"}, suppressors=suppressors)
    assert sent == [(p.alarm, p.time) for p in backtest.pages]
