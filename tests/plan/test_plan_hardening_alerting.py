"""What `pulumi up` would mis-deploy, read as an AWS reviewer would: delivery-failure alarms that page on one
retried HTTP(S) attempt, and a canary role that may write every canary's logs.

The delivery alarms are evaluated by Vigil's CloudWatch emulator on ``NumberOfNotificationsFailed`` series shaped
as SNS reports them: every failed HTTP(S) attempt counts (retries included), one per finally failed email/SMS.
"""

from __future__ import annotations

import json
import re
import uuid
from fnmatch import fnmatchcase
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from plan_fixture import ACCOUNT, fixture_project_data

from vigil.emulator.engine import evaluate_metric_alarm
from vigil.emulator.store import MetricKey, MetricStore
from vigil.plan import StackPlan, plan_project
from vigil.plan.canary import canary_log_group_arns
from vigil.plan.naming import Naming
from vigil.plan.routing import HTTP_RETRIES
from vigil.plan.types import MetricAlarmPlan
from vigil.spec.models import Project


def planned(routing: dict[str, Any] | None = None) -> StackPlan:
    data = fixture_project_data()
    data["alarms"]["disabled-in-stack"]["enabled"] = False
    if routing is not None:
        data["routing"] = routing
    project = Project.model_validate(data)
    return plan_project(project, Naming.for_project(project), ACCOUNT)


def fires(alarm: MetricAlarmPlan, failed_per_minute: dict[int, float]) -> bool:
    """Whether the alarm reaches ALARM over 30 minutes of ``NumberOfNotificationsFailed`` (minute -> count)."""
    assert alarm.metric is not None
    store = MetricStore()
    key = MetricKey.of(alarm.metric.namespace, alarm.metric.metric_name, dict(alarm.metric.dimensions))
    for minute in range(30):
        store.add(key, minute * 60, failed_per_minute.get(minute, 0.0))
    timeline = evaluate_metric_alarm(alarm, store, 0, 1800)
    return any(t.new == "ALARM" for t in timeline.transitions)


def delivery_alarm(plan: StackPlan, severity: str) -> MetricAlarmPlan:
    return next(a for a in plan.alarms.metric_alarms if a.name.endswith(f"delivery-failed-{severity}"))


def test_topics_plan_the_retry_policy_the_alarms_rely_on() -> None:
    for topic in planned().routing.topics:
        assert topic.delivery_policy is not None
        policy = json.loads(topic.delivery_policy)["http"]
        assert policy["defaultHealthyRetryPolicy"]["numRetries"] == HTTP_RETRIES
        assert policy["disableSubscriptionOverrides"] is True  # Chatbot's own subscription follows it too


@pytest.mark.parametrize("severity", ["p1", "p2", "p3"])  # PagerDuty, Slack (Chatbot), webhook: HTTP(S) listeners
def test_http_topics_do_not_page_on_one_retried_attempt_but_do_on_a_final_failure(severity: str) -> None:
    alarm = delivery_alarm(planned(), severity)
    assert not fires(alarm, {10: 1.0})  # one attempt failed, the retry got through
    assert not fires(alarm, {10: 1.0, 20: 1.0})  # two unrelated retried attempts
    assert fires(alarm, {10: float(HTTP_RETRIES + 1)})  # every attempt of one message failed: final failure


def test_email_only_topic_pages_on_one_failure_which_is_final_for_email() -> None:
    email = {"subscriptions": [{"kind": "email", "endpoint": {"config": "oncall_email"}}]}
    alarm = delivery_alarm(planned({"P1": email, "P2": email}), "p2")
    assert alarm.threshold == 0
    assert fires(alarm, {10: 1.0})


CANARY = re.compile(r"^[a-z0-9_-]{1,21}$")


@given(
    own=st.from_regex(CANARY, fullmatch=True),
    suffix=st.from_regex(r"^[a-z0-9_-]{1,10}$", fullmatch=True),
)
def test_canary_role_writes_only_its_own_log_group(own: str, suffix: str) -> None:
    group, streams = canary_log_group_arns("eu-west-1", ACCOUNT, own)
    prefix = f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/aws/lambda/cwsyn-"
    mine = f"{prefix}{own}-{uuid.uuid4()}"
    other = f"{prefix}{own}-{suffix}-{uuid.uuid4()}"  # another canary whose name starts with this one's
    assert fnmatchcase(mine, group)
    assert fnmatchcase(f"{mine}:log-stream:x", streams)
    assert not fnmatchcase(other, group)
    assert not fnmatchcase(f"{other}:log-stream:x", streams)
    assert not fnmatchcase(f"{prefix}{suffix}x-{uuid.uuid4()}", group)


def test_planned_canary_policy_uses_its_own_log_group() -> None:
    (canary,) = planned().alarms.canaries
    statements = json.loads(canary.role_policy)["Statement"]
    logs = next(s for s in statements if s["Sid"] == "Logs")
    assert logs["Resource"] == canary_log_group_arns("eu-west-1", ACCOUNT, canary.name)
