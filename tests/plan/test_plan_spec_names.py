"""Every planned resource names the spec it comes from (``spec_name``), so no consumer recomputes names."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from vigil.plan import StackPlan
from vigil.plan.naming import Naming


def resources(value: Any) -> Iterator[Any]:
    """Every plan object in ``value`` that has a ``spec_name`` field, depth first."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if any(f.name == "spec_name" for f in dataclasses.fields(value)):
            yield value
        for f in dataclasses.fields(value):
            yield from resources(getattr(value, f.name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from resources(item)


def test_every_resource_of_the_fixture_plan_has_its_spec_name(plan: StackPlan) -> None:
    found = list(resources(plan))
    assert len({type(r).__name__ for r in found}) >= 14  # alarms, topics, log groups, filters, queries, ...
    assert [type(r).__name__ for r in found if not r.spec_name] == []


def test_alarm_names_are_the_naming_of_their_spec_name(plan: StackPlan) -> None:
    naming = Naming(plan.context.environment)
    for alarm in [*plan.alarms.metric_alarms, *plan.alarms.composite_alarms]:
        assert alarm.name == naming.alarm_name(alarm.spec_name)
    for group in (ns.log_group for ns in plan.namespaces if ns.log_group is not None):
        assert group.name == naming.log_group_name(group.spec_name)
