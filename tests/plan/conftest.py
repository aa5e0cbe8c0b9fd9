"""Fixtures of the plan tests: the fixture project and its plan."""

from __future__ import annotations

import pytest
from plan_fixture import ACCOUNT, fixture_project

from vigil.plan import StackPlan, plan_project
from vigil.plan.naming import Naming
from vigil.spec.models import Project


@pytest.fixture(scope="session")
def project() -> Project:
    return fixture_project()


@pytest.fixture(scope="session")
def plan(project: Project) -> StackPlan:
    return plan_project(project, Naming.for_project(project), ACCOUNT)
