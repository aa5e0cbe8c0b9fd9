"""A runbook given as a path must be a file of the project: it is published under ``vigil:runbook_base_url``,
so a path outside the project (``../notes/x.md``, ``/etc/x.md``) would link to nothing and could read any file."""

from __future__ import annotations

from pathlib import Path


def outside_project(root: Path, runbook: str) -> bool:
    """Whether the runbook path leaves the project directory.

    >>> outside_project(Path("/p"), "alarms/runbooks/x.md"), outside_project(Path("/p"), "../x.md")
    (False, True)
    """
    base = root.resolve()
    target = (base / runbook).resolve()
    return runbook.startswith("/") or not target.is_relative_to(base)
