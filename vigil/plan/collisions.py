"""Stacks that would overwrite each other: the same physical name in one account and region.

Two stacks deployed to one account (dev and prod side by side) must not share an alarm, log group, topic,
key alias, parameter, query or dashboard name, or one ``pulumi up`` silently takes over the other's
resource (and ``pulumi destroy`` deletes it). Names come from the plan, so whatever the naming module
and the stack config (``vigil:environment``, ``vigil:dashboard_prefix``) produce is what is compared.
Dashboards are global per account; every other name is per region. Two stacks collide when their
accounts may be the same: both pin the same ``vigil:account_id``, or either pins none.

X-Ray sampling rules and groups collide by what they match, not only by name: two rules that match the same
traffic at the same priority, or two groups with one filter, apply one stack's sampling rate and service map to
both (the plan scopes both to the stack's environment, so they collide only when environments are equal).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from vigil.plan.types import StackPlan


@dataclass(frozen=True)
class Collision:
    """Two stacks that would both create ``names`` (kind -> names) in one place."""

    first: str
    second: str
    names: dict[str, tuple[str, ...]]

    def message(self) -> str:
        """What collides and how to fix it, for ``vigil check``."""
        listing = "; ".join(
            f"{kind}: {', '.join(names[:3])}{' ...' if len(names) > 3 else ''}" for kind, names in self.names.items()
        )
        return (
            f"stacks '{self.first}' and '{self.second}' would create the same resources (or match the same traces) "
            f"in one account and region ({listing}), so one would overwrite the other; give them different 'vigil:environment' values, "
            "or pin different 'vigil:account_id's or regions"
        )


def physical_names(plan: StackPlan) -> dict[str, set[str]]:
    """Names by kind; kinds ending in ``@global`` are unique per account, the rest per account and region."""
    names: dict[str, set[str]] = {
        "alarms": set(plan.alarms.names()),
        "topics": {t.name for t in plan.routing.topics},
        "kms aliases": {plan.routing.kms_key.alias},
        "log groups": set(),
        "query definitions": set(),
        "parameters": set(),
        "dashboards@global": {d.name for d in plan.dashboards},
        "x-ray sampling rules": set(),
        "x-ray sampling rule matches": set(),
        "x-ray groups": set(),
        "x-ray group filters": set(),
    }
    if plan.tracing is not None:
        for rule in plan.tracing.sampling_rules:
            names["x-ray sampling rules"].add(rule.name)
            scope = " ".join(f"{k}={v}" for k, v in sorted(rule.attributes.items())) or "any attributes"
            names["x-ray sampling rule matches"].add(f"service {rule.service_name} with {scope}")
        for group in plan.tracing.groups:
            names["x-ray groups"].add(group.name)
            names["x-ray group filters"].add(group.filter_expression)
    for ns in plan.namespaces:
        if ns.log_group is not None:
            names["log groups"].add(ns.log_group.name)
            if ns.log_group.kms_key is not None:
                names["kms aliases"].add(ns.log_group.kms_key.alias)
        names["query definitions"].update(q.name for q in ns.queries)
        if ns.agent_config is not None:
            names["parameters"].add(ns.agent_config.parameter_name)
    return names


def _same_account(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


def find_collisions(plans: Iterable[tuple[str, str | None, StackPlan]]) -> list[Collision]:
    """Every pair of stacks ``(name, pinned account or None, plan)`` that shares a physical name.

    >>> find_collisions([])
    []
    """
    items = list(plans)
    out: list[Collision] = []
    for i, (name_a, account_a, plan_a) in enumerate(items):
        for name_b, account_b, plan_b in items[i + 1 :]:
            if not _same_account(account_a, account_b):
                continue
            same_region = plan_a.context.region == plan_b.context.region
            names_a, names_b = physical_names(plan_a), physical_names(plan_b)
            shared: dict[str, tuple[str, ...]] = {}
            for kind, values in names_a.items():
                if not kind.endswith("@global") and not same_region:
                    continue
                common = values & names_b.get(kind, set())
                if common:
                    shared[kind.removesuffix("@global")] = tuple(sorted(common))
            if shared:
                out.append(Collision(name_a, name_b, shared))
    return out
