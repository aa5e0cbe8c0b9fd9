"""The plan a backtest replays against: the project at a root, loaded, validated and planned for one stack.

Moved here from the emulator (which stays pure: it reads plans, never project files). Issue 20 replaces this
with the one entry point every command shares.

Example::

    >>> from vigil.backtest.stack import plan_for_stack
    >>> plan = plan_for_stack(".", "dev")
    >>> len(plan.alarms.metric_alarms) > 0
    True
"""

from __future__ import annotations

from pathlib import Path

from vigil.emulator.errors import EvaluateError
from vigil.plan.types import StackPlan


def plan_for_stack(root: str | Path, stack: str) -> StackPlan:
    """Load, validate and plan the project at ``root`` for ``stack`` (what ``pulumi up`` would deploy).

    Raises :class:`EvaluateError` with every located spec error when the project does not validate.
    """
    from vigil.components.naming import Naming
    from vigil.plan import plan_project
    from vigil.spec import load_project

    loaded = load_project(root, stack=stack)
    if not loaded.ok:
        errors = "\n".join(str(e) for e in loaded.errors if e.severity == "error")
        raise EvaluateError(f"the project does not pass `vigil check --stack {stack}`:\n{errors}")
    return plan_project(loaded.project, Naming.for_project(loaded.project), "123456789012")
