"""The generated catalog reference, composite rules in text widgets and descriptions, anomaly wording and graphs
labelled for an alarm: each is written from the plan or checked against it, and `vigil check` fails when not."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from project_copy import ROOT, check_errors, edit

from vigil.cli.main import main
from vigil.docs.catalog import CATALOG_PATH, render_catalog
from vigil.docs.stacks import plan_stacks
from vigil.docs.triggers import number
from vigil.plan import MetricAlarmPlan
from vigil.plan.alarm_rules import composite_rule_words

VIEWS = plan_stacks(ROOT)


def test_catalog_reference_is_current() -> None:
    assert (ROOT / CATALOG_PATH).read_text() == render_catalog(VIEWS), "run `vigil docs` to regenerate it"


def test_catalog_lists_every_alarm_metric_query_and_dashboard_per_stack() -> None:
    text = render_catalog(VIEWS)
    project = VIEWS[0].project
    for name in project.alarms:
        assert f"**`{name}`**" in text
    for ns in project.namespaces.values():
        for metric in ns.metrics:
            assert f"| `{metric}` |" in text
        for query in ns.log_group.queries if ns.log_group else {}:
            assert f"Saved query `{query}`" in text
    for dashboard in project.dashboards:
        assert f"| `{dashboard}` |" in text
    for view in VIEWS:  # each stack's own threshold (overrides applied)
        planned = view.alarm("queue-backlog")
        assert isinstance(planned, MetricAlarmPlan)
        assert f"- **{view.stack}**: P2; fires when" in text
        assert f"> {number(planned.threshold)} " in text


def test_stale_catalog_fails_check(shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(shipped / "alarms" / "jobs.yaml", "users wait longer for their runs", "users wait much longer for their runs")
    errors = check_errors(shipped, capsys)
    assert [(e["file"], e["field"]) for e in errors] == [(CATALOG_PATH, "catalog reference")]
    assert main(["docs", str(shipped)]) == 0
    capsys.readouterr()
    assert main(["check", str(shipped)]) == 0


def _bodies(stack: str) -> list[dict[str, object]]:
    view = next(v for v in VIEWS if v.stack == stack)
    return [w for d in view.plan.dashboards for w in json.loads(d.body)["widgets"]]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_text_widget_shows_the_planned_rule(stack: str) -> None:
    view = next(v for v in VIEWS if v.stack == stack)
    composite = next(c for c in view.plan.alarms.composite_alarms if view.short(c.name) == "platform-down")
    deployed = re.sub(r'ALARM\("([^"]+)"\)', lambda m: f"`{view.short(m.group(1))}`", composite.alarm_rule)[1:-1]
    texts = [str(w["properties"]["markdown"]) for w in _bodies(stack) if w["type"] == "text"]  # type: ignore[index]
    assert any(f"`platform-down` is {deployed}" in t for t in texts), texts
    for name, spec in view.project.alarms.items():  # ${rule} in a description is the rule the stack deploys
        planned = view.alarm(name)
        if "${rule}" in spec.description and planned is not None:
            assert composite_rule_words(view.project, name) in planned.description
            assert "${rule}" not in planned.description


def test_text_widget_naming_a_composite_without_its_rule(shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = edit(
        shipped / "dashboards" / "system-overview.yaml",
        "`platform-down` is ${rule:platform-down};",
        "`platform-down` means workers are gone while the queue backs up;",
    )
    (error,) = check_errors(shipped, capsys)
    lines = (shipped / "dashboards" / "system-overview.yaml").read_text().splitlines()
    markdown_key = max(n for n, text in enumerate(lines[:line], start=1) if text.strip().startswith("markdown:"))
    assert (error["file"], error["line"]) == ("dashboards/system-overview.yaml", markdown_key)
    assert "names the composite alarm 'platform-down' without its rule" in str(error["message"])


def test_rule_placeholder_of_a_non_composite(shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(
        shipped / "dashboards" / "system-overview.yaml",
        "${rule:platform-down}",
        "${rule:platform-down} ${rule:worker-down}",
    )
    (error,) = check_errors(shipped, capsys)
    assert "'worker-down' is not a composite alarm" in str(error["message"])


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_dashboard_links_go_to_the_dashboards_the_stack_deploys(stack: str) -> None:
    view = next(v for v in VIEWS if v.stack == stack)
    deployed = {d.name for d in view.plan.dashboards}
    texts = " ".join(str(w["properties"]["markdown"]) for w in _bodies(stack) if w["type"] == "text")  # type: ignore[index]
    linked = set(re.findall(r"#dashboards:name=([A-Za-z0-9_.-]+)", texts))
    assert "${dashboard:" not in texts
    assert linked
    assert linked <= deployed, linked - deployed
    assert len(linked) == len(deployed) - 1  # the overview links every other dashboard


def test_dashboard_link_to_an_unknown_dashboard(shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(shipped / "dashboards" / "system-overview.yaml", "${dashboard:llm-providers}", "${dashboard:llm-provider}")
    (error,) = check_errors(shipped, capsys)
    assert error["file"] == "dashboards/system-overview.yaml"
    assert "${dashboard:llm-provider}: no dashboard 'llm-provider'" in str(error["message"])


def test_anomaly_band_as_a_ratio_is_an_error(shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = edit(
        shipped / "alarms" / "api.yaml",
        "above its anomaly band (two standard deviations above the expected value)",
        "above its usual band (about twice normal)",
    )
    errors = [e for e in check_errors(shipped, capsys) if e["file"] == "alarms/api.yaml"]
    assert [(e["line"], e["field"]) for e in errors] == [(line - 1, "alarms.api-latency-anomaly.description")]
    assert "says 'twice'" in str(errors[0]["message"])


def test_anomaly_ratio_in_a_runbook(shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = edit(shipped / "alarms/runbooks/api-latency.md", "## Symptoms", "## Symptoms\n- The band is 2x normal.")
    (error,) = check_errors(shipped, capsys)
    assert (error["file"], error["line"]) == ("alarms/runbooks/api-latency.md", line + 1)


def test_graph_labelled_for_an_alarm_reads_what_it_reads(shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    board = shipped / "dashboards" / "jobs-and-agents.yaml"
    line = edit(board, "alarm: queue-backlog", "alarm: queue-backlog")
    text = board.read_text().replace(
        "Mode: genius}, statistic: Average, id: genius", "Mode: genius}, statistic: Maximum, id: genius"
    )
    board.write_text(text)
    (error,) = check_errors(shipped, capsys)
    assert (error["file"], error["line"]) == ("dashboards/jobs-and-agents.yaml", line)
    assert "does not read the alarm's 'genius'" in str(error["message"])


def test_graph_labelled_for_an_alarm_with_another_expression(shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    board = shipped / "dashboards" / "jobs-and-agents.yaml"
    edit(board, "IF(FILL(mechanic, 0) + FILL(genius, 0) >= 8 AND", "IF(MAX([mechanic, genius]) >= 8 AND")
    (error,) = check_errors(shipped, capsys)
    assert "has no line with the alarm's expression" in str(error["message"])


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_queue_graph_draws_the_threshold_of_the_stack(stack: str) -> None:
    planned = next(v for v in VIEWS if v.stack == stack).alarm("queue-backlog")
    assert isinstance(planned, MetricAlarmPlan)
    threshold = planned.threshold
    (graph,) = [w for w in _bodies(stack) if "queue-backlog threshold" in str(w["properties"])]
    props = graph["properties"]
    assert props["annotations"] == {"horizontal": [{"label": "queue-backlog threshold", "value": threshold}]}  # type: ignore[index]


def test_description_duration_the_alarm_does_not_evaluate(shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jobs = shipped / "alarms" / "jobs.yaml"
    line = edit(jobs, "% of claimed jobs failed in 5 minutes", "% of claimed jobs failed in 10 minutes")
    errors = [e for e in check_errors(shipped, capsys) if e["file"] == "alarms/jobs.yaml"]
    assert [(e["line"], e["field"]) for e in errors] == [(line - 1, "alarms.job-failure-rate.description")]
    assert "says 'in 10 minutes'" in str(errors[0]["message"])


def test_description_cut_at_the_limit_is_an_error(shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = edit(
        shipped / "alarms" / "platform.yaml",
        "running tasks); the rule with every child is in the runbook.",
        "running tasks). Rule: ${rule}.",
    )
    errors = [e for e in check_errors(shipped, capsys) if e["file"] == "alarms/platform.yaml"]
    assert [e["field"] for e in errors] == ["alarms.platform-down.description"]
    assert int(str(errors[0]["line"])) < line
    assert "is cut" in str(errors[0]["message"])
