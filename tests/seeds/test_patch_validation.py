"""The periodic patch validation dry run (seed 000): ``vigil smoke --flow patch-validation`` against the
example service, against a service whose traversal protection regressed, and the canary that runs it hourly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import examples.agent_service.routes as routes
from vigil.cli.main import main
from vigil.cli.smoke import PATCH_STEPS, example_service
from vigil.plan import StackPlan as _StackPlan
from vigil.plan.canary import CANARY_SCRIPT
from vigil.plan.stack import load_stack_plan


def plan_for_stack(root: Path, stack: str) -> _StackPlan:
    """The plan `pulumi up` deploys for ``stack`` (the one entry point)."""
    return load_stack_plan(root, stack).plan


ROOT = Path(__file__).resolve().parents[2]


def test_the_example_service_refuses_traversal_and_accepts_a_safe_patch(capsys: pytest.CaptureFixture[str]) -> None:
    with example_service() as url:
        assert main(["smoke", "--flow", "patch-validation", "--base-url", url, "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [(s["name"], s["status"], s["ok"]) for s in out["steps"]] == [
        (PATCH_STEPS[0], 422, True),
        (PATCH_STEPS[1], 422, True),
        (PATCH_STEPS[2], 200, True),
    ]


def test_a_service_whose_traversal_check_regressed_fails_the_dry_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(routes, "patch_path_problem", lambda path: None)  # the release that dropped the check
    with example_service() as url:
        assert main(["smoke", "--flow", "patch-validation", "--base-url", url]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[0] == "FAIL"
    assert PATCH_STEPS[0] in lines[1]
    assert "expected 422" in lines[1]
    assert lines[-1].startswith("FAIL 0/3 steps")


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ("src/app.py", False),
        ("a/b/c.txt", False),
        ("..", True),
        ("src/../../etc/passwd", True),
        ("src\\..\\..\\win.ini", True),
        ("/etc/shadow", True),
        ("C:/Windows/system.ini", True),
        ("src/\x00.py", True),
        ("", True),
    ],
)
def test_patch_paths_that_leave_the_workspace_are_refused(path: str, refused: bool) -> None:
    assert (routes.patch_path_problem(path) is not None) is refused


def test_the_hourly_canary_runs_the_patch_flow_and_tickets() -> None:
    plan = plan_for_stack(ROOT, "prod")
    canary = next(c for c in plan.alarms.canaries if c.name.endswith("patch-validation"))
    assert canary.environment["VIGIL_CANARY_FLOW"] == "patch-validation"
    assert canary.schedule == "rate(60 minutes)"
    assert "FLOWS[flow]" in CANARY_SCRIPT
    alarm = next(a for a in plan.alarms.metric_alarms if a.name == "vigil-prod-patch-validation")
    assert alarm.severity == "P3"
    smoke = next(c for c in plan.alarms.canaries if c.name.endswith("smoke-flow"))
    assert smoke.environment["VIGIL_CANARY_FLOW"] == "smoke"
