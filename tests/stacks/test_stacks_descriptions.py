"""What on-call reads at 3 a.m.: every shipped alarm's description, as planned for dev and prod.

A description says what broke, the impact and the first step, then links the runbook and a dashboard; it
carries no catalog notes and no unrendered placeholder, and it quotes the threshold the stack really uses.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vigil.plan import StackPlan
from vigil.plan.alarm_context import MAX_DESCRIPTION
from vigil.plan.stack import load_stack_plan

ROOT = Path(__file__).resolve().parents[2]


def plan_of(stack: str) -> StackPlan:
    return load_stack_plan(ROOT, stack).plan


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_description_is_for_a_person_and_links_where_to_go(stack: str) -> None:
    plan = plan_of(stack)
    for alarm in [*plan.alarms.metric_alarms, *plan.alarms.composite_alarms]:
        text = alarm.description
        assert len(text) <= MAX_DESCRIPTION, alarm.name
        assert "(seed" not in text, alarm.name
        assert "${" not in text, alarm.name
        if alarm.kind in ("slo-window", "delivery"):
            continue
        if alarm.severity.pages:
            assert "First step" in text, alarm.name
            assert " Runbook: https://" in text, alarm.name
            assert " Dashboard: https://" in text, alarm.name


def test_the_threshold_quoted_is_the_one_the_stack_uses() -> None:
    dev, prod = (
        next(a for a in plan_of(s).alarms.metric_alarms if a.name.endswith("-job-failure-rate"))
        for s in ("dev", "prod")
    )
    assert dev.threshold == 40
    assert "More than 40 % of claimed jobs failed" in dev.description  # vigil:overrides in Pulumi.dev.yaml
    assert "More than 25 % of claimed jobs failed" in prod.description
