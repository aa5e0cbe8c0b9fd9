"""Dashboard bodies: CloudWatch's widget schema, automatic layout, limits."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from plan_fixture import ACCOUNT, fixture_project_data

from vigil.plan import PlanError, StackPlan, plan_project
from vigil.plan.layout import layout
from vigil.plan.naming import Naming
from vigil.spec.limits import WIDGET_METRICS
from vigil.spec.models import Project


def body(plan: StackPlan) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(plan.dashboards[0].body)
    return result


def test_dashboard_name_and_url_use_prefix_and_region(plan: StackPlan) -> None:
    d = plan.dashboards[0]
    assert d.name == "dev-overview"
    assert (
        d.url
        == "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards:name=dev-overview"
    )


def test_widgets_flow_left_to_right_top_to_bottom(plan: StackPlan) -> None:
    boxes = [(w["x"], w["y"], w["width"]) for w in body(plan)["widgets"]]
    assert boxes == [(0, 0, 24), (0, 2, 12), (12, 2, 12), (0, 8, 8), (8, 8, 8), (16, 8, 8), (0, 14, 24)]


def test_explicit_positions_are_kept() -> None:
    w = SimpleNamespace
    boxes = layout(
        [w(x=6, y=3, width=6, height=2), w(x=None, y=None, width=12, height=2), w(x=None, y=None, width=12, height=2)]
    )
    assert [(b.x, b.y) for b in boxes] == [(6, 3), (12, 3), (0, 5)]


def test_metric_lines_follow_the_cloudwatch_schema(plan: StackPlan) -> None:
    latency, errors = body(plan)["widgets"][1:3]
    assert latency["type"] == "metric"
    assert latency["properties"]["metrics"][0] == [
        "Vigil/API", "http.request.duration", "Environment", "dev", "Service", "api", {"label": "p95", "stat": "p95"},
    ]  # fmt: skip
    assert errors["properties"]["metrics"][2] == [{"expression": "100 * e / r", "id": "rate", "label": "error %"}]
    assert errors["properties"]["metrics"][0][-1] == {"id": "e", "stat": "Sum", "visible": False}
    assert errors["properties"]["yAxis"] == {"left": {"min": 0}}
    assert latency["properties"]["region"] == "eu-west-1"


def test_single_value_and_gauge_views(plan: StackPlan) -> None:
    single, gauge = body(plan)["widgets"][3:5]
    assert single["properties"]["view"] == "singleValue"
    assert gauge["properties"]["view"] == "gauge"
    assert gauge["properties"]["yAxis"] == {"left": {"min": 0, "max": 10}}


def test_alarm_widget_lists_arns_with_slo_expanded_and_disabled_left_out(plan: StackPlan) -> None:
    alarms = body(plan)["widgets"][5]
    prefix = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:vigil-dev-"
    assert alarms["type"] == "alarm"
    assert alarms["properties"]["alarms"] == [
        prefix + "platform-down",
        prefix + "api-availability-burn-5m-1h",
        prefix + "api-availability-burn-30m-6h",
    ]


def test_log_widget_queries_every_namespace_log_group(plan: StackPlan) -> None:
    log = body(plan)["widgets"][6]
    assert log["type"] == "log"
    assert (
        log["properties"]["query"]
        == "SOURCE '/vigil/dev/api' | SOURCE '/vigil/dev/worker' | fields @message | limit 20"
    )


def test_body_is_deterministic(plan: StackPlan, project: Project) -> None:
    again = plan_project(project, Naming.for_project(project), ACCOUNT)
    assert again.dashboards[0].body == plan.dashboards[0].body
    assert plan.dashboards[0].body == json.dumps(body(plan), sort_keys=True, separators=(",", ":"))


def test_metrics_per_widget_follow_cloudwatchs_limit_from_the_one_table() -> None:
    """150 metrics fit a graph (CloudWatch allows 500: the plan used to refuse 100); 501 is a located error."""
    data = fixture_project_data()
    metric = {"namespace": "Vigil/API", "metric": "http.requests"}
    widgets = data["dashboards"]["overview"]["widgets"]
    widgets.append({"type": "graph", "title": "big", "metrics": [metric] * 150})
    project = Project.model_validate(data)
    plan_project(project, Naming.for_project(project), ACCOUNT)
    widgets[-1]["metrics"] = [metric] * (WIDGET_METRICS.value + 1)
    project = Project.model_validate(data)
    with pytest.raises(PlanError, match="'big': 501 metrics in one widget; CloudWatch allows at most 500") as raised:
        plan_project(project, Naming.for_project(project), ACCOUNT)
    assert (raised.value.kind, raised.value.name, raised.value.fields) == (
        "dashboard",
        "overview",
        ("widgets", len(widgets) - 1, "metrics"),
    )


def test_gauge_thresholds_become_colored_bands_and_graphs_keep_their_alarm_line() -> None:
    from vigil.plan.stack import load_stack_plan

    for stack in ("dev", "prod"):
        widgets = [w for d in load_stack_plan(".", stack).plan.dashboards for w in json.loads(d.body)["widgets"]]
        (gauge,) = [w for w in widgets if w["properties"].get("title", "").startswith("5xx error rate now")]
        assert gauge["properties"]["view"] == "gauge"
        assert gauge["properties"]["annotations"]["horizontal"] == [
            {"value": 1, "color": "#ff7f0e", "fill": "above", "label": "warning"},
            {"value": 5, "color": "#d62728", "fill": "above", "label": "critical"},
        ]
        alarm_lines = [w for w in widgets if "alarm:" in w["properties"].get("title", "")]
        for graph in alarm_lines:  # an alarm's threshold line comes first, then any levels of the spec
            assert graph["properties"]["annotations"]["horizontal"][0]["label"].endswith(" threshold")


@pytest.mark.parametrize("color", ["red", "#ff7f0", "#gg0000"])
def test_a_threshold_color_must_be_a_hex_code(color: str) -> None:
    from pydantic import ValidationError

    from vigil.spec.models.dashboards import Threshold

    with pytest.raises(ValidationError, match="color"):
        Threshold(value=1, color=color)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_cache_evictions_come_from_elasticache_for_the_stacks_cluster(stack: str) -> None:
    from vigil.plan.stack import load_stack_plan

    widgets = [w for d in load_stack_plan(".", stack).plan.dashboards for w in json.loads(d.body)["widgets"]]
    (evictions,) = [w for w in widgets if w["properties"].get("title", "").startswith("Redis cache evictions")]
    lines = evictions["properties"]["metrics"]
    assert ["AWS/ElastiCache", "Evictions", "CacheClusterId", f"vigil-{stack}-redis"] == lines[0][:4]


def test_live_data_only_on_the_dashboards_that_ask_for_it() -> None:
    from vigil.plan.stack import load_stack_plan

    for board in load_stack_plan(".", "prod").plan.dashboards:
        metric_widgets = [w for w in json.loads(board.body)["widgets"] if w["type"] == "metric"]
        live = {w["properties"].get("liveData", False) for w in metric_widgets}
        assert live == ({True} if board.name.endswith("system-overview") else {False}), board.name
