"""``${config:KEY}`` in dimension values: an AWS metric's LoadBalancer or QueueName comes from each stack file,
``vigil check`` reports a key a stack does not set at the dimension value (naming the stack file), and the plan
renders each stack's value."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigil.init import create_project
from vigil.plan.stack import load_stack_plan
from vigil.spec import load_project
from vigil.spec.models.common import render_template, unknown_placeholders

ALB_ALARM = """
  web-alb-5xx:
    kind: static
    description: The load balancer answers 5xx.
    severity: P3
    metric:
      namespace: AWS/ApplicationELB
      metric: HTTPCode_ELB_5XX_Count
      dimensions: {LoadBalancer: "app/${config:alb_name}/${config:alb_id}"}
      statistic: Sum
    comparison: ">"
    threshold: 10
    period: 60
    evaluation_periods: 5
    treat_missing_data: notBreaching
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    create_project(root, ["web", "settlement:queue-worker"])
    alarms = root / "alarms" / "web.yaml"
    alarms.write_text(alarms.read_text() + ALB_ALARM)
    for stack in ("dev", "prod"):
        path = root / "stacks" / f"Pulumi.{stack}.yaml"
        text = path.read_text().replace(
            "  vigil:team_email:",
            f"  vigil:alb_name: web-{stack}\n  vigil:alb_id: 50dc6c495c0c9188\n  vigil:team_email:",
        )
        path.write_text(text)
    return root


def _errors(root: Path, stack: str) -> list[str]:
    return [str(e) for e in load_project(root, stack=stack).errors if e.severity == "error"]


def test_clean_when_every_stack_sets_the_keys(project: Path) -> None:
    assert _errors(project, "dev") == []
    assert _errors(project, "prod") == []


def test_a_key_one_stack_lacks_is_an_error_at_the_dimension_value_naming_that_stack_file(project: Path) -> None:
    prod = project / "stacks" / "Pulumi.prod.yaml"
    prod.write_text(prod.read_text().replace("  vigil:alb_id: 50dc6c495c0c9188\n", ""))
    assert _errors(project, "dev") == []
    errors = _errors(project, "prod")
    assert len(errors) == 1
    line = next(
        i
        for i, text in enumerate((project / "alarms" / "web.yaml").read_text().splitlines(), 1)
        if "LoadBalancer" in text
    )
    assert errors[0].startswith(f"alarms/web.yaml:{line}: alarms.web-alb-5xx.metric.dimensions.LoadBalancer: ")
    assert (
        "stack 'prod': ${config:alb_id} reads 'vigil:alb_id', which stacks/Pulumi.prod.yaml does not set" in errors[0]
    )


def test_a_misspelt_key_gets_a_suggestion(project: Path) -> None:
    alarms = project / "alarms" / "settlement.yaml"
    alarms.write_text(
        alarms.read_text().replace("${config:settlement_queue_name}", "${config:settlement_queue_nam}", 1)
    )
    errors = _errors(project, "dev")
    assert len(errors) == 1
    assert "alarms.settlement-queue-backlog.metric.dimensions.QueueName" in errors[0]
    assert "(did you mean 'settlement_queue_name'?)" in errors[0]


def test_a_secret_is_never_a_dimension_value(project: Path) -> None:
    dev = project / "stacks" / "Pulumi.dev.yaml"
    dev.write_text(dev.read_text().replace("vigil:alb_name: web-dev", "vigil:alb_name:\n    secure: v1:abc"))
    errors = _errors(project, "dev")
    assert len(errors) == 1
    assert "sets as a secret; a dimension value is public" in errors[0]


@pytest.mark.parametrize(
    ("stack", "expected"), [("dev", "app/web-dev/50dc6c495c0c9188"), ("prod", "app/web-prod/50dc6c495c0c9188")]
)
def test_the_plan_renders_each_stacks_value(project: Path, stack: str, expected: str) -> None:
    plan = load_stack_plan(project, stack).plan
    (alarm,) = [a for a in plan.alarms.metric_alarms if a.name.endswith("web-alb-5xx")]
    assert alarm.metric is not None
    assert alarm.metric.dimensions == {"LoadBalancer": expected}


def test_render_and_placeholder_grammar() -> None:
    config = {"orders_queue": "orders-prod"}
    assert render_template("${config:orders_queue}", environment="prod", config=config) == "orders-prod"
    assert render_template("${config:missing}", environment="prod", config=config) == "${config:missing}"
    assert unknown_placeholders("${config:orders_queue}") == []
    assert unknown_placeholders("${config:}") == ["${config:}"]
    assert unknown_placeholders("${conf:orders_queue}") == ["${conf:orders_queue}"]
