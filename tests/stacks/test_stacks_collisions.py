"""Names are unique per stack: `vigil check` refuses two stacks that would overwrite each other.

Runs the real check on a copy of the shipped project with one more stack file, so the names compared are
the ones the plan (and so `pulumi up`) would create.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from vigil.cli.main import main
from vigil.plan import plan_project
from vigil.plan.collisions import find_collisions, physical_names
from vigil.plan.naming import Naming
from vigil.spec import load_project

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for part in ("metrics", "alarms", "dashboards", "stacks"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__main__.py", "__pycache__"))
    return tmp_path


def add_stack(root: Path, name: str, base: str = "prod", **changes: object) -> None:
    """A new stack file: ``base``'s config with ``vigil:<key>`` (or ``aws:region``) changes."""
    doc = yaml.safe_load((root / "stacks" / f"Pulumi.{base}.yaml").read_text())
    for key, value in changes.items():
        doc["config"]["aws:region" if key == "region" else f"vigil:{key}"] = value
    (root / "stacks" / f"Pulumi.{name}.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    # Runbook trigger sections list every stack: a new stack makes them stale until `vigil docs` rewrites them.
    assert main(["docs", str(root)]) == 0


def test_shipped_dev_and_prod_share_no_name() -> None:
    plans = []
    for stack in ("dev", "prod"):
        p = load_project(ROOT, stack=stack).project
        plans.append((stack, None, plan_project(p, Naming.for_project(p), "123456789012")))
    assert find_collisions(plans) == []
    dev, prod = (physical_names(plan) for _, _, plan in plans)
    for kind, names in dev.items():
        assert names, f"no {kind} planned: the comparison would be vacuous"
        assert not names & prod[kind]


def test_a_second_prod_stack_in_the_same_account_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_stack(project, "prod-copy")
    assert main(["check", str(project)]) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "would create the same resources" in x)
    assert line.startswith("stacks/Pulumi.prod-copy.yaml:")  # the second stack of the pair, at its environment
    assert "alarms: vigil-prod-" in line
    assert "vigil:environment" in line


def test_one_stack_checked_alone_is_still_compared_with_the_others(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_stack(project, "prod-copy")
    assert main(["check", str(project), "--stack", "dev"]) == 0
    assert main(["check", str(project), "--stack", "prod-copy"]) == 1
    assert "would create the same resources" in capsys.readouterr().out


def test_other_environment_or_other_pinned_account_is_accepted(project: Path) -> None:
    add_stack(project, "staging", environment="staging")
    add_stack(project, "prod-eu", account_id="111111111111")
    assert main(["check", str(project)]) == 1  # the shipped prod pins no account: it may be the same one
    add_stack(project, "prod", account_id="222222222222")
    assert main(["check", str(project)]) == 0


def test_dashboards_are_global_so_another_region_still_collides(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prod = yaml.safe_load((project / "stacks" / "Pulumi.prod.yaml").read_text())
    probes = {"api-unreachable": {"enabled": False}, "dashboard-unreachable": {"enabled": False}}  # us-east-1 only
    overrides = {
        **prod["config"]["vigil:overrides"],
        "alarms": {**prod["config"]["vigil:overrides"]["alarms"], **probes},
    }
    add_stack(project, "prod-eu", region="eu-west-1", overrides=overrides)
    assert main(["check", str(project)]) == 1
    line = next(x for x in capsys.readouterr().out.splitlines() if "would create the same resources" in x)
    assert "dashboards: vigil-prod-" in line
    assert "alarms:" not in line  # alarms are regional


ENV = st.from_regex(r"[a-z][a-z0-9-]{0,31}", fullmatch=True)
SPEC = st.from_regex(r"[a-z0-9][a-z0-9-]{0,127}", fullmatch=True)
LOG = st.from_regex(r"/[a-z]{1,8}(/[a-z0-9-]{1,8}){0,3}", fullmatch=True)


@given(ENV, ENV, SPEC, LOG)
def test_names_of_two_environments_never_coincide(env_a: str, env_b: str, spec: str, log_group: str) -> None:
    a, b = Naming(env_a), Naming(env_b)
    same = env_a == env_b
    assert (a.alarm_name(spec) == b.alarm_name(spec)) == same
    assert (a.dashboard_name(spec) == b.dashboard_name(spec)) == same
    assert (a.log_group_name(log_group) == b.log_group_name(log_group)) == same
    assert (a.metric_filter_name("api", spec) == b.metric_filter_name("api", spec)) == same


@given(ENV, SPEC)
def test_names_fit_aws_limits_for_any_environment_and_spec_name(env: str, spec: str) -> None:
    n = Naming(env)
    bucket = n.artifact_bucket_name("123456789012", "ap-southeast-2")
    assert len(bucket) <= 63
    assert re.fullmatch(r"[a-z0-9][a-z0-9.-]*[a-z0-9]", bucket)
    assert len(n.role_name(n.canary_name(spec), "canary")) <= 64
    assert len(n.role_name(n.chat_configuration_name(f"slack-{spec}"), "chatbot")) <= 64
    assert len(n.chat_configuration_name(f"slack-{spec}")) <= 128
    assert len(n.alarm_name(spec)) <= 255
