"""Where each alarm name of a composite rule is written, so `vigil check` reports a reference at its own line.

>>> from vigil.spec.models.rules import AnyOf, AllOf, AlarmState
>>> rule_refs(AnyOf(any=(AllOf(all=("a", "b")), AlarmState(alarm="c", state="OK"))))
[('a', ('any', 0, 'all', 0)), ('b', ('any', 0, 'all', 1)), ('c', ('any', 1, 'alarm'))]
"""

from __future__ import annotations

from vigil.spec.models.rules import AlarmState, AllOf, AnyOf, AtLeast, NotRule, Rule

Path = tuple[str | int, ...]


def rule_refs(rule: Rule, path: Path = ()) -> list[tuple[str, Path]]:
    """Every alarm name of ``rule`` with its path under the rule (as written in YAML), in order."""
    if isinstance(rule, str):
        return [(rule, path)]
    if isinstance(rule, AlarmState):
        return [(rule.alarm, (*path, "alarm"))]
    if isinstance(rule, AtLeast):
        return [(name, (*path, "of", i)) for i, name in enumerate(rule.of)]
    if isinstance(rule, NotRule):
        return rule_refs(rule.not_, (*path, "not"))
    key, subs = ("all", rule.all) if isinstance(rule, AllOf) else ("any", rule.any)
    assert isinstance(rule, AllOf | AnyOf)
    return [ref for i, sub in enumerate(subs) for ref in rule_refs(sub, (*path, key, i))]
