"""Plan of the tracing side: X-Ray rules and groups from the stack's ratio, app settings, anomaly detectors."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from vigil.plan import PlanError, StackPlan, plan_project
from vigil.plan.collisions import find_collisions
from vigil.plan.naming import Naming
from vigil.plan.xray import COLLECTOR_ACTIONS, plan_tracing
from vigil.spec import load_project
from vigil.tracing import TelemetrySettings

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"


def _plan(stack: str, **stack_changes: object) -> StackPlan:
    project = load_project(ROOT, stack=stack).project
    if stack_changes:
        assert project.stack is not None
        project = project.model_copy(update={"stack": project.stack.model_copy(update=stack_changes)})
    return plan_project(project, Naming.for_project(project), ACCOUNT)


@pytest.mark.parametrize(("stack", "ratio"), [("prod", 0.1), ("dev", 1.0)])
def test_one_rule_and_group_per_service_at_the_stack_ratio(stack: str, ratio: float) -> None:
    tracing = _plan(stack).tracing
    assert tracing is not None
    services = ["api", "dashboard", "worker"]
    assert [r.service_name for r in tracing.sampling_rules] == services
    assert {r.fixed_rate for r in tracing.sampling_rules} == {ratio}
    assert all(1 <= len(r.name) <= 32 and r.name.startswith(f"vigil-{stack}-") for r in tracing.sampling_rules)
    assert len({r.priority for r in tracing.sampling_rules}) == 3
    scoped = f'annotation.vigil_environment = "{stack}"'
    assert [g.filter_expression for g in tracing.groups] == [f'service("{s}") AND {scoped}' for s in services]
    assert {tuple(r.attributes.items()) for r in tracing.sampling_rules} == {(("vigil_environment", stack),)}
    assert set(json.loads(tracing.collector_policy)["Statement"][0]["Action"]) == set(COLLECTOR_ACTIONS)


def test_dev_and_prod_rules_and_groups_never_match_the_same_traffic() -> None:
    dev, prod = _plan("dev").tracing, _plan("prod").tracing
    assert dev is not None
    assert prod is not None
    assert not {r.matches() for r in dev.sampling_rules} & {r.matches() for r in prod.sampling_rules}
    assert not {g.filter_expression for g in dev.groups} & {g.filter_expression for g in prod.groups}


def test_collision_check_compares_what_rules_match_not_only_their_names() -> None:
    dev, prod = _plan("dev"), _plan("prod")
    assert dev.tracing is not None
    assert prod.tracing is not None
    unscoped = replace(  # prod's rules and groups as they were before scoping: names differ, matches equal
        prod,
        tracing=replace(
            prod.tracing,
            sampling_rules=tuple(
                replace(r, attributes=dev.tracing.sampling_rules[0].attributes) for r in prod.tracing.sampling_rules
            ),
            groups=tuple(
                replace(g, filter_expression=d.filter_expression)
                for g, d in zip(prod.tracing.groups, dev.tracing.groups, strict=True)
            ),
        ),
    )
    assert find_collisions([("dev", None, dev), ("prod", None, prod)]) == []
    (collision,) = find_collisions([("dev", None, dev), ("prod", None, unscoped)])
    assert set(collision.names) == {"x-ray sampling rule matches", "x-ray group filters"}
    assert "service api with vigil_environment=dev" in collision.message()


def test_app_environment_gives_each_service_the_stack_settings() -> None:
    project = load_project(ROOT, stack="prod").project
    tracing = _plan("prod").tracing
    assert tracing is not None
    for service, env in tracing.app_environment.items():
        assert TelemetrySettings.from_env(service, env) == TelemetrySettings.from_project(project, service)
    assert tracing.app_environment["api"]["VIGIL_TRACE_SAMPLE_RATIO"] == "0.1"


def test_agent_config_receives_spans_and_every_log_group_has_anomaly_detection() -> None:
    plan = _plan("prod")
    for ns in plan.namespaces:
        assert ns.agent_config is not None
        config = json.loads(ns.agent_config.config)
        assert config["traces"]["traces_collected"]["otlp"]["http_endpoint"] == "127.0.0.1:4318"
        assert ns.anomaly_detector is not None
        assert ns.log_group is not None
        assert ns.anomaly_detector.log_group_arn == ns.log_group.arn
        assert 7 <= ns.anomaly_detector.anomaly_visibility_days <= 90
    assert len({ns.anomaly_detector.name for ns in plan.namespaces if ns.anomaly_detector}) == 3


def test_tracing_and_anomaly_detection_can_be_turned_off_per_stack() -> None:
    project = load_project(ROOT, stack="dev").project
    assert project.stack is not None
    off = project.stack.tracing.model_copy(update={"enabled": False})
    plan = _plan("dev", tracing=off, log_anomaly_detection=False)
    assert plan.tracing is not None
    assert plan.tracing.sampling_rules == ()
    assert plan.tracing.groups == ()
    assert plan.tracing.app_environment["worker"]["VIGIL_TRACING"] == "off"
    for ns in plan.namespaces:
        assert ns.anomaly_detector is None
        assert ns.agent_config is not None
        assert "traces" not in json.loads(ns.agent_config.config)


def test_a_name_over_the_xray_limit_is_a_plan_error() -> None:
    project = load_project(ROOT, stack="dev").project
    with pytest.raises(PlanError, match="X-Ray allows at most 32 characters") as raised:
        plan_tracing(_plan("dev").context, Naming("a-very-long-environment-name"), project)
    assert (raised.value.kind, raised.value.fields) == ("namespace", ("service",))
