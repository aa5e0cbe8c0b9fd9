"""``at_least`` in composite rules: what `vigil check` refuses (located), and what the plan deploys."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vigil.emulator import parse_rule
from vigil.plan.stack import load_stack_plan
from vigil.spec import load_project

GOOD = Path(__file__).parent / "good" / "minimal"
HEAD = """
  quorum:
    kind: composite
    severity: P2
    runbook: alarms/runbooks/availability.md
    rule:
"""


def _project(tmp_path: Path, rule: str) -> Path:
    root = tmp_path / "p"
    shutil.copytree(GOOD, root)
    alarms = root / "alarms" / "api.yaml"
    alarms.write_text(alarms.read_text() + HEAD + rule, encoding="utf-8")
    return root


def _errors(root: Path) -> list[str]:
    return [str(e) for e in load_project(root, stack="dev").errors if e.severity == "error"]


@pytest.mark.parametrize(
    ("rule", "error"),
    [
        (
            "      at_least: 4\n      of: [worker-down, latency-p95, errors-logged]\n",
            "alarms/api.yaml:69: alarms.quorum.rule.at_least: at_least 4 is more than the 3 alarms in `of`",
        ),
        ('      {at_least: "0%", of: [worker-down]}\n', 'a percentage is a whole number from "1%" to "100%"'),
        ('      {at_least: "101%", of: [worker-down]}\n', 'a percentage is a whole number from "1%" to "100%"'),
        ('      {at_least: "half", of: [worker-down]}\n', 'a percentage is a whole number from "1%" to "100%"'),
        ("      {at_least: 0, of: [worker-down]}\n", "at_least 0: a count is at least 1"),
        ("      {at_least: true, of: [worker-down]}\n", 'at_least is a count (2) or a percentage ("50%")'),
        ("      {at_least: 1, of: []}\n", "alarms.quorum.rule.of"),
        (
            "      {at_least: 1, of: [worker-down, worker-down]}\n",
            "alarms.quorum.rule.of: names worker-down more than once",
        ),
        ("      {at_least: 1, of: [worker-down], state: NOT FOO}\n", "(did you mean 'NOT OK'?)"),
        ("      {at_least: 1, of: [worker-down, nope]}\n", "rule references unknown alarm 'nope'"),
        (
            "      {at_least: 1, of: [worker-down, availability]}\n",
            "at_least counts alarms, and 'availability' is an SLO",
        ),
    ],
)
def test_check_refuses_at_least_that_cannot_mean_anything(tmp_path: Path, rule: str, error: str) -> None:
    errors = _errors(_project(tmp_path, rule))
    assert any(error in e for e in errors), errors


def test_the_plan_deploys_at_least_and_the_emulator_reads_it_back(tmp_path: Path) -> None:
    rule = "      any:\n        - {at_least: 2, of: [worker-down, latency-p95, errors-logged]}\n"
    rule += "        - {at_least: 50%, of: [worker-down, latency-p95], state: NOT OK}\n"
    root = _project(tmp_path, rule)
    assert _errors(root) == []
    composite = next(c for c in load_stack_plan(root, "dev").plan.alarms.composite_alarms if c.name.endswith("quorum"))
    names = ("vigil-dev-worker-down", "vigil-dev-latency-p95", "vigil-dev-errors-logged")
    assert composite.alarm_rule == (
        f"(AT_LEAST(2, ALARM, ({', '.join(names)})) OR AT_LEAST(50%, NOT OK, ({', '.join(names[:2])})))"
    )
    assert composite.children == names
    parsed = parse_rule(composite.alarm_rule)
    assert parsed.holds({names[0]: "ALARM", names[1]: "OK", names[2]: "OK"})  # 1 of 2 is NOT OK: 50 %
    assert not parsed.holds({names[0]: "OK", names[1]: "OK", names[2]: "ALARM"})


def test_an_alarm_disabled_in_the_stack_keeps_the_count_meaningful(tmp_path: Path) -> None:
    root = _project(tmp_path, "      {at_least: 2, of: [worker-down, latency-p95, errors-logged]}\n")
    stack = root / "stacks" / "Pulumi.dev.yaml"
    text = stack.read_text().replace(
        "      latency-anomaly:", "      errors-logged: {enabled: false}\n      latency-anomaly:"
    )
    stack.write_text(text, encoding="utf-8")
    assert _errors(root) == []
    composite = next(c for c in load_stack_plan(root, "dev").plan.alarms.composite_alarms if c.name.endswith("quorum"))
    # errors-logged does not exist in this stack: it is never in ALARM, so 2 of the other two must be.
    assert composite.alarm_rule == "AT_LEAST(2, ALARM, (vigil-dev-worker-down, vigil-dev-latency-p95))"
