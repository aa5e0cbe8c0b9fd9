"""The Pulumi program's body, shared by this repository's ``stacks/__main__.py`` and the one ``vigil init`` writes.

It plans the selected stack through the one entry point (:func:`vigil.plan.stack.load_stack_plan`) for the
caller's account, builds :class:`MonitoringStack` from the plan and exports its outputs. A project with errors
(or a stack pinned to another account) stops the program with the located errors.

Example (a ``stacks/__main__.py``)::

    >>> build(Path(__file__).resolve().parent.parent, globals().get("VIGIL_PRELOADED"))  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import pulumi
import pulumi_aws as aws

from vigil.plan.stack import LoadedStack, ProjectErrors, load_stack_plan

from .monitoring_stack import MonitoringStack, MonitoringStackArgs

#: The stack outputs, in export order.
OUTPUTS = ("topic_arns", "log_group_names", "dashboard_urls", "app_policies", "app_environment", "collector_policy")


def build(project_dir: Path, preloaded: LoadedStack | None = None) -> MonitoringStack:
    """Plan the current Pulumi stack of ``project_dir`` (or use ``preloaded``: ``vigil preview`` planned it) and
    build it; raises :class:`pulumi.RunError` with the located errors when the project has errors."""
    loaded = preloaded
    if loaded is None:
        try:  # planned for the caller's account; a stack pinned to another account is refused here
            account = aws.get_caller_identity().account_id
            loaded = load_stack_plan(project_dir, pulumi.get_stack(), account_id=account)
        except ProjectErrors as exc:
            raise pulumi.RunError(str(exc)) from None
    stack = MonitoringStack("vigil", MonitoringStackArgs(plan=loaded.plan))
    for name in OUTPUTS:
        pulumi.export(name, getattr(stack, name))
    return stack
