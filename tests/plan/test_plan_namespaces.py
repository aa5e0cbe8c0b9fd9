"""Namespace plans: log group retention and encryption, key policy, app policy, agent config."""

from __future__ import annotations

import json

from vigil.plan import NamespacePlan, StackPlan


def ns(plan: StackPlan, namespace: str) -> NamespacePlan:
    return next(n for n in plan.namespaces if n.namespace == namespace)


def test_stack_override_beats_spec_retention(plan: StackPlan) -> None:
    lg = ns(plan, "Vigil/API").log_group
    assert lg is not None
    assert lg.retention_days == 90  # spec says 14, stack override says 90


def test_default_retention_when_nothing_is_set(plan: StackPlan) -> None:
    lg = ns(plan, "Vigil/Worker").log_group
    assert lg is not None
    assert lg.retention_days == 30


def test_log_key_policy_lets_logs_use_the_key_for_this_group_only(plan: StackPlan) -> None:
    lg = ns(plan, "Vigil/API").log_group
    assert lg is not None
    assert lg.kms_key is not None
    statement = json.loads(lg.kms_key.policy)["Statement"][1]
    assert statement["Principal"] == {"Service": "logs.eu-west-1.amazonaws.com"}
    assert set(statement["Action"]) == {
        "kms:Encrypt*",
        "kms:Decrypt*",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        "kms:Describe*",
    }
    assert statement["Condition"]["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"] == lg.arn


def test_existing_key_alias_is_reused_not_created(plan: StackPlan) -> None:
    lg = ns(plan, "Vigil/Worker").log_group
    assert lg is not None
    assert (lg.kms_key, lg.existing_kms_alias) == (None, "alias/shared-logs")


def test_app_policy_grants_exactly_its_log_group_and_namespace(plan: StackPlan) -> None:
    doc = json.loads(ns(plan, "Vigil/API").app_policy)
    logs, metrics = doc["Statement"]
    arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/vigil/dev/api"
    assert logs["Resource"] == [arn, f"{arn}:*"]
    assert sorted(logs["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert metrics["Action"] == "cloudwatch:PutMetricData"
    assert metrics["Condition"] == {"StringEquals": {"cloudwatch:namespace": "Vigil/API"}}


def test_agent_config_collects_emf_and_ships_to_the_log_group(plan: StackPlan) -> None:
    agent = ns(plan, "Vigil/API").agent_config
    assert agent is not None
    assert agent.parameter_name == "/vigil/dev/api/cloudwatch-agent"
    config = json.loads(agent.config)
    assert "emf" in config["logs"]["metrics_collected"]
    assert config["logs"]["logs_collected"]["files"]["collect_list"][0]["log_group_name"] == "/vigil/dev/api"


def test_filters_and_queries_are_named_per_stack_and_service(plan: StackPlan) -> None:
    api = ns(plan, "Vigil/API")
    assert [q.name for q in api.queries] == ["vigil/dev/api/errors", "vigil/dev/api/slow-endpoints"]
    assert all(q.log_group_names == ("/vigil/dev/api",) for q in api.queries)
    (f,) = api.metric_filters
    assert (f.name, f.metric_name, f.namespace, f.log_group_name) == (
        "vigil-dev-api-error-total",
        "error.total",
        "Vigil/API",
        "/vigil/dev/api",
    )
