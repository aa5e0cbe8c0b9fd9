"""Scaffold a new Vigil project: ``vigil init DIR [--service NAME ...]`` (templates under ``templates/``).

>>> from pathlib import Path
>>> from vigil.init import create_project
>>> files = create_project(Path("/tmp/shop-monitoring"), ["api", "worker"])  # doctest: +SKIP
>>> "alarms/tests/api.yaml" in {str(f) for f in files}  # doctest: +SKIP
True
"""

from __future__ import annotations

from vigil.init.errors import InitError
from vigil.init.scaffold import ProjectPlan, create_project, plan_project

__all__ = ["InitError", "ProjectPlan", "create_project", "plan_project"]
