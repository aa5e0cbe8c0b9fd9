"""Alarm plans: every kind renders to the CloudWatch arguments an operator expects."""

from __future__ import annotations

import pytest
from plan_fixture import ACCOUNT, fixture_project_data

from vigil.plan import MetricAlarmPlan, PlanError, StackPlan, plan_project
from vigil.plan.alarm_context import split_statistic
from vigil.plan.naming import Naming
from vigil.spec.models import Project, Severity


def alarm(plan: StackPlan, name: str) -> MetricAlarmPlan:
    """The planned metric alarm of a spec name (physical names carry ``vigil-<env>-``)."""
    return next(a for a in plan.alarms.metric_alarms if a.name == f"vigil-dev-{name}")


def test_percentile_static_alarm_uses_extended_statistic(plan: StackPlan) -> None:
    a = alarm(plan, "api-latency-p95")
    assert (a.statistic, a.extended_statistic) == (None, "p95")
    assert a.metric is not None
    assert a.metric.dimensions == {"Environment": "dev", "Service": "api"}
    assert (a.comparison_operator, a.threshold, a.evaluation_periods) == ("GreaterThanThreshold", 5000, 10)


def test_math_alarm_returns_only_the_expression(plan: StackPlan) -> None:
    a = alarm(plan, "job-failure-rate")
    returned = [q for q in a.metric_queries if q.return_data]
    assert [q.expression for q in returned] == ["100 * failed / claimed"]
    assert {q.id for q in a.metric_queries if q.metric} == {"failed", "claimed"}
    assert all(q.metric.period == 300 for q in a.metric_queries if q.metric)
    assert a.metric is None
    assert a.statistic is None


def test_anomaly_alarm_thresholds_on_the_band(plan: StackPlan) -> None:
    a = alarm(plan, "token-spike")
    assert a.threshold_metric_id == "ad1"
    assert a.threshold is None
    band = next(q for q in a.metric_queries if q.id == "ad1")
    assert band.expression == "ANOMALY_DETECTION_BAND(m1, 2)"
    assert a.comparison_operator == "GreaterThanUpperThreshold"


def test_heartbeat_alarm_is_sum_below_min_with_missing_breaching(plan: StackPlan) -> None:
    a = alarm(plan, "worker-down")
    assert (a.statistic, a.comparison_operator, a.threshold, a.treat_missing_data) == (
        "Sum",
        "LessThanThreshold",
        1.0,
        "breaching",
    )


def test_slo_expands_to_three_alarms_per_window_pair(plan: StackPlan) -> None:
    children = [a for a in plan.alarms.metric_alarms if a.kind == "slo-window"]
    parents = [c for c in plan.alarms.composite_alarms if c.kind == "slo"]
    assert (len(children), len(parents)) == (8, 4)
    page = next(c for c in parents if c.name == "vigil-dev-api-availability-burn-5m-1h")
    assert page.alarm_rule == (
        'ALARM("vigil-dev-api-availability-burn-5m-1h-short") AND ALARM("vigil-dev-api-availability-burn-5m-1h-long")'
    )
    assert page.actions.severity == Severity.P1
    short = alarm(plan, "api-availability-burn-5m-1h-short")
    assert not short.actions.any
    assert short.threshold == pytest.approx(14.4 * 0.001)
    assert {q.metric.period for q in short.metric_queries if q.metric} == {300}
    assert {q.metric.period for q in alarm(plan, "api-availability-burn-5m-1h-long").metric_queries if q.metric} == {
        3600
    }


def test_composite_rule_expands_slo_to_its_page_alarms(plan: StackPlan) -> None:
    c = next(c for c in plan.alarms.composite_alarms if c.name == "vigil-dev-platform-down")
    assert c.alarm_rule == (
        '((ALARM("vigil-dev-worker-down") AND ALARM("vigil-dev-job-failure-rate")) OR '
        '(ALARM("vigil-dev-api-availability-burn-5m-1h") OR ALARM("vigil-dev-api-availability-burn-30m-6h")))'
    )
    assert plan.alarms.composite_alarms[-1].name == "vigil-dev-platform-down"  # after the alarms it references


def test_actions_follow_routing_and_p4_without_listeners_has_none(plan: StackPlan) -> None:
    p1 = alarm(plan, "worker-down").actions
    assert (p1.alarm, p1.ok, p1.insufficient_data) == (True, True, True)
    p3 = alarm(plan, "token-spike").actions
    assert (p3.alarm, p3.ok) == (True, False)
    assert not alarm(plan, "request-drop").actions.any


def test_disabled_alarm_is_not_planned(plan: StackPlan) -> None:
    assert "vigil-dev-disabled-in-stack" not in plan.alarms.names()


def test_description_has_severity_and_published_runbook(plan: StackPlan) -> None:
    a = alarm(plan, "api-latency-p95")
    assert a.description.startswith("[P2] p95 latency above 5 s")
    assert a.description.endswith("Runbook: https://github.com/acme/vigil/blob/main/alarms/runbooks/api-latency.md")


def test_long_description_is_cut_but_keeps_the_runbook() -> None:
    data = fixture_project_data()
    data["alarms"]["api-latency-p95"]["description"] = "x" * 3000
    project = Project.model_validate(data)
    a = alarm(plan_project(project, Naming.for_project(project), ACCOUNT), "api-latency-p95")
    assert len(a.description) == 1024
    assert a.description.endswith("api-latency.md")


def test_tags_name_severity_service_owner_and_stack(plan: StackPlan) -> None:
    assert alarm(plan, "job-failure-rate").tags == {
        "severity": "P1",
        "service": "worker",
        "managed-by": "vigil",
        "stack": "dev",
    }


def test_composite_over_a_disabled_alarm_reads_it_as_false() -> None:
    data = fixture_project_data()
    data["alarms"]["platform-down"]["rule"] = {"all": ["worker-down", "disabled-in-stack"]}
    data["alarms"]["disabled-in-stack"]["enabled"] = False
    project = Project.model_validate(data)
    plan = plan_project(project, Naming.for_project(project), ACCOUNT)
    (composite,) = [c for c in plan.alarms.composite_alarms if c.name.endswith("platform-down")]
    assert composite.alarm_rule.endswith(" AND FALSE)")
    assert all("disabled-in-stack" not in child for child in composite.children)


def test_composite_over_unknown_alarm_is_a_plan_error() -> None:
    data = fixture_project_data()
    data["alarms"]["platform-down"]["rule"] = {"all": ["worker-down", "no-such-alarm"]}
    project = Project.model_validate(data)
    with pytest.raises(PlanError, match=r"'platform-down'.*'no-such-alarm'"):
        plan_project(project, Naming.for_project(project), ACCOUNT)


@pytest.mark.parametrize(
    ("stat", "expected"),
    [("Average", ("Average", None)), ("p99", (None, "p99")), ("p99.9", (None, "p99.9")), ("tm90", (None, "tm90"))],
)
def test_split_statistic(stat: str, expected: tuple[str | None, str | None]) -> None:
    assert split_statistic(stat) == expected
