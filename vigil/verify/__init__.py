"""Deployed-state checks: drift against the plan (``vigil verify``) and routing tests (``vigil fire``).

Example::

    >>> target = AwsTarget("us-east-1", endpoint_url="http://127.0.0.1:5000")  # doctest: +SKIP
    >>> loaded = load_stack_plan(".", "dev", account_id=target.account_id())  # doctest: +SKIP
    >>> report = verify_stack(target, loaded)  # doctest: +SKIP
    >>> print(render_report(report, target.where))  # doctest: +SKIP
"""

from __future__ import annotations

from vigil.plan.stack import LoadedStack
from vigil.verify.apply import Applied, apply_plan
from vigil.verify.aws import AwsTarget
from vigil.verify.deployed import Deployed, read_deployed
from vigil.verify.diff import Drift, VerifyReport, diff_states, render_report
from vigil.verify.errors import UnknownAlarmError, VerifyError
from vigil.verify.state import State, expected_state


def verify_stack(target: AwsTarget, loaded: LoadedStack) -> VerifyReport:
    """Diff the deployed stack at ``target`` against the plan of ``loaded``."""
    return diff_states(expected_state(loaded.plan, loaded.config_value), read_deployed(target, loaded.plan))


__all__ = [
    "Applied",
    "AwsTarget",
    "Deployed",
    "Drift",
    "State",
    "UnknownAlarmError",
    "VerifyError",
    "VerifyReport",
    "apply_plan",
    "diff_states",
    "expected_state",
    "read_deployed",
    "render_report",
    "verify_stack",
]
