"""``vigil preview``: the real program under the mock engine, printed as a tree or JSON, with exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from vigil.cli.main import main
from vigil.plan.naming import Naming
from vigil.spec import load_project
from vigil.spec.slo import expand_slo

ROOT = Path(__file__).resolve().parents[2]


def preview_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["preview", *args, "--format", "json"]) == 0
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


@pytest.fixture(scope="module")
def prod() -> dict[str, Any]:
    from vigil.preview import run_preview

    return run_preview(ROOT, "prod").to_dict()


def test_json_lists_every_alarm_topic_log_group_query_and_dashboard(prod: dict[str, Any]) -> None:
    project = load_project(ROOT, stack="prod").project
    naming = Naming.for_project(project)
    names = {
        r["inputs"].get("name") or r["inputs"].get("alarmName") or r["inputs"].get("dashboardName")
        for r in prod["resources"]
    }
    expected_alarms = set(project.enabled_alarms())
    for slo_name, slo in project.enabled_slos().items():
        expected_alarms |= {n for b in expand_slo(slo_name, slo) for n in (b.name, b.short_name, b.long_name)}
    assert {naming.alarm_name(n) for n in expected_alarms} <= names
    assert {"vigil-prod-p1", "vigil-prod-p2", "vigil-prod-p3", "vigil-prod-p4"} <= names
    assert {naming.log_group_name(ns.log_group.name) for ns in project.namespaces.values() if ns.log_group} <= names
    assert len([n for n in names if n and n.startswith("vigil/prod/")]) == sum(
        len(ns.log_group.queries) for ns in project.namespaces.values() if ns.log_group
    )
    assert {naming.dashboard_name(d) for d in project.dashboards} <= names
    assert sum(prod["counts"].values()) == len(prod["resources"])


def test_json_shows_secrets_as_placeholders_and_parents_from_urns(prod: dict[str, Any]) -> None:
    subs = [r for r in prod["resources"] if r["type"] == "aws:sns/topicSubscription:TopicSubscription"]
    assert {s["inputs"]["endpoint"] for s in subs if s["name"].endswith("pagerduty")} == {"[secret]"}
    assert "preview-placeholder" not in json.dumps(prod)
    assert {s["parent"] for s in subs} == {"vigil:alarm_routing:AlarmRouting::routing"}


def test_json_prices_the_stack_with_the_cost_model(prod: dict[str, Any]) -> None:
    from vigil.cost import estimate_project

    total = estimate_project(load_project(ROOT, stack="prod").project).total_usd
    assert prod["monthly_usd"] == pytest.approx(total, abs=0.01)
    alarm = next(r for r in prod["resources"] if r["type"].endswith("MetricAlarm"))
    assert alarm["monthly_usd"] > 0


def test_text_is_a_tree_with_counts_and_cost(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", str(ROOT), "--stack", "dev"]) == 0
    out = capsys.readouterr().out
    assert " +   pulumi:pulumi:Stack" in out
    assert "└─ vigil:monitoring_stack:MonitoringStack" in out
    assert "to create" in out
    assert "USD  total" in out


def copy_project(tmp_path: Path) -> Path:
    for sub in ("metrics", "alarms", "dashboards"):
        shutil.copytree(ROOT / sub, tmp_path / sub)
    (tmp_path / "stacks").mkdir()
    shutil.copy(ROOT / "stacks" / "Pulumi.dev.yaml", tmp_path / "stacks")
    return tmp_path


def test_project_without_its_own_program_uses_vigils(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = copy_project(tmp_path)
    result = preview_json(capsys, str(project), "--stack", "dev")
    # the copy's own dashboards, planned by Vigil's program (alarms and text widgets link dashboards by name, so
    # the copy keeps them all)
    assert result["counts"]["aws:cloudwatch/dashboard:Dashboard"] == len(list((project / "dashboards").glob("*.yaml")))


def test_spec_errors_exit_1_and_are_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = copy_project(tmp_path)
    (project / "alarms" / "broken.yaml").write_text(
        "version: vigil/v1\nalarms:\n  broken:\n    kind: static\n    severty: P1\n"
    )
    assert main(["preview", str(project), "--stack", "dev"]) == 1
    assert "broken.yaml" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["/nonexistent/vigil"], [str(ROOT), "--stack", "staging"]])
def test_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", *args]) == 2
    assert "vigil preview:" in capsys.readouterr().err
