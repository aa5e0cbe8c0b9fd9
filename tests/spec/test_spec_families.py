"""The incident-family rules (vigil/spec/rules/families.py) on the minimal project: what they leave alone.

The located failures are the bad fixtures f01-f03 (tests/spec/bad/); here, the neighbours that must stay silent.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vigil.spec import load_project

GOOD = Path(__file__).parent / "good" / "minimal"
METRICS = """
    metrics:
      errors: {namespace: Shop/API, metric: http.errors, dimensions: {Service: api, Environment: "${environment}", StatusClass: 5xx}}
      total: {namespace: Shop/API, metric: http.requests, dimensions: {Service: api, Environment: "${environment}"}}
"""


def _messages(tmp_path: Path, body: str) -> list[str]:
    root = tmp_path / "p"
    shutil.copytree(GOOD, root)
    (root / "alarms" / "zz.yaml").write_text("version: vigil/v1\nalarms:\n" + body, encoding="utf-8")
    return [e.message for e in load_project(root, stack="dev").errors if "zz.yaml" in e.file]


@pytest.mark.parametrize(
    "expression",
    ["100 * errors / total", "IF(total >= 20, errors, 0)"],
    ids=["a rate", "a guarded count"],
)
def test_a_rate_or_a_guarded_count_is_not_an_unguarded_count(tmp_path: Path, expression: str) -> None:
    body = f"""  errors-high:
    kind: math
    severity: P2
    runbook: alarms/runbooks/availability.md{METRICS}    expression: {expression}
    threshold: 5
"""
    assert not [m for m in _messages(tmp_path, body) if "volume guard" in m]


def test_an_unguarded_math_count_is_flagged(tmp_path: Path) -> None:
    body = """  requests-high:
    kind: math
    severity: P2
    runbook: alarms/runbooks/availability.md
    metrics:
      total: {namespace: Shop/API, metric: http.requests, dimensions: {Service: api, Environment: "${environment}"}}
    expression: FILL(total, 0)
    threshold: 1000
"""
    assert [m for m in _messages(tmp_path, body) if "volume guard" in m]


def test_a_count_that_does_not_page_is_left_alone(tmp_path: Path) -> None:
    body = """  requests-high:
    kind: static
    severity: P3
    metric: {namespace: Shop/API, metric: http.requests, dimensions: {Service: api, Environment: "${environment}"}}
    threshold: 1000
"""
    assert not [m for m in _messages(tmp_path, body) if "volume guard" in m or "pages" in m]


def test_a_child_that_notifies_nobody_raises_nothing(tmp_path: Path) -> None:
    body = """  requests-gone:
    kind: heartbeat
    severity: P1
    notify: false
    runbook: alarms/runbooks/availability.md
    metric: {namespace: Shop/API, metric: http.requests, dimensions: {Service: api, Environment: "${environment}"}}
  api-down:
    kind: composite
    severity: P1
    runbook: alarms/runbooks/availability.md
    rule: {any: [requests-gone]}
"""
    assert not [m for m in _messages(tmp_path, body) if "pages on its own" in m]
