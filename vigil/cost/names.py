"""Line items keyed by the names CloudWatch shows: spec names mapped through the one naming module.

The cost model prices specs (``api-latency-p95``); ``vigil preview`` and ``vigil cost`` show the provisioned
resources (``vigil-prod-api-latency-p95``, ``/vigil/prod/api``). :class:`vigil.plan.naming.Naming` decides those
names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from vigil.cost.report import LineItem
from vigil.plan.naming import Naming
from vigil.spec.models import Project


def _namers(project: Project) -> dict[str, Callable[[str], str]]:
    naming = Naming.for_project(project)
    return {"alarm": naming.alarm_name, "dashboard": naming.dashboard_name, "logs": naming.log_group_name}


def physical(items: Iterable[LineItem], project: Project) -> list[LineItem]:
    """The items with alarm, dashboard and log group names as provisioned for the project's stack.

    >>> from vigil.spec.models import Project, StackSpec
    >>> project = Project(stack=StackSpec(name="prod", environment="prod"))
    >>> item = LineItem("alarm", "queue-backlog", "static alarm metrics", 1, "alarm metric", 0.1, 0.1)
    >>> physical([item], project)[0].name
    'vigil-prod-queue-backlog'
    """
    namers = _namers(project)
    return [replace(i, name=namers[i.kind](i.name)) if i.kind in namers else i for i in items]
