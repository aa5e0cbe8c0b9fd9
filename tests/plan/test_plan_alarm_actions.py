"""Planned alarm actions for any accepted spec: ARNs in the forms PutMetricAlarm documents, Lambda permissions in
AddPermission's limits, and a step that covers the side of the threshold the metric is on when the policy runs.

Properties over generated function names, qualifiers, accounts, ECS names and alarm names (hypothesis), plus the
shipped catalog's actions as planned for each stack.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.plan.alarm_actions import plan_action, statement_id
from vigil.plan.stack import load_stack_plan
from vigil.plan.types import StackContext
from vigil.spec.models.alarm_actions import LambdaAction, OpsItemAction, ScaleAction

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"
LAMBDA_ARN = re.compile(r"^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$")
OPSITEM_ARN = re.compile(
    r"^arn:aws:ssm:[a-z0-9-]+:\d{12}:opsitem:[1-4](#CATEGORY=(Availability|Cost|Performance|Recovery|Security))?$"
)
STATEMENT = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")

names = st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)
qualifiers = st.none() | st.from_regex(r"[A-Za-z0-9_$-]{1,20}", fullmatch=True)
accounts = st.sampled_from([ACCOUNT, "210987654321"])
alarm_names = st.from_regex(r"vigil-(dev|prod)-[a-z0-9][a-z0-9-]{0,200}", fullmatch=True)
comparisons = st.sampled_from(
    ["GreaterThanThreshold", "GreaterThanOrEqualToThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"]
)
CTX = StackContext("prod", "prod", "eu-west-1", ACCOUNT)


@settings(max_examples=200, deadline=None)
@given(name=names, qualifier=qualifiers, account=accounts, as_arn=st.booleans(), alarm=alarm_names)
def test_a_lambda_action_is_a_function_arn_and_a_permission_for_this_alarm_only(
    name: str, qualifier: str | None, account: str, as_arn: bool, alarm: str
) -> None:
    function = name + (f":{qualifier}" if qualifier else "")
    if as_arn:
        function = f"arn:aws:lambda:eu-west-1:{account}:function:{function}"
    action = LambdaAction.model_validate({"lambda": {"function": function}})
    planned = plan_action(CTX, alarm, action, "GreaterThanThreshold")
    assert planned.arn is not None
    assert LAMBDA_ARN.match(planned.arn), planned.arn
    assert planned.arn.endswith(f"function:{name}" + (f":{qualifier}" if qualifier else ""))
    permission = planned.permission
    if as_arn and account != ACCOUNT:
        assert permission is None  # another account's function: its owner grants the permission
        return
    assert permission is not None
    assert STATEMENT.match(permission.statement_id)
    assert permission.qualifier == qualifier
    assert permission.function.rsplit(":", 1)[-1] == name
    assert permission.source_arn == f"arn:aws:cloudwatch:eu-west-1:{ACCOUNT}:alarm:{alarm}"
    assert permission.principal == "lambda.alarms.cloudwatch.amazonaws.com"


@given(alarm=alarm_names, other=alarm_names, index=st.integers(0, 14))
def test_statement_ids_fit_and_differ_between_alarms(alarm: str, other: str, index: int) -> None:
    assert STATEMENT.match(statement_id(alarm, index))
    if alarm != other:
        assert statement_id(alarm, index) != statement_id(other, index)


@given(
    severity=st.sampled_from([1, 2, 3, 4]),
    category=st.none() | st.sampled_from(["Availability", "Cost", "Performance", "Recovery", "Security"]),
)
def test_an_ops_item_action_is_the_documented_arn(severity: int, category: str | None) -> None:
    action = OpsItemAction.model_validate({"ops_item": {"severity": severity, "category": category}})
    planned = plan_action(CTX, "vigil-prod-x", action, None)
    assert planned.arn is not None
    assert OPSITEM_ARN.match(planned.arn), planned.arn
    assert (planned.state, planned.permission, planned.policy) == ("ALARM", None, None)


@given(
    service=names,
    cluster=names,
    adjustment=st.integers(-20, 20).filter(bool),
    comparison=comparisons,
    on=st.sampled_from(["alarm", "ok"]),
    alarm=alarm_names,
)
def test_the_step_covers_the_side_of_the_threshold_the_metric_is_on_in_that_state(
    service: str, cluster: str, adjustment: int, comparison: str, on: str, alarm: str
) -> None:
    action = ScaleAction.model_validate(
        {"scale": {"service": service, "cluster": cluster, "adjustment": adjustment, "max_capacity": 10}, "on": on}
    )
    planned = plan_action(CTX, alarm, action, comparison)
    policy = planned.policy
    assert policy is not None
    assert planned.arn is None
    assert planned.target is not None
    assert policy.resource_id == planned.target.resource_id == f"service/{cluster}/{service}"
    # In ALARM a GreaterThan alarm's metric is above the threshold (metric - threshold >= 0), in OK below it; a
    # LessThan alarm the other way round. The step must cover that side and only it.
    above = comparison.startswith("Greater") == (on == "alarm")
    assert (policy.lower_bound, policy.upper_bound) == ((0.0, None) if above else (None, 0.0))
    assert policy.scaling_adjustment == adjustment
    assert planned.state == on.upper()
    assert 1 <= len(policy.name) <= 256
    assert policy.name.isprintable()


def test_the_shipped_catalog_scales_and_restarts_the_worker_service_of_each_stack() -> None:
    for stack in ("dev", "prod"):
        plan = load_stack_plan(ROOT, stack, account_id=ACCOUNT).plan
        (target,) = plan.alarms.scalable_targets
        assert target.resource_id == f"service/vigil-{stack}/worker"
        backlog = next(a for a in plan.alarms.metric_alarms if a.spec_name == "queue-backlog")
        (scale,) = backlog.automations
        assert scale.policy is not None
        assert scale.policy.lower_bound == 0.0
        arns = {a.spec_name: [x.arn for x in a.automations] for a in plan.alarms.metric_alarms if a.automations}
        restart = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:vigil-{stack}-restart-service"
        opsitem = f"arn:aws:ssm:us-east-1:{ACCOUNT}:opsitem:1#CATEGORY="
        assert arns["worker-down"] == [restart, opsitem + "Availability"]
        assert arns["patch-failure-rate"] == [opsitem + "Recovery"]
        assert plan.alarms.restarter is not None
        assert json.loads(plan.alarms.restarter.environment["VIGIL_RESTART_TARGETS"]) == {
            f"vigil-{stack}-worker-down": f"vigil-{stack}/worker"
        }
