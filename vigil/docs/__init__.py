"""Documents generated from the plan: runbook trigger sections and the catalog reference (``vigil docs``).

Whatever on-call reads that states a trigger, threshold, window, severity, routing or composite rule is written
here from the plan of every stack, so it says what ``pulumi up`` creates; ``vigil check`` fails when a written
copy is stale (:func:`vigil.docs.runbooks.check_runbooks`, :func:`vigil.docs.catalog.check_catalog`).

Example::

    >>> from vigil.docs import plan_stacks, write_runbooks  # doctest: +SKIP
    >>> write_runbooks(Path("."), plan_stacks("."))  # doctest: +SKIP
    ['alarms/runbooks/worker-down.md']
"""

from __future__ import annotations

from vigil.docs.runbooks import check_runbooks, write_runbooks
from vigil.docs.stacks import StackView, plan_stacks

__all__ = ["StackView", "check_runbooks", "plan_stacks", "write_runbooks"]
