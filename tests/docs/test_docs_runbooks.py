"""Runbook trigger sections come from the plan of every stack; `vigil check` fails on each way a runbook can
disagree with it (stale section, hand-stated trigger, wrong severity, a composite's rule told in words)."""

from __future__ import annotations

from pathlib import Path

import pytest
from project_copy import ROOT, check_errors, edit

from vigil.cli.main import main
from vigil.docs.runbooks import check_runbooks, find_section, runbook_specs
from vigil.docs.stacks import plan_stacks
from vigil.docs.triggers import number
from vigil.plan import MetricAlarmPlan

VIEWS = plan_stacks(ROOT)


def test_shipped_runbooks_match_the_plan_of_both_stacks() -> None:
    assert [v.stack for v in VIEWS] == ["dev", "prod"]
    assert check_runbooks(ROOT, VIEWS) == []
    for path, specs in runbook_specs(VIEWS[0], ROOT).items():
        text = (ROOT / path).read_text()
        found = find_section(text)
        assert found is not None, f"{path} has no generated trigger section; run `vigil docs`"
        section = "\n".join(text.splitlines()[found[0] : found[1]])
        for _, name in specs:
            assert f"**`{name}`**" in section
        assert "**dev" in section
        assert "prod**" in section


def _threshold(stack: str, alarm: str) -> str:
    view = next(v for v in VIEWS if v.stack == stack)
    planned = view.alarm(alarm)
    assert isinstance(planned, MetricAlarmPlan)
    return number(planned.threshold)


def test_prod_and_dev_thresholds_differ_in_the_section() -> None:
    dev, prod = _threshold("dev", "queue-backlog"), _threshold("prod", "queue-backlog")
    assert dev != prod, "the stacks override queue-backlog differently"
    lines = (ROOT / "alarms/runbooks/queue-backlog.md").read_text().splitlines()
    (dev_line,) = [line for line in lines if line.startswith("- **dev**: ")]
    (prod_line,) = [line for line in lines if line.startswith("- **prod**: ")]
    assert f"> {dev} " in dev_line
    assert f"> {prod} " in prod_line


def test_override_change_makes_the_section_stale_until_vigil_docs(
    shipped: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(
        shipped / "stacks" / "Pulumi.prod.yaml",
        "api-latency-p95-warning: {threshold: 800}",
        "api-latency-p95-warning: {threshold: 900}",
    )
    runbook = (shipped / "alarms/runbooks/api-latency.md").read_text().splitlines()
    errors = [e for e in check_errors(shipped, capsys) if e["file"] == "alarms/runbooks/api-latency.md"]
    assert len(errors) == 1
    (error,) = errors
    assert "stale" in str(error["message"])
    assert "> 900" in str(error["message"])
    line = int(str(error["line"]))
    assert "> 800" in runbook[line - 1]
    assert main(["docs", str(shipped), "--check"]) == 1
    assert main(["docs", str(shipped)]) == 0
    assert "> 900" in (shipped / "alarms/runbooks/api-latency.md").read_text()
    capsys.readouterr()
    assert main(["check", str(shipped)]) == 0
    assert main(["docs", str(shipped), "--check"]) == 0


def test_edited_section_is_stale(shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = shipped / "alarms/runbooks/queue-backlog.md"
    threshold = _threshold("prod", "queue-backlog")
    line = edit(path, f"> {threshold} ", f"> {threshold}0 ")
    (error,) = check_errors(shipped, capsys)
    assert (error["file"], error["line"]) == ("alarms/runbooks/queue-backlog.md", line)


def test_trigger_stated_by_hand_is_an_error(shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = edit(
        shipped / "alarms/runbooks/worker-down.md",
        "## Symptoms",
        "**Fires when** no heartbeat for 1 minute.\n\n## Symptoms",
    )
    (error,) = check_errors(shipped, capsys)
    assert (error["file"], error["line"]) == ("alarms/runbooks/worker-down.md", line)
    assert "by hand" in str(error["message"])


def test_severity_no_stack_deploys_is_an_error(shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(shipped / "alarms/runbooks/api-no-traffic.md", "(`api-no-traffic`, P1)", "(`api-no-traffic`, P2)")
    (error,) = check_errors(shipped, capsys)
    assert (error["file"], error["line"]) == ("alarms/runbooks/api-no-traffic.md", 1)
    assert "every stack deploys it as P1" in str(error["message"])


def test_escalation_severity_is_checked(shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = edit(shipped / "alarms/runbooks/api-no-traffic.md", "P1 (through `platform-down`)", "P2")
    (error,) = check_errors(shipped, capsys)
    assert (error["file"], error["line"]) == ("alarms/runbooks/api-no-traffic.md", line)
    assert "starts with P2" in str(error["message"])


def test_composite_rule_in_words_is_checked(shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = edit(
        shipped / "alarms/runbooks/worker-down.md",
        "- Fewer jobs are claimed;",
        "- Together with `queue-backlog` this is `platform-down`.\n- Fewer jobs are claimed;",
    )
    (error,) = check_errors(shipped, capsys)
    assert (error["file"], error["line"]) == ("alarms/runbooks/worker-down.md", line)
    assert "ties queue-backlog to `platform-down`" in str(error["message"])


def test_vigil_docs_adds_a_missing_section(shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = shipped / "alarms/runbooks/smoke-flow.md"
    text = path.read_text()
    found = find_section(text)
    assert found is not None
    lines = text.splitlines()
    path.write_text("\n".join(lines[: found[0]] + lines[found[1] + 2 :]) + "\n")  # the section and its blank line
    assert main(["docs", str(shipped)]) == 0
    assert path.read_text() == text
    assert "wrote alarms/runbooks/smoke-flow.md" in capsys.readouterr().out


def test_vigil_init_writes_the_sections_and_its_queries_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shop = tmp_path / "shop"
    assert main(["init", str(shop), "--service", "api", "--service", "billing"]) == 0
    runbooks = sorted((shop / "alarms" / "runbooks").glob("*.md"))
    assert len(runbooks) == 6
    assert all(find_section(p.read_text()) is not None for p in runbooks)
    capsys.readouterr()
    assert main(["docs", str(shop), "--check"]) == 0
    assert main(["check", str(shop)]) == 0
    assert "0 error(s), 0 warning(s)" in capsys.readouterr().out


def test_runbook_outside_the_project_is_never_read_or_written(
    shipped: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = shipped.parent / "outside.md"
    outside.write_text("# Elsewhere\n\n**Fires when** never.\n\n`filter level = 'error' | limit 1`\n")
    edit(shipped / "alarms" / "jobs.yaml", "runbook: alarms/runbooks/queue-backlog.md", "runbook: ../outside.md")
    errors = check_errors(shipped, capsys)
    assert all(e["file"] != "../outside.md" for e in errors)
    assert outside.read_text().startswith("# Elsewhere\n\n**Fires when**")
    main(["docs", str(shipped)])
    assert "vigil:triggers" not in outside.read_text()


def test_drop_hand_triggers_replaces_hand_prose_with_the_section(
    shipped: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runbook = shipped / "alarms/runbooks/worker-down.md"
    edit(runbook, "## Symptoms", "**Fires when** no heartbeat arrives\nfor one minute.\n\n## Symptoms")
    assert main(["docs", str(shipped)]) == 0
    assert "**Fires when**" in runbook.read_text()  # kept without the option
    assert main(["docs", str(shipped), "--drop-hand-triggers"]) == 0
    text = runbook.read_text()
    assert "Fires when" not in text
    assert "for one minute." not in text
    assert "## Symptoms" in text
    capsys.readouterr()
    assert main(["check", str(shipped)]) == 0
