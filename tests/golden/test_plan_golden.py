"""Golden files: the fixture project's full plan and dashboard bodies, compared as JSON.

Inputs: ``tests/plan/plan_fixture.py``. Expected: ``tests/golden/plan/*.json``.
Regenerate after an intended change with::

    VIGIL_UPDATE_GOLDEN=1 .venv/bin/pytest tests/golden

and review the diff (``git diff tests/golden``) before committing it.
"""

from __future__ import annotations

import dataclasses
import json
import os
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from plan_fixture import ACCOUNT, fixture_project

from vigil.plan import StackPlan, plan_project
from vigil.plan.naming import Naming
from vigil.plan.types import CanaryPlan

GOLDEN = Path(__file__).resolve().parent / "plan"
UPDATE = os.environ.get("VIGIL_UPDATE_GOLDEN") == "1"


def plain(value: Any) -> Any:
    """The plan as JSON-able data; policies and bodies parsed so diffs are readable.

    A canary's code files are listed by path only: their content is ``vigil/smoke/flow.py`` (tested by running
    it, tests/plan/test_plan_canary_script.py), which must stay free to change without touching this golden.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, CanaryPlan):
            out["files"] = sorted(value.files)
        return out
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, str) and value[:1] == "{":
        try:
            return json.loads(value)
        except json.JSONDecodeError:  # a metric filter pattern, not a document
            return value
    return value


@pytest.fixture(scope="module")
def plan() -> StackPlan:
    project = fixture_project()
    return plan_project(project, Naming.for_project(project), ACCOUNT)


def check(name: str, actual: Any) -> None:
    path = GOLDEN / f"{name}.json"
    text = json.dumps(actual, indent=2, sort_keys=True) + "\n"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"{path} missing: run VIGIL_UPDATE_GOLDEN=1 pytest tests/golden"
    assert json.loads(path.read_text()) == actual, f"{name} differs from {path}; see the module docstring"


@pytest.mark.parametrize("part", ["namespaces", "routing", "alarms", "dashboards"])
def test_plan_matches_golden(plan: StackPlan, part: str) -> None:
    check(part, plain(getattr(plan, part)))


def test_dashboard_body_matches_golden(plan: StackPlan) -> None:
    check("dashboard-overview-body", json.loads(plan.dashboards[0].body))
