"""The shipped project: every provisioned alarm, dashboard and log group has a price under its own name."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigil.cost import estimate_project
from vigil.plan.naming import Naming
from vigil.spec import load_project
from vigil.spec.slo import expand_slo

REPO = Path(__file__).parents[2]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_shipped_resource_is_priced_under_its_name(stack: str) -> None:
    result = load_project(REPO, stack=stack)
    assert result.ok, [str(e) for e in result.errors]
    project = result.project
    by_resource = estimate_project(project).by_resource()
    naming = Naming.for_project(project)
    specs = set(project.enabled_alarms())
    for name, slo in project.enabled_slos().items():
        specs |= {n for pair in expand_slo(name, slo) for n in (pair.name, pair.short_name, pair.long_name)}
    expected = {naming.alarm_name(n) for n in specs} | {naming.dashboard_name(d) for d in project.dashboards}
    expected |= {naming.log_group_name(ns.log_group.name) for ns in project.namespaces.values() if ns.log_group}
    assert expected <= set(by_resource)
    disabled = {naming.alarm_name(n) for n in set(project.alarms) - set(project.enabled_alarms())}
    assert not disabled & set(by_resource)


def test_disabling_alarms_in_dev_makes_dev_alarms_cheaper_than_prod() -> None:
    dev, prod = (estimate_project(load_project(REPO, stack=s).project) for s in ("dev", "prod"))
    assert dev.totals["alarm"] < prod.totals["alarm"]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_planned_alarm_is_priced_including_probes_canaries_and_delivery(stack: str) -> None:
    """The cost model prices specs; the plan adds alarms of its own (delivery failures): none may be missed."""
    from vigil.plan import plan_project

    project = load_project(REPO, stack=stack).project
    plan = plan_project(project, Naming.for_project(project), "123456789012")
    priced = estimate_project(project).by_resource()
    kinds = {a.kind for a in plan.alarms.metric_alarms}
    assert {"probe", "canary", "delivery"} <= kinds
    missing = [name for name in plan.alarms.names() if priced.get(name, 0) <= 0]
    assert missing == []
    probe = next(a.name for a in plan.alarms.metric_alarms if a.kind == "probe")
    assert priced[probe] > 1.0  # the Route 53 health check, not only the alarm metric
