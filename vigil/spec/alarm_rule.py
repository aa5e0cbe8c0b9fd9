"""Render a composite rule tree into CloudWatch's ``AlarmRule`` grammar: the ONE renderer.

The plan renders with physical names (:func:`vigil.plan.alarm_rules.render_rule`) and ``vigil check`` measures the
length CloudWatch limits with it (:func:`vigil.spec.rules.alarm_limits.rule_text`), so the two cannot disagree.

``resolve`` says what a name in the rule stands for: one alarm, the page alarms of an SLO (``group``: their OR),
or nothing (``Ref(())``: the alarm does not exist in this stack, so it is never in any state).

- ``ALARM(x)`` / ``OK(x)`` / ``INSUFFICIENT_DATA(x)`` of an absent alarm is ``FALSE``;
- ``AT_LEAST(k, STATE, (...))`` drops absent operands and adjusts ``k`` so the rule keeps its meaning: an absent
  alarm never counts for ``STATE`` and always counts for ``NOT STATE``. When no choice of the present alarms can
  (or every choice must) satisfy it, the rule is ``FALSE`` (``TRUE``).

Example::

    >>> from vigil.spec.models.rules import AnyOf, AtLeast
    >>> names = {"w1": Ref(("p-w1",)), "w2": Ref(("p-w2",)), "w3": Ref(()), "api": Ref(("p-a5", "p-a30"), group=True)}
    >>> render_alarm_rule(AnyOf(any=("api", AtLeast(at_least=2, of=("w1", "w2", "w3")))), names.__getitem__)
    ('((ALARM("p-a5") OR ALARM("p-a30")) OR AT_LEAST(2, ALARM, (p-w1, p-w2)))', ('p-a5', 'p-a30', 'p-w1', 'p-w2'))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vigil.spec.models.rules import AlarmState, AllOf, AnyOf, AtLeast, NotRule, Rule


@dataclass(frozen=True)
class Ref:
    """What one name in a rule stands for: physical alarm names; ``group``: an SLO (the OR of its page alarms)."""

    names: tuple[str, ...]
    group: bool = False


class RuleRenderError(ValueError):
    """A rule CloudWatch cannot express (e.g. an SLO as one ``AT_LEAST`` operand)."""


def render_alarm_rule(rule: Rule, resolve: Callable[[str], Ref]) -> tuple[str, tuple[str, ...]]:
    """The ``AlarmRule`` text and the physical alarm names it references, in first-use order."""
    children: list[str] = []

    def state(name: str, value: str) -> str:
        ref = resolve(name)
        if not ref.names:
            return "FALSE"
        children.extend(ref.names)
        if ref.group:
            return "(" + " OR ".join(f'{value}("{n}")' for n in ref.names) + ")"
        return f'{value}("{ref.names[0]}")'

    def at_least(node: AtLeast) -> str:
        present: list[str] = []
        for name in node.of:
            ref = resolve(name)
            if ref.group:
                raise RuleRenderError(f"at_least counts alarms, and {name!r} stands for several (an SLO)")
            present.extend(ref.names)
        absent = len(node.of) - len(present)
        if absent == 0:
            children.extend(present)
            return f"AT_LEAST({node.threshold_text()}, {node.state}, ({', '.join(present)}))"
        needed = node.needed(len(node.of)) - (absent if node.state.startswith("NOT ") else 0)
        if needed <= 0:
            return "TRUE"
        if needed > len(present):
            return "FALSE"
        children.extend(present)
        return f"AT_LEAST({needed}, {node.state}, ({', '.join(present)}))"

    def render(node: Rule) -> str:
        if isinstance(node, str):
            return state(node, "ALARM")
        if isinstance(node, AlarmState):
            return state(node.alarm, node.state)
        if isinstance(node, AllOf):
            return "(" + " AND ".join(render(r) for r in node.all) + ")"
        if isinstance(node, AnyOf):
            return "(" + " OR ".join(render(r) for r in node.any) + ")"
        if isinstance(node, NotRule):
            return f"NOT {render(node.not_)}"
        return at_least(node)

    text = render(rule)
    return text, tuple(dict.fromkeys(children))
