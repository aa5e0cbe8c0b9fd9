"""What alarms' automatic actions add to ``vigil cost``: OpsItems and Lambda requests at the price table's assumed
runs a month, scaling policies at no charge; read from the fixture plan (every action kind)."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from vigil.cost import PriceTable
from vigil.cost.alarms import alarm_items

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plan"))
from plan_fixture import fixture_plan


def test_each_action_is_a_line_of_its_alarm_priced_per_assumed_run(prices: PriceTable) -> None:
    items = [i for i in alarm_items(fixture_plan().alarms, prices) if i.unit in ("OpsItem", "request", "policy")]
    got = sorted((i.name, i.unit, i.quantity) for i in items)
    runs = prices.action_runs_per_month
    assert runs > 0
    assert got == [
        ("vigil-dev-job-failure-rate", "policy", 1.0),
        ("vigil-dev-job-failure-rate", "policy", 1.0),
        ("vigil-dev-platform-down", "OpsItem", runs),
        ("vigil-dev-platform-down", "request", runs),
        ("vigil-dev-worker-down", "OpsItem", runs),
        ("vigil-dev-worker-down", "policy", 1.0),
        ("vigil-dev-worker-down", "request", runs),  # the Lambda action on OK
        ("vigil-dev-worker-down", "request", runs),  # the restart
    ]
    by_unit = {i.unit: i for i in items}
    assert by_unit["OpsItem"].monthly_usd == runs * prices.opsitem_usd > 0
    assert 0 < by_unit["request"].monthly_usd < 0.001  # a Lambda request is a fraction of a cent
    assert by_unit["policy"].monthly_usd == 0


def test_a_plan_without_actions_adds_no_action_lines(prices: PriceTable) -> None:
    plan = fixture_plan()
    with_actions = alarm_items(plan.alarms, prices)
    stripped = replace(
        plan.alarms,
        metric_alarms=tuple(replace(a, automations=()) for a in plan.alarms.metric_alarms),
        composite_alarms=tuple(replace(c, automations=()) for c in plan.alarms.composite_alarms),
    )
    without = alarm_items(stripped, prices)
    assert len(with_actions) - len(without) == 8
    assert {i.unit for i in without}.isdisjoint({"OpsItem", "request", "policy"})
