"""Composite alarm rules (a spec's ``rule``) -> CloudWatch ``AlarmRule`` strings.

Not ``vigil.spec.rules``, which are the validation rules of ``vigil check``.

An alarm name stands for ``ALARM("name")``; an SLO name for the OR of its page-tier burn-rate alarms.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from vigil.plan.errors import PlanError
from vigil.spec import limits
from vigil.spec.alarm_rule import Ref, RuleRenderError, render_alarm_rule
from vigil.spec.models import Project
from vigil.spec.models.alarms import CompositeAlarm
from vigil.spec.models.rules import Rule
from vigil.spec.slo import page_alarm_names

#: CloudWatch's limit on the length of an AlarmRule.
MAX_RULE_LENGTH = limits.ALARM_RULE_LENGTH.value


def render_rule(
    rule: Rule,
    *,
    alarm_names: Mapping[str, str],
    slo_alarms: Mapping[str, tuple[str, ...]],
    owner: str,
    absent: frozenset[str] = frozenset(),
) -> tuple[str, tuple[str, ...]]:
    """The rule string and the (physical) alarm names it references, in first-use order.

    ``alarm_names`` maps enabled spec names to physical names; ``slo_alarms`` maps SLO names to the
    physical names of their page alarms. ``owner`` names the composite alarm in error messages. ``absent`` names
    alarms that do not exist in this stack (disabled by its overrides, or ``traffic: expected``): a reference to
    one is ``FALSE`` here (it can never be in any state in this stack).

    >>> from vigil.spec.models.rules import AnyOf
    >>> rule = AnyOf(any=("worker-down", "api-availability"))
    >>> render_rule(rule, alarm_names={"worker-down": "worker-down"},
    ...             slo_alarms={"api-availability": ("a-5m", "a-30m")}, owner="platform-down")[0]
    '(ALARM("worker-down") OR (ALARM("a-5m") OR ALARM("a-30m")))'
    """

    where: dict[str, Any] = {"kind": "alarm", "name": owner, "fields": ("rule",)}

    def resolve(name: str) -> Ref:
        if name in slo_alarms:
            return Ref(slo_alarms[name], group=True)
        if name in alarm_names:
            return Ref((alarm_names[name],))
        if name in absent:
            return Ref(())
        raise PlanError(
            f"composite alarm {owner!r}: rule references {name!r}, which is not an enabled alarm or SLO", **where
        )

    try:
        text, children = render_alarm_rule(rule, resolve)
    except RuleRenderError as exc:
        raise PlanError(f"composite alarm {owner!r}: {exc}", **where) from exc
    if len(text) > MAX_RULE_LENGTH:
        raise PlanError(
            f"composite alarm {owner!r}: rule is {len(text)} characters, CloudWatch allows {MAX_RULE_LENGTH}",
            **where,
            limit=limits.ALARM_RULE_LENGTH,
        )
    return text, children


#: ``${rule:<composite>}`` in a dashboard text widget (and ``${rule}`` in a composite's description): the rule as
#: planned for the stack, in the alarm names on-call knows.
RULE_PLACEHOLDER = re.compile(r"\$\{rule:([A-Za-z0-9_.-]+)\}")
_ALARM_CALL = re.compile(r'ALARM\("([^"]+)"\)')


def rule_words(rule: str) -> str:
    """An ``AlarmRule`` in alarm names: ``ALARM("a") OR ALARM("b")`` -> ```a` OR `b```, outer parentheses dropped.

    >>> rule_words('(ALARM("worker-down") OR (ALARM("a-5m") AND NOT ALARM("b")))')
    '`worker-down` OR (`a-5m` AND NOT `b`)'
    """
    text = _ALARM_CALL.sub(lambda m: f"`{m.group(1)}`", rule)
    if text.startswith("(") and text.endswith(")"):
        depth = 0
        for char in text[1:-1]:
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth < 0:
                return text
        text = text[1:-1]
    return text


def composite_rule_words(project: Project, name: str) -> str:
    """The rule of composite ``name`` as this stack plans it, in spec names (SLOs as their page alarms).

    Alarms the stack does not deploy read ``FALSE``, as in the deployed rule.
    """
    alarm = project.alarms.get(name)
    if not isinstance(alarm, CompositeAlarm):
        raise PlanError(f"'{name}' is not a composite alarm; ${{rule:{name}}} names composite alarms only")
    enabled = project.enabled_alarms()
    slos = {n: page_alarm_names(n, slo) for n, slo in project.enabled_slos().items()}
    absent = frozenset(n for n in project.alarms if n not in enabled)
    rule, _ = render_rule(alarm.rule, alarm_names={n: n for n in enabled}, slo_alarms=slos, owner=name, absent=absent)
    return rule_words(rule) + absent_note(project, name)


def absent_note(project: Project, name: str) -> str:
    """`` (FALSE: `x` not deployed in this stack)`` for the alarms composite ``name`` names that the stack lacks."""
    alarm = project.alarms.get(name)
    if not isinstance(alarm, CompositeAlarm):
        return ""
    enabled = project.enabled_alarms()
    spec = json.dumps(alarm.rule) if isinstance(alarm.rule, str) else alarm.rule.model_dump_json()
    missing = sorted(n for n in project.alarms if n not in enabled and f'"{n}"' in spec)
    return f" (FALSE: {', '.join(f'`{n}`' for n in missing)} not deployed in this stack)" if missing else ""
