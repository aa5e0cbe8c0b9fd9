"""The daily AI budget: a stack setting read by metric math (alarms and the cost dashboard), cost per user
through a Contributor Insights rule, and their prices."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from vigil.cost import estimate_project, load_prices
from vigil.plan import StackPlan
from vigil.plan import StackPlan as _StackPlan
from vigil.plan.stack import load_stack_plan
from vigil.spec import load_project
from vigil.spec.models import ContributorRuleSpec, LogGroupSpec
from vigil.spec.models.common import render_template


def plan_for_stack(root: Path, stack: str) -> _StackPlan:
    """The plan `pulumi up` deploys for ``stack`` (the one entry point)."""
    return load_stack_plan(root, stack).plan


ROOT = Path(__file__).resolve().parents[2]


def _copy(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    for part in ("metrics", "alarms", "dashboards", "stacks"):
        shutil.copytree(ROOT / part, project / part)
    return project


def _edit_stack(project: Path, stack: str, edit: Any) -> None:
    path = project / "stacks" / f"Pulumi.{stack}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data["config"])
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def _alarm(plan: StackPlan, suffix: str) -> Any:
    return next(a for a in plan.alarms.metric_alarms if a.name.endswith(suffix))


@pytest.mark.parametrize(("stack", "budget"), [("dev", "40"), ("prod", "80")])
def test_each_stack_alarms_at_its_own_daily_budget(stack: str, budget: str) -> None:
    plan = plan_for_stack(ROOT, stack)
    for suffix, threshold in (("ai-budget-100", 100), ("ai-budget-150", 150)):
        alarm = _alarm(plan, suffix)
        returned = [q for q in alarm.metric_queries if q.return_data]
        assert [q.expression for q in returned] == [f"100 * cost / {budget}"]
        cost = next(q.metric for q in alarm.metric_queries if q.id == "cost")
        assert cost is not None
        assert (cost.metric_name, cost.period, cost.stat) == ("llm.cost_usd", 86400, "Sum")
        assert alarm.threshold == threshold


def test_cost_dashboard_shows_the_share_of_the_budget_with_the_same_expression() -> None:
    plan = plan_for_stack(ROOT, "prod")
    board = next(d for d in plan.dashboards if d.name.endswith("cost-and-budget"))
    body = json.loads(board.body)
    gauges = [w for w in body["widgets"] if w["properties"].get("view") == "gauge"]
    lines = [line for w in gauges for line in w["properties"]["metrics"]]
    assert [line[0] for line in lines if isinstance(line[0], dict)] == [
        {"expression": "100 * cost / 80", "id": "budget_used", "label": "% of daily budget"}
    ]
    alarm_widgets = [w["properties"]["alarms"] for w in body["widgets"] if "alarms" in w["properties"]]
    assert any(any(a.endswith("ai-budget-150") for a in arns) for arns in alarm_widgets)


def test_a_stack_without_a_budget_is_refused_at_the_expression(tmp_path: Path) -> None:
    project = _copy(tmp_path)
    _edit_stack(project, "dev", lambda config: config.pop("vigil:ai_budget"))
    result = load_project(project, stack="dev")
    errors = [str(e) for e in result.errors if e.severity == "error"]
    assert any(
        e.startswith("alarms/budget.yaml:")
        and "alarms.ai-budget-150.expression" in e
        and "vigil:ai_budget: {daily_usd:" in e
        for e in errors
    ), errors
    assert any("dashboards/cost-and-budget.yaml" in e and "ai_daily_budget_usd" in e for e in errors), errors


def test_disabling_the_budget_alarms_and_widget_need_no_budget(tmp_path: Path) -> None:
    project = _copy(tmp_path)

    def edit(config: dict[str, Any]) -> None:
        config.pop("vigil:ai_budget")
        alarms = config["vigil:overrides"]["alarms"]
        alarms["ai-budget-100"] = alarms["ai-budget-150"] = {"enabled": False}

    _edit_stack(project, "dev", edit)
    board = project / "dashboards" / "cost-and-budget.yaml"
    text = board.read_text(encoding="utf-8")
    start = text.index("      - type: gauge")
    board.write_text(text[:start] + text[text.index("      - type: graph\n        title: Cost by model") :])
    errors = [str(e) for e in load_project(project, stack="dev").errors if e.severity == "error"]
    assert errors == []


def test_a_bad_budget_is_located_in_the_stack_file(tmp_path: Path) -> None:
    project = _copy(tmp_path)
    _edit_stack(project, "dev", lambda config: config.update({"vigil:ai_budget": {"daily_usd": 0}}))
    errors = [str(e) for e in load_project(project, stack="dev").errors]
    assert any("Pulumi.dev.yaml" in e and "config.vigil:ai_budget.daily_usd" in e for e in errors), errors


def test_render_refuses_the_placeholder_without_a_budget() -> None:
    assert render_template("100 * c / ${ai_daily_budget_usd}", environment="x", ai_daily_budget_usd=12.5) == (
        "100 * c / 12.5"
    )
    with pytest.raises(ValueError, match="vigil:ai_budget"):
        render_template("100 * c / ${ai_daily_budget_usd}", environment="x")


def test_cost_per_user_rule_sums_cost_usd_per_user_on_the_worker_log_group() -> None:
    plan = plan_for_stack(ROOT, "prod")
    worker = next(n for n in plan.namespaces if n.namespace == "Vigil/Worker")
    (rule,) = worker.contributor_rules
    assert rule.name == "vigil-prod-worker-ai-cost-by-user"
    body = json.loads(rule.definition)
    assert body == {
        "AggregateOn": "Sum",
        "Contribution": {
            "Filters": [{"IsPresent": True, "Match": "$.cost_usd"}],
            "Keys": ["$.user_id"],
            "ValueOf": "$.cost_usd",
        },
        "LogFormat": "JSON",
        "LogGroupNames": ["/vigil/prod/worker"],
        "Schema": {"Name": "CloudWatchLogRule", "Version": 1},
    }
    ns = load_project(ROOT, stack="prod").project.namespaces["Vigil/Worker"]
    assert {"user_id", "cost_usd"} <= set(ns.properties)
    assert "UserId" not in ns.dimensions  # a property: no custom metric per user


def test_a_dotted_emf_key_in_a_rule_is_refused(tmp_path: Path) -> None:
    project = _copy(tmp_path)
    path = project / "metrics" / "worker.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("value_of: $.cost_usd", "value_of: $.llm.cost_usd"))
    errors = [str(e) for e in load_project(project, stack="prod").errors if e.severity == "error"]
    assert any(
        "metrics/worker.yaml:" in e and "contributor_rules.ai-cost-by-user.value_of" in e and "nesting" in e
        for e in errors
    ), errors


def test_contributor_rules_are_priced_per_rule_and_matched_event() -> None:
    prices = load_prices()
    report = estimate_project(load_project(ROOT, stack="prod").project)
    items = [i for i in report.line_items if "Contributor Insights" in i.item]
    assert {(i.name, i.unit) for i in items} == {
        ("/vigil/prod/worker", "rule"),
        ("/vigil/prod/worker", "million events"),
    }
    rule = ContributorRuleSpec(keys=("$.user_id",), events_per_minute=1000)
    lg = LogGroupSpec(name="/x", contributor_rules={"r": rule})
    from vigil.cost.logs import contributor_rule_items

    events = contributor_rule_items("/x", lg, prices)[1]
    assert events.quantity == pytest.approx(43.8)  # 1,000 a minute for 43,800 minutes
    assert events.monthly_usd == pytest.approx(43.8 * prices.contributor_usd_per_million_events)
