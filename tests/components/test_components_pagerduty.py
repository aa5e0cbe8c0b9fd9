"""PagerDuty's side as code: ``pagerduty:`` in the shipped project's routing.yaml, planned for prod and built under
the mock engine (schedule, escalation policy, a service + CloudWatch integration per PagerDuty severity, the
integration key feeding the SNS subscription); located errors for a section that cannot be provisioned; and the
extra not imported when the spec does not enable it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pulumi
import pytest
from project_copy import copy_shipped, edit
from pulumi_mocks import Recorder, install, is_secret

from vigil.plan.stack import ProjectErrors, load_stack_plan
from vigil.spec.loader import load_project

ROOT = Path(__file__).resolve().parents[2]

SECTION = """
pagerduty:
  schedule:
    time_zone: Europe/Berlin
    start: 2026-01-05T09:00:00+01:00
    shift_hours: 168
    users: {config: pagerduty_oncall_users}
  escalation:
    repeat: 2
    levels:
      - {after_minutes: 15, to: schedule}
      - {after_minutes: 30, to: {config: pagerduty_lead_user}}
  urgency: {P2: low}
"""
USERS = {"pagerduty_oncall_users": "PUSER01, PUSER02", "pagerduty_lead_user": "PLEAD01"}


def project_with_pagerduty(tmp_path: Path, section: str = SECTION) -> Path:
    project = copy_shipped(tmp_path)
    with (project / "alarms" / "routing.yaml").open("a") as routing:
        routing.write(section)
    stack = project / "stacks" / "Pulumi.prod.yaml"
    lines = "".join(f"  vigil:{key}: {value}\n" for key, value in USERS.items())
    edit(stack, "  vigil:page_people: true\n", "  vigil:page_people: true\n" + lines)
    return project


def stack_config(project: Path) -> dict[str, str]:
    import yaml

    values = yaml.safe_load((project / "stacks" / "Pulumi.prod.yaml").read_text())["config"]
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in values.items() if not isinstance(v, dict)}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Recorder, Any]:
    pytest.importorskip("pulumi_pagerduty", reason="the pagerduty extra is not installed")
    project = project_with_pagerduty(tmp_path_factory.mktemp("pd"))
    plan = load_stack_plan(project, "prod").plan
    config = {k: str(v) for k, v in stack_config(project).items()}
    recorder = install("prod", config, [])
    from vigil.components.monitoring_stack import MonitoringStack, MonitoringStackArgs

    @pulumi.runtime.test
    def build() -> None:
        MonitoringStack("vigil", MonitoringStackArgs(plan=plan))

    build()
    return recorder, plan


def test_the_plan_has_a_service_per_pagerduty_severity(built: tuple[Recorder, Any]) -> None:
    _, plan = built
    pd = plan.routing.pagerduty
    assert [(s.severity.value, s.name, s.urgency) for s in pd.services] == [
        ("P1", "vigil-prod-p1", "high"),
        ("P2", "vigil-prod-p2", "low"),
    ]
    assert (pd.schedule_name, pd.shift_seconds, pd.start) == ("vigil-prod-on-call", 604800, "2026-01-05T09:00:00+01:00")


def test_schedule_escalation_services_and_integrations(built: tuple[Recorder, Any]) -> None:
    recorder, _ = built
    (schedule,) = recorder.of_type("pagerduty:index/schedule:Schedule")
    (layer,) = schedule.inputs["layers"]
    assert (schedule.inputs["timeZone"], layer["users"], layer["rotationTurnLengthSeconds"]) == (
        "Europe/Berlin",
        ["PUSER01", "PUSER02"],
        604800,
    )
    (policy,) = recorder.of_type("pagerduty:index/escalationPolicy:EscalationPolicy")
    rules = policy.inputs["rules"]
    assert policy.inputs["numLoops"] == 2
    assert [r["escalationDelayInMinutes"] for r in rules] == [15, 30]
    assert rules[0]["targets"] == [{"id": f"{schedule.name}-id", "type": "schedule_reference"}]
    assert rules[1]["targets"] == [{"id": "PLEAD01", "type": "user_reference"}]
    services = {r.inputs["name"]: r for r in recorder.of_type("pagerduty:index/service:Service")}
    assert sorted(services) == ["vigil-prod-p1", "vigil-prod-p2"]
    assert services["vigil-prod-p2"].inputs["incidentUrgencyRule"] == {"type": "constant", "urgency": "low"}
    assert {s.inputs["escalationPolicy"] for s in services.values()} == {f"{policy.name}-id"}
    integrations = recorder.of_type("pagerduty:index/serviceIntegration:ServiceIntegration")
    assert {(i.inputs["vendor"], i.inputs["service"]) for i in integrations} == {
        ("PZQ6AUS", f"{services['vigil-prod-p1'].name}-id"),
        ("PZQ6AUS", f"{services['vigil-prod-p2'].name}-id"),
    }
    assert all("pagerduty" in r.parent for r in [schedule, policy, *services.values(), *integrations])


def test_the_integration_key_feeds_the_sns_subscription_as_a_secret(built: tuple[Recorder, Any]) -> None:
    recorder, _ = built
    subs = [r for r in recorder.of_type("sns/topicSubscription:TopicSubscription") if r.name.endswith("pagerduty")]
    assert len(subs) == 2
    for sub in subs:
        assert is_secret(sub.inputs["endpoint"])
        value = sub.inputs["endpoint"]["value"]
        assert value.startswith("https://events.pagerduty.com/integration/pdkey-")
        assert value.endswith("/enqueue")


def test_no_secret_warning_for_keys_pagerduty_provides(tmp_path: Path) -> None:
    loaded = load_project(project_with_pagerduty(tmp_path), stack="prod")
    assert not [e for e in loaded.errors if "pagerduty_p1_key" in e.message]


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("time_zone: Europe/Berlin", "time_zone: Mars/Olympus", "pagerduty.schedule.time_zone", "not an IANA time"),
        ("start: 2026-01-05T09:00:00+01:00", "start: '2026-01-05 09:00'", "pagerduty.schedule.start", "no UTC offset"),
        ("repeat: 2", "repeat: 12", "pagerduty.escalation.repeat", "less than or equal to 9"),
        ("urgency: {P2: low}", "urgency: {P3: low}", "pagerduty.urgency.P3", "no 'kind: pagerduty' subscription"),
        ("{config: pagerduty_lead_user}", "{config: pd_nobody}", "pagerduty.escalation.levels[1].to", "not set"),
    ],
)
def test_located_errors(tmp_path: Path, old: str, new: str, field: str, message: str) -> None:
    project = project_with_pagerduty(tmp_path, SECTION.replace(old, new))
    line = (
        (project / "alarms" / "routing.yaml")
        .read_text()
        .splitlines()
        .index(next(x for x in SECTION.replace(old, new).splitlines() if new in x))
    )
    with pytest.raises(ProjectErrors) as raised:
        load_stack_plan(project, "prod")
    errors = [e for e in raised.value.errors if message in e.message]
    assert errors, raised.value
    assert errors[0].file.endswith("alarms/routing.yaml")
    assert errors[0].field.endswith(field.split(".", 1)[1]) or errors[0].field == field
    assert errors[0].line in (line, line + 1)


def test_without_the_section_nothing_imports_the_provider() -> None:
    code = (
        "import sys, vigil, vigil.components.program, vigil.components.monitoring_stack\n"
        "from vigil.plan.stack import load_stack_plan\n"
        "assert load_stack_plan('.', 'prod').plan.routing.pagerduty is None\n"
        "print('pulumi_pagerduty' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.stdout.strip() == "False", done.stderr


def test_vigil_preview_shows_the_pagerduty_side(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pulumi_pagerduty", reason="the pagerduty extra is not installed")
    from vigil.cli.main import main

    project = project_with_pagerduty(tmp_path)
    assert main(["preview", "--project", str(project), "--stack", "prod"]) == 0
    out = capsys.readouterr().out
    assert "vigil:pagerduty:PagerDutyService" in out
    assert out.count("pagerduty:index/serviceIntegration:ServiceIntegration") >= 2
    assert "vigil-prod-p1-0-pagerduty" in out
