"""CloudWatch limits on alarms that the models cannot see alone: metric periods, composite rules, names.

- The period each metric is aggregated over (``metric.period`` overrides the alarm's) follows the same rules
  as the alarm's; the metrics of one math alarm share one period.
- A composite ``AlarmRule`` is at most 10,240 characters and names at most 100 alarms, and one alarm appears in
  at most 150 composite rules (PutCompositeAlarm); the length is computed exactly as the plan renders the
  rule (an SLO name stands for its page alarms).
- A static alarm must not take a name that an SLO generates (``<slo>-burn-5m-1h`` and its ``-short`` and
  ``-long`` children): two CloudWatch alarms cannot share a name.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from vigil.spec import limits
from vigil.spec.alarm_rule import Ref, RuleRenderError, render_alarm_rule
from vigil.spec.models import CompositeAlarm, MathAlarm, Rule
from vigil.spec.rules.context import Context
from vigil.spec.slo import expand_slo, page_alarm_names

MAX_RULE_LENGTH = limits.ALARM_RULE_LENGTH.value
MAX_RULE_ALARMS = limits.ALARM_RULE_ALARMS.value
MAX_PARENTS = limits.ALARM_PARENTS.value  # composite rules one alarm may appear in


def check_metric_periods(ctx: Context, name: str, alarm: Any) -> None:
    """Each ``metric.period`` / ``metrics.<id>.period`` of a metric alarm is a valid, consistent period."""
    from vigil.spec.rules.alarms import check_period

    refs = alarm.metrics.items() if isinstance(alarm, MathAlarm) else [(None, alarm.metric)]
    for ident, ref in refs:
        if ref.period is None:
            continue
        fields: tuple[Any, ...] = ("metrics", ident) if ident is not None else ("metric",)
        if isinstance(alarm, MathAlarm) and ref.period != alarm.period:
            ctx.report(
                ("alarm", name, (*fields, "period")),
                f"metric '{ident}' is aggregated over {ref.period} s but the alarm's period is {alarm.period} s: "
                "the metrics of a math alarm share the alarm's period; remove this 'period'",
            )
            continue
        high_res = _resolution(ctx, ref) == 1
        check_period(ctx, ("alarm", name, fields), ref.period, alarm.evaluation_periods, None, high_res)


def _resolution(ctx: Context, ref: Any) -> int | None:
    ns = ctx.project.namespaces.get(ref.namespace)
    metric = ns.metrics.get(ref.metric) if ns else None
    return metric.resolution if metric else None


def slo_page_alarms(ctx: Context) -> dict[str, tuple[str, ...]]:
    """What each SLO name stands for in a composite rule: its page-tier burn-rate alarms."""
    return {slo: page_alarm_names(slo, spec) for slo, spec in ctx.project.slos.items()}


def rule_text(rule: Rule, pages: dict[str, tuple[str, ...]]) -> tuple[int, set[str]]:
    """Length of the rendered ``AlarmRule`` and the physical alarm names it references (as the plan renders).

    >>> from vigil.spec.models.rules import AnyOf
    >>> size, names = rule_text(AnyOf(any=("worker-down", "api")), {"api": ("api-burn-5m-1h",)})
    >>> size, sorted(names)
    (51, ['api-burn-5m-1h', 'worker-down'])
    """

    def resolve(name: str) -> Ref:
        return Ref(pages[name], group=True) if name in pages else Ref((name,))

    try:
        text, names = render_alarm_rule(rule, resolve)
    except RuleRenderError:
        return 0, set()  # an SLO counted by at_least: reported by the composite rules check
    return len(text), set(names)


def check_composite_limits(ctx: Context) -> None:
    """Rule length and the number of alarms a composite names."""
    pages = slo_page_alarms(ctx)
    parents: Counter[str] = Counter()
    for name, alarm in ctx.project.alarms.items():
        if not isinstance(alarm, CompositeAlarm):
            continue
        size, names = rule_text(alarm.rule, pages)
        if size > MAX_RULE_LENGTH:
            ctx.report(
                ("alarm", name, ("rule",)),
                f"the rule renders to {size} characters; CloudWatch allows {MAX_RULE_LENGTH}: "
                "split it into composites of composites",
            )
        if len(names) > MAX_RULE_ALARMS:
            ctx.report(
                ("alarm", name, ("rule",)),
                f"the rule names {len(names)} alarms (SLOs count as their page alarms); CloudWatch allows "
                f"{MAX_RULE_ALARMS} per composite: group them into intermediate composites",
            )
        parents.update(names)
    for child, count in sorted(parents.items()):
        if count > MAX_PARENTS and child in ctx.project.alarms:
            ctx.report(
                ("alarm", child, ()),
                f"alarm '{child}' appears in {count} composite rules; CloudWatch allows {MAX_PARENTS}: "
                "reference an intermediate composite instead",
            )


def check_generated_names(ctx: Context) -> None:
    """No alarm spec takes a name an SLO generates."""
    generated: dict[str, str] = {}
    for slo_name, slo in ctx.project.slos.items():
        for burn in expand_slo(slo_name, slo):
            for physical in (burn.name, burn.short_name, burn.long_name):
                generated.setdefault(physical, slo_name)
    for name in ctx.project.alarms:
        if name in generated:
            ctx.report(
                ("alarm", name, ()),
                f"alarm name '{name}' is also the name of an alarm that SLO '{generated[name]}' generates; "
                "CloudWatch alarm names are unique: rename the alarm",
            )
