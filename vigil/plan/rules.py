"""Composite alarm rules -> CloudWatch ``AlarmRule`` strings.

An alarm name stands for ``ALARM("name")``; an SLO name for the OR of its page-tier burn-rate alarms.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vigil.plan.errors import PlanError
from vigil.spec import limits
from vigil.spec.alarm_rule import Ref, RuleRenderError, render_alarm_rule
from vigil.spec.models.rules import Rule

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
