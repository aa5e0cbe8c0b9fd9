"""Raw CloudWatch ``AlarmRule`` strings in a test case (``composites:``), evaluated over the case's alarms.

They test the rule grammar itself (``TRUE``/``FALSE``, ``NOT`` > ``AND`` > ``OR`` precedence, quoted or bare names,
ARNs, ``AT_LEAST``) against real alarm timelines. A name in the rule is an alarm's spec name or its physical name;
raw composites have no actions (they notify nobody).

>>> sorted(children('ALARM("api-errors") OR NOT OK(worker-down)'))
['api-errors', 'worker-down']
"""

from __future__ import annotations

from collections.abc import Mapping

from vigil.emulator.composite import parse_rule
from vigil.emulator.engine import evaluate_composite
from vigil.emulator.errors import EvaluateError
from vigil.emulator.timeline import Evaluation
from vigil.plan.types import NO_ACTIONS, CompositeAlarmPlan
from vigil.spec.models.common import Severity


def children(rule: str) -> tuple[str, ...]:
    """The alarm names a raw rule reads (raises :class:`EvaluateError` when the rule does not parse)."""
    return parse_rule(rule).children()


def evaluate_raw(
    evaluation: Evaluation, composites: Mapping[str, str], names: Mapping[str, str], start: int, end: int
) -> None:
    """Add a timeline per raw composite to ``evaluation``; ``names`` maps spec names to physical ones."""
    aliased = dict(evaluation.timelines)
    for spec, physical in names.items():
        if physical in evaluation.timelines:
            aliased.setdefault(spec, evaluation.timelines[physical])
    for name, rule in composites.items():
        plan = CompositeAlarmPlan(name, "composite", Severity.P4, "", rule, children(rule), NO_ACTIONS)
        try:
            evaluation.timelines[name] = evaluate_composite(plan, aliased, start, end)
        except EvaluateError as exc:
            raise EvaluateError(f"composite {name}: {exc}") from exc
        aliased[name] = evaluation.timelines[name]
