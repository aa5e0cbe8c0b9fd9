"""Plans of the alerting mechanisms: probes, traffic absence, per-stack paging, chat, delivery failures."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from plan_fixture import ACCOUNT, fixture_project_data

from vigil.plan import StackPlan, plan_project
from vigil.plan.alarm_context import MAX_DESCRIPTION
from vigil.plan.naming import Naming
from vigil.plan.routing import channel_label
from vigil.spec.models import Project, Severity


def planned(**stack: Any) -> StackPlan:
    data = fixture_project_data()
    data["alarms"]["disabled-in-stack"]["enabled"] = False
    data["stack"].update(stack)
    project = Project.model_validate(data)
    return plan_project(project, Naming.for_project(project), ACCOUNT)


def names(plan: StackPlan) -> set[str]:
    return set(plan.alarms.names())


def test_a_stack_that_does_not_page_people_keeps_only_chat() -> None:
    plan = planned(page_people=False)
    assert all(t.subscriptions == () for t in plan.routing.topics)
    p1, p2 = plan.routing.topic(Severity.P1), plan.routing.topic(Severity.P2)
    assert p1 is not None
    assert p2 is not None
    assert not p1.alarm_actions  # P1 has no chat channel in the fixture: nobody to tell, no action
    assert p2.alarm_actions  # P2 reaches the Slack channel
    assert [c.severities for c in plan.routing.chat_channels] == [(Severity.P2, Severity.P3)]
    assert "vigil-dev-notifications-dead-lettered" not in names(plan)  # no https subscription left


def test_a_paging_stack_keeps_every_subscription_with_its_states(plan: StackPlan) -> None:
    p1 = plan.routing.topic(Severity.P1)
    assert p1 is not None
    kinds = {s.kind: (s.states, s.dead_letter) for s in p1.subscriptions}
    assert kinds == {
        "pagerduty": (("ALARM", "OK"), True),
        "sms": (("ALARM",), False),
        "email": (("ALARM",), False),
        "webhook": (("ALARM", "OK"), True),
    }
    assert json.loads(p1.subscriptions[1].filter_policy or "") == {"NewStateValue": ["ALARM"]}


def test_traffic_absence_alarm_exists_only_where_traffic_is_expected() -> None:
    assert "vigil-dev-api-no-traffic" not in names(planned(expects_traffic=False))
    alarm = next(a for a in planned().alarms.metric_alarms if a.name == "vigil-dev-api-no-traffic")
    assert (alarm.treat_missing_data, alarm.comparison_operator, alarm.threshold) == (
        "breaching",
        "LessThanThreshold",
        1,
    )


def test_delivery_alarms_follow_the_topics_that_have_listeners(plan: StackPlan) -> None:
    delivery = [a for a in plan.alarms.metric_alarms if a.kind == "delivery"]
    assert {a.name for a in delivery} == {
        "vigil-dev-delivery-failed-p1",
        "vigil-dev-delivery-failed-p2",
        "vigil-dev-delivery-failed-p3",
        "vigil-dev-notifications-dead-lettered",
    }
    assert all(a.actions.target == "delivery" and a.actions.alarm for a in delivery)
    p3 = next(a for a in delivery if a.name.endswith("p3"))
    assert "to webhook, chat (AWS Chatbot)" in p3.description


def test_no_delivery_route_means_no_delivery_resources() -> None:
    data = fixture_project_data()
    data.pop("delivery_failures")
    project = Project.model_validate(data)
    plan = plan_project(project, Naming.for_project(project), ACCOUNT)
    assert plan.routing.delivery is None
    assert not [a for a in plan.alarms.metric_alarms if a.kind == "delivery"]


def test_probe_plans_a_health_check_from_the_stack_url() -> None:
    values = {"api_health_url": "http://status.example.org:8080/ready?deep=1", "smoke_base_url": "https://x.example"}
    plan = planned(values=values)
    (check,) = plan.alarms.health_checks
    assert (check.type, check.fqdn, check.port, check.resource_path) == (
        "HTTP_STR_MATCH",
        "status.example.org",
        8080,
        "/ready?deep=1",
    )
    assert check.alarm_name == "vigil-dev-api-unreachable"


def test_descriptions_end_with_runbook_and_dashboard_and_keep_both_when_cut() -> None:
    data = fixture_project_data()
    data["alarms"]["platform-down"]["description"] = "x" * 3000
    project = Project.model_validate(data)
    plan = plan_project(project, Naming.for_project(project), ACCOUNT)
    down = next(c for c in plan.alarms.composite_alarms if c.name == "vigil-dev-platform-down")
    assert len(down.description) == MAX_DESCRIPTION
    board = "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards:name=dev-overview"
    assert down.description.endswith(f"Runbook: https://runbooks.example.com/platform-down Dashboard: {board}")


def test_alarm_on_a_declared_aws_metric_is_planned_as_is(plan: StackPlan) -> None:
    alb = next(a for a in plan.alarms.metric_alarms if a.name == "vigil-dev-alb-target-5xx")
    assert alb.metric is not None
    assert (alb.metric.namespace, alb.metric.metric_name, alb.metric.dimensions) == (
        "AWS/ApplicationELB",
        "HTTPCode_Target_5XX_Count",
        {"LoadBalancer": "app/vigil-dev/abc"},
    )


@given(st.from_regex(r"(slack_|teams_)?[a-z][a-z0-9_]{0,30}(_channel_id|_channel|_id)?", fullmatch=True))
def test_channel_labels_are_valid_chatbot_names(key: str) -> None:
    label = channel_label(key)
    assert label
    assert set(label) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")


@pytest.mark.parametrize("people", [True, False])
def test_every_alarm_that_notifies_targets_a_topic_with_listeners(people: bool) -> None:
    plan = planned(page_people=people)
    listening = {t.severity for t in plan.routing.topics if t.alarm_actions}
    for alarm in [*plan.alarms.metric_alarms, *plan.alarms.composite_alarms]:
        if alarm.actions.any and alarm.actions.target == "severity":
            assert alarm.actions.severity in listening, alarm.name


def test_canary_runs_the_smoke_flow_on_a_schedule_and_alarms_on_success_percent(plan: StackPlan) -> None:
    (canary,) = plan.alarms.canaries
    assert (canary.name, canary.schedule, canary.handler) == (
        "vigil-dev-smoke-flow",
        "rate(10 minutes)",
        "vigil_canary.handler",
    )
    assert canary.environment["VIGIL_SMOKE_BASE_URL"] == "https://api.example.com"
    assert sorted(canary.files) == ["python/vigil_canary.py", "python/vigil_smoke.py"]
    assert canary.bucket_name == "vigil-dev-canaries-123456789012-eu-west-1"
    policy = json.loads(canary.role_policy)["Statement"]
    assert {"cloudwatch:namespace": "CloudWatchSynthetics"} in [
        s.get("Condition", {}).get("StringEquals") for s in policy
    ]
    alarm = next(a for a in plan.alarms.metric_alarms if a.name == "vigil-dev-smoke-flow")
    assert alarm.metric is not None
    assert (alarm.metric.namespace, alarm.metric.metric_name, alarm.metric.dimensions) == (
        "CloudWatchSynthetics",
        "SuccessPercent",
        {"CanaryName": "vigil-dev-smoke-flow"},
    )
    assert (alarm.comparison_operator, alarm.threshold, alarm.treat_missing_data) == (
        "LessThanThreshold",
        100,
        "breaching",
    )
