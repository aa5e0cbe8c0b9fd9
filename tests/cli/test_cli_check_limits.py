"""``vigil check`` and the plan share one limits table: what check passes, the plan builds; what the plan
refuses, check reports at a line (never a traceback). Hostile cases from issue 21 on the minimal project."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from vigil.cli.main import main
from vigil.plan.stack import load_stack_plan
from vigil.spec import limits

GOOD = Path(__file__).resolve().parents[1] / "spec" / "good" / "minimal"
METRIC = {
    "namespace": "Shop/API",
    "metric": "http.requests",
    "dimensions": {"Service": "api", "Environment": "${environment}"},
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy = tmp_path / "p"
    shutil.copytree(GOOD, copy)
    return copy


def check(project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, object]]]:
    code = main(["check", str(project), "--stack", "dev", "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def add_dashboard(project: Path, widgets: list[dict[str, object]]) -> None:
    doc = {"version": "vigil/v1", "dashboards": {"hostile": {"title": "Hostile", "widgets": widgets}}}
    (project / "dashboards" / "hostile.yaml").write_text(yaml.safe_dump(doc, width=1_000_000))


def test_an_xray_name_over_32_characters_is_located_at_the_service(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    service = "a-service-name-the-model-allows-but-x-ray-does-not"  # 50 characters; the model allows 63
    path = project / "metrics" / "api.yaml"
    path.write_text(path.read_text().replace("service: api\n", f"service: {service}\n", 1))
    code, errors = check(project, capsys)
    assert code == 1
    xray = [e for e in errors if "X-Ray allows at most 32" in str(e["message"])]
    assert [(e["file"], e["line"], e["field"]) for e in xray] == [("metrics/api.yaml", 3, "service")]


def test_a_dashboard_body_over_1_mb_is_located_at_the_dashboard(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_dashboard(project, [{"type": "text", "markdown": "x" * 40_000} for _ in range(30)])
    code, errors = check(project, capsys)
    assert code == 1
    (error,) = [e for e in errors if e["severity"] == "error"]
    assert (error["file"], error["field"]) == ("dashboards/hostile.yaml", "dashboards.hostile.widgets")
    assert "bytes of dashboard body" in str(error["message"])


def test_150_metrics_in_a_graph_pass_check_and_plan(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_dashboard(project, [{"type": "graph", "title": "wide", "metrics": [METRIC] * 150}])
    code, errors = check(project, capsys)
    assert (code, [e for e in errors if e["severity"] == "error"]) == (0, [])
    (board,) = [d for d in load_stack_plan(project, "dev").plan.dashboards if d.spec_name == "hostile"]
    assert len(json.loads(board.body)["widgets"][0]["properties"]["metrics"]) == 150


def test_more_than_2500_metrics_on_a_dashboard_is_an_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_dashboard(project, [{"type": "graph", "title": f"w{i}", "metrics": [METRIC] * 450} for i in range(6)])
    code, errors = check(project, capsys)
    assert code == 1
    (error,) = [e for e in errors if e["severity"] == "error"]
    assert (error["file"], error["field"]) == ("dashboards/hostile.yaml", "dashboards.hostile.widgets")
    assert error["message"] == (
        "2700 metrics across this dashboard's widgets; CloudWatch allows at most 2,500 metrics per dashboard, "
        "across all widgets: split it into two dashboards"
    )


def test_every_limit_names_where_it_is_documented() -> None:
    assert len(limits.LIMITS) >= 14
    for name, limit in limits.LIMITS.items():
        assert limit.source == "vigil" or limit.source.startswith("https://docs.aws.amazon.com/"), name
        assert (limit.source == "vigil") == (limit.owner == "Vigil"), name
