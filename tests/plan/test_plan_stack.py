"""The one entry point, on real YAML: load + validate + plan a stack, one error type, one fake account."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_plan_spec_names import resources

from vigil.plan.errors import PlanError
from vigil.plan.naming import Naming
from vigil.plan.stack import FAKE_ACCOUNT_ID, ProjectErrors, load_stack_plan, plan_error

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    for name in ("metrics", "alarms", "dashboards", "stacks", "runbooks"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, copy / name)
    shutil.copy(ROOT / "Pulumi.yaml", copy / "Pulumi.yaml")
    return copy


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_shipped_stacks_plan_with_every_spec_name_and_the_fake_account(stack: str) -> None:
    loaded = load_stack_plan(ROOT, stack)
    assert loaded.plan.context.account_id == FAKE_ACCOUNT_ID
    assert [type(r).__name__ for r in resources(loaded.plan) if not r.spec_name] == []
    naming = Naming.for_project(loaded.project)
    assert {a.name for a in loaded.plan.alarms.metric_alarms} == {
        naming.alarm_name(a.spec_name) for a in loaded.plan.alarms.metric_alarms
    }


def test_a_stack_pinned_to_another_account_is_a_located_error(project: Path) -> None:
    stack_file = project / "stacks" / "Pulumi.dev.yaml"
    text = stack_file.read_text().replace(
        "  vigil:environment: dev\n", "  vigil:environment: dev\n  vigil:account_id: '999999999999'\n"
    )
    stack_file.write_text(text)
    assert load_stack_plan(project, "dev").plan.context.account_id == "999999999999"  # pinned: planned for it
    with pytest.raises(ProjectErrors) as raised:
        load_stack_plan(project, "dev", account_id="111111111111")
    (error,) = raised.value.errors
    line = text.splitlines().index("  vigil:account_id: '999999999999'") + 1
    assert (error.file, error.line, error.field) == ("stacks/Pulumi.dev.yaml", line, "config.vigil:account_id")
    assert "pinned to account 999999999999 but the credentials are for 111111111111" in error.message
    assert "vigil check --stack dev" in str(raised.value)


def test_spec_errors_are_raised_once_with_their_locations(project: Path) -> None:
    alarms = project / "alarms" / "api.yaml"
    alarms.write_text(alarms.read_text().replace("period: 60", "period: 61", 1))
    with pytest.raises(ProjectErrors) as raised:
        load_stack_plan(project, "dev")
    assert raised.value.errors
    assert all(e.file == "alarms/api.yaml" for e in raised.value.errors)
    assert all(e.severity == "error" for e in raised.value.errors)


def test_a_plan_error_is_located_at_its_spec_when_it_names_one() -> None:
    loaded = load_stack_plan(ROOT, "dev")
    name = next(iter(loaded.project.dashboards))
    located = plan_error(loaded.result, PlanError("too big", kind="dashboard", name=name, fields=("widgets",)))
    assert (located.file[:11], located.field[-7:]) == ("dashboards/", "widgets")
    assert located.line > 1
    unlocated = plan_error(loaded.result, PlanError("something else"))
    assert (unlocated.file, unlocated.line, unlocated.field) == ("stacks/Pulumi.dev.yaml", 1, "(plan)")
    assert "please report it" in unlocated.message
