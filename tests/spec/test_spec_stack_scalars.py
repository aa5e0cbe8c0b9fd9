"""Stack settings as ``pulumi config set`` writes them: every value quoted (``vigil:budget_usd: "250"``).

Pulumi stores config values set from the CLI as strings; a number or boolean setting reads the quoted text as
the number or boolean it spells, and anything else is still refused at its line.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.spec import load_project
from vigil.spec.stack_file import pulumi_scalar

GOOD = Path(__file__).parent / "good" / "minimal"


def _with_stack(tmp_path: Path, old: str, new: str) -> Path:
    project = tmp_path / "project"
    shutil.copytree(GOOD, project)
    stack = project / "stacks" / "Pulumi.dev.yaml"
    text = stack.read_text(encoding="utf-8")
    assert old in text
    stack.write_text(text.replace(old, new), encoding="utf-8")
    return project


@pytest.mark.parametrize(
    ("old", "new", "field", "value"),
    [
        ("vigil:budget_usd: 1000", 'vigil:budget_usd: "250"', "budget_usd", 250.0),
        ("vigil:page_people: true", 'vigil:page_people: "true"', "page_people", True),
        ("vigil:environment: dev", 'vigil:environment: dev\n  vigil:retention_days: "30"', "retention_days", 30),
    ],
)
def test_quoted_numbers_and_booleans_are_accepted(
    tmp_path: Path, old: str, new: str, field: str, value: object
) -> None:
    result = load_project(_with_stack(tmp_path, old, new), stack="dev")
    assert [str(e) for e in result.errors if e.severity == "error"] == []
    assert result.project.stack is not None
    assert getattr(result.project.stack, field) == value
    assert type(getattr(result.project.stack, field)) is type(value)


def test_a_quoted_word_is_still_refused_at_its_line(tmp_path: Path) -> None:
    result = load_project(_with_stack(tmp_path, "vigil:budget_usd: 1000", 'vigil:budget_usd: "lots"'), stack="dev")
    (error,) = [e for e in result.errors if e.severity == "error"]
    assert (error.file, error.line, error.field) == ("stacks/Pulumi.dev.yaml", 5, "config.vigil:budget_usd")


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_every_number_written_as_text_reads_back_as_itself(number: float) -> None:
    assert pulumi_scalar("budget_usd", repr(number)) == number


def test_a_composite_over_a_child_the_stack_disables_is_a_warning_at_the_reference(tmp_path: Path) -> None:
    """Decided: a warning (the stack's rule counts the child as never in ALARM), located at the reference."""
    project = _with_stack(tmp_path, "latency-anomaly: {enabled: false}", "worker-down: {enabled: false}")
    result = load_project(project, stack="dev")
    (warning,) = [e for e in result.errors if "disabled in this stack" in e.message]
    assert warning.severity == "warning"
    assert (warning.file, warning.field) == ("alarms/api.yaml", "alarms.platform-down.rule.any[0].all[0]")
    assert result.ok
