"""Routing plans: one encrypted topic per severity that only this account's alarms may publish to."""

from __future__ import annotations

import json

from vigil.plan import StackPlan
from vigil.spec.models import Severity


def test_one_topic_per_severity_named_by_stack(plan: StackPlan) -> None:
    assert [t.name for t in plan.routing.topics] == ["vigil-dev-p1", "vigil-dev-p2", "vigil-dev-p3", "vigil-dev-p4"]


def test_topic_policy_allows_only_cloudwatch_alarms_of_this_account(plan: StackPlan) -> None:
    for topic in plan.routing.topics:
        (statement,) = json.loads(topic.policy)["Statement"]
        assert statement["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
        assert statement["Action"] == "sns:Publish"
        assert statement["Resource"] == topic.arn
        assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
        assert statement["Condition"]["ArnLike"] == {
            "aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*"
        }


def test_alarm_key_lets_cloudwatch_decrypt_and_generate_data_keys(plan: StackPlan) -> None:
    statement = json.loads(plan.routing.kms_key.policy)["Statement"][1]
    assert statement["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert statement["Action"] == ["kms:Decrypt", "kms:GenerateDataKey*"]


def test_pagerduty_is_an_https_endpoint_built_from_a_secret(plan: StackPlan) -> None:
    p1 = plan.routing.topic(Severity.P1)
    assert p1 is not None
    pd = p1.subscriptions[0]
    assert (pd.protocol, pd.config_key, pd.secret) == ("https", "pagerduty_p1_key", True)
    assert pd.endpoint_template.format("K") == "https://events.pagerduty.com/integration/K/enqueue"
    assert [(s.kind, s.protocol) for s in p1.subscriptions[1:]] == [
        ("sms", "sms"),
        ("email", "email"),
        ("webhook", "https"),
    ]


def test_p4_without_listeners_publishes_nothing(plan: StackPlan) -> None:
    p4 = plan.routing.topic(Severity.P4)
    assert p4 is not None
    assert (p4.subscriptions, p4.alarm_actions) == ((), False)
