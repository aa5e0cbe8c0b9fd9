"""The plan of every stack of a project, as the generated documents read it.

Example::

    >>> views = plan_stacks(".")  # doctest: +SKIP
    >>> [v.stack for v in views]  # doctest: +SKIP
    ['dev', 'prod']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from vigil.plan import CompositeAlarmPlan, MetricAlarmPlan, StackPlan
from vigil.plan.naming import Naming
from vigil.plan.stack import LoadedStack, ProjectErrors, load_stack_plan
from vigil.spec import ParseCache, available_stacks
from vigil.spec.models import Project
from vigil.spec.sources import Sources


@dataclass(frozen=True)
class StackView:
    """One stack's loaded project, its plan and its names."""

    stack: str
    project: Project
    plan: StackPlan
    names: Naming
    sources: Sources | None = None

    def short(self, physical: str) -> str:
        """The name on-call knows for a physical name (``vigil-prod-worker-down`` -> ``worker-down``)."""
        prefix = self.names.alarm_name("")
        return physical[len(prefix) :] if prefix and physical.startswith(prefix) else physical

    @cached_property
    def _by_name(self) -> dict[str, MetricAlarmPlan | CompositeAlarmPlan]:
        found: dict[str, MetricAlarmPlan | CompositeAlarmPlan] = {a.name: a for a in self.plan.alarms.metric_alarms}
        found.update((c.name, c) for c in self.plan.alarms.composite_alarms)
        return found

    @cached_property
    def _slo_burns(self) -> dict[str, list[CompositeAlarmPlan]]:
        burns: dict[str, list[CompositeAlarmPlan]] = {}
        for c in self.plan.alarms.composite_alarms:
            if c.kind == "slo" and "slo" in c.tags:
                burns.setdefault(c.tags["slo"], []).append(c)
        return burns

    def alarm(self, spec_name: str) -> MetricAlarmPlan | CompositeAlarmPlan | None:
        """The planned alarm of a spec alarm, or None when the stack does not deploy it."""
        return self._by_name.get(self.names.alarm_name(spec_name))

    def slo_alarms(self, slo: str) -> list[CompositeAlarmPlan]:
        """The burn-rate composites of an SLO in this stack (page tier first)."""
        return self._slo_burns.get(slo, [])


def plan_stacks(root: str | Path, planned: Mapping[str, LoadedStack] | None = None) -> list[StackView]:
    """Every stack of the project at ``root`` that plans without errors, from the one entry point.

    ``planned`` are stacks already loaded and planned by :func:`vigil.plan.stack.load_stack_plan` (``vigil check``
    passes its own); the others are loaded here.
    """
    cache = ParseCache()
    views: list[StackView] = []
    for stack in available_stacks(root):
        loaded = (planned or {}).get(stack)
        if loaded is None:
            try:
                loaded = load_stack_plan(root, stack, cache=cache)
            except ProjectErrors:
                continue
        project = loaded.project
        views.append(StackView(stack, project, loaded.plan, Naming.for_project(project), loaded.result.sources))
    return views
