"""``vigil cost``: loads a project for a stack, prints the estimate, fails on spec errors and over budget."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from vigil.cli.main import main
from vigil.cost import estimate_project
from vigil.spec import load_project

NAMESPACE = """\
version: vigil/v1
namespace: Demo/API
service: api
dimensions:
  Service: {cardinality: 1}
  Environment: {cardinality: 1}
  Endpoint: {cardinality: 20}
dimension_sets:
  service: [Service, Environment]
  endpoint: [Service, Environment, Endpoint]
metrics:
  http.requests: {unit: Count, dimension_sets: [service, endpoint], events_per_minute: 100}
log_group: {name: /demo/api, retention_days: 30, ingestion_gb_per_month: 4}
"""

ALARMS = """\
version: vigil/v1
alarms:
  api-traffic:
    kind: static
    severity: P3
    metric: {namespace: Demo/API, metric: http.requests, dimensions: {Service: api, Environment: "${environment}"}}
    comparison: ">"
    threshold: 1000
"""


def _project(tmp_path: Path, budget: float, alarms: str = ALARMS) -> Path:
    files = {
        "metrics/api.yaml": NAMESPACE,
        "alarms/api.yaml": alarms,
        "alarms/routing.yaml": "version: vigil/v1\nrouting:\n  P3: {subscriptions: []}\n",
        "stacks/Pulumi.dev.yaml": f"config:\n  vigil:environment: dev\n  vigil:budget_usd: {budget}\n",
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def test_text_report_within_budget_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path, budget=100)
    assert main(["cost", str(root), "--stack", "dev"]) == 0
    out = capsys.readouterr().out
    assert "stack dev" in out
    assert "within budget" in out
    assert "/demo/dev/api" in out


def test_json_report_is_the_estimate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path, budget=100)
    assert main(["cost", str(root), "--stack", "dev", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    expected = estimate_project(load_project(root, stack="dev").project).to_dict()
    assert data == {**expected, "budget_problems": []}
    assert data["totals"]["alarm"] == 0.1
    assert data["totals"]["metrics"] == pytest.approx(21 * 0.30)


def test_over_budget_exits_1_and_says_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path, budget=1)
    assert main(["cost", str(root), "--stack", "dev", "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["budget_problems"]
    assert "exceeds budget_usd $1.00" in captured.err
    assert (
        "top cost drivers: Demo/API:http.requests $6.30, /demo/dev/api $2.64, vigil-dev-api-traffic $0.10"
        in captured.err
    )


def test_spec_errors_are_printed_with_their_location_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path, budget=100, alarms=ALARMS.replace("threshold: 1000", "threshold: lots"))
    assert main(["cost", str(root), "--stack", "dev"]) == 1
    captured = capsys.readouterr()
    assert "alarms/api.yaml:" in captured.err
    assert "has errors" in captured.err
    assert captured.out == ""


def test_unknown_stack_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path, budget=100)
    assert main(["cost", str(root), "--stack", "staging"]) == 2  # no such stack: a usage error
    assert "Pulumi.staging.yaml" in capsys.readouterr().err


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_shipped_stacks_fit_their_budgets(stack: str, capsys: pytest.CaptureFixture[str]) -> None:
    repo = Path(__file__).parents[2]
    assert main(["cost", str(repo), "--stack", stack]) == 0
    assert "within budget" in capsys.readouterr().out
