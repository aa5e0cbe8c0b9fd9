"""Raw AlarmRule strings in a test case: errors are located at the composite; names resolve like expectations."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vigil.alarmtest import run_tests

GOOD = Path(__file__).resolve().parents[1] / "spec" / "good" / "minimal"
CASE = """version: vigil/v1
tests:
  - name: raw rule
    series:
      - metric: {namespace: Shop/API, metric: error.total, dimensions: {Service: api, Environment: dev}}
        values: "10x3"
    composites:
      rule: 'RULE'
    expect:
      - {alarm: rule, at: 3m, state: ALARM}
"""


@pytest.mark.parametrize(
    ("rule", "error"),
    [
        ("ALARM(errors-logged) AND", "tests[0].composites.rule: alarm rule: expected a rule but found the end"),
        ("ALARM(error-logged)", "tests[0].composites.rule: no alarm 'error-logged' in this stack (did you mean"),
        ("AT_LEAST(3, ALARM, (errors-logged, latency-p95))", "AT_LEAST count 3 is not within 1..2"),
    ],
)
def test_a_wrong_raw_rule_is_an_input_error_at_its_line(tmp_path: Path, rule: str, error: str) -> None:
    root = tmp_path / "p"
    shutil.copytree(GOOD, root)
    path = root / "alarms" / "tests" / "raw.yaml"
    path.write_text(CASE.replace("RULE", rule))
    report = run_tests(root, [path])
    assert report.exit_code == 2
    assert any(error in str(e) and "raw.yaml:8:" in str(e) for e in report.errors), [str(e) for e in report.errors]


def test_a_raw_rule_over_a_shipped_alarm_by_spec_or_physical_name(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(GOOD, root)
    path = root / "alarms" / "tests" / "raw.yaml"
    path.write_text(CASE.replace("RULE", 'ALARM(errors-logged) AND ALARM("vigil-dev-errors-logged")'))
    report = run_tests(root, [path])
    assert report.exit_code == 0, [str(e) for e in report.errors] + [f.got for c in report.cases for f in c.failures]
