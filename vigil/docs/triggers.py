"""Plain-language text of what the plan deploys: when an alarm fires, who it notifies, what a composite's rule is.

Everything here reads the plan (:class:`~vigil.plan.StackPlan`), never the YAML, so the text on-call reads in
runbooks, the catalog reference and dashboard text widgets says what ``pulumi up`` creates, overrides included.

Example::

    >>> from vigil.plan import MetricAlarmPlan, MetricStatPlan, ActionsPlan  # doctest: +SKIP
    >>> trigger_text(plan.alarms.metric_alarms[0], names)  # doctest: +SKIP
    '`llm.cost_usd` Sum (Vigil/Worker) per 15 min > 2.5 in one period; missing data: notBreaching'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from vigil.plan import CompositeAlarmPlan, MetricAlarmPlan, MetricQueryPlan, MetricStatPlan, StackPlan

OPERATORS = {
    "GreaterThanThreshold": ">",
    "GreaterThanOrEqualToThreshold": ">=",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "<=",
}
BANDS = {
    "GreaterThanUpperThreshold": "above the upper edge of",
    "LessThanLowerThreshold": "below the lower edge of",
    "LessThanLowerOrGreaterThanUpperThreshold": "outside",
}
_BAND = re.compile(r"ANOMALY_DETECTION_BAND\(\s*(\w+)\s*(?:,\s*([\d.]+))?\s*\)")
_CHILD = re.compile(r'ALARM\("([^"]+)"\)')
#: Dimensions every Vigil metric carries; left out of the text.
_COMMON_DIMENSIONS = frozenset({"Service", "Environment"})

#: Maps a physical alarm name to the name on-call knows (the spec name).
ShortName = Callable[[str], str]


def duration(seconds: int) -> str:
    """``60 -> '1 min'``, ``3600 -> '1 h'``, ``86400 -> '1 d'``, ``30 -> '30 s'``.

    >>> [duration(s) for s in (30, 60, 900, 3600, 5400, 86400)]
    ['30 s', '1 min', '15 min', '1 h', '90 min', '1 d']
    """
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def number(value: float | None) -> str:
    """A threshold as written in the spec (``5.0 -> '5'``).

    >>> number(5.0), number(0.0144), number(None)
    ('5', '0.0144', '?')
    """
    return "?" if value is None else f"{value:g}"


def series(metric: MetricStatPlan) -> str:
    """``queue.depth`` Average (Vigil/Worker, Mode=genius): one metric with its statistic and its own dimensions."""
    extra = [f"{k}={v}" for k, v in sorted(metric.dimensions.items()) if k not in _COMMON_DIMENSIONS]
    return f"`{metric.metric_name}` {metric.stat} ({', '.join([metric.namespace, *extra])})"


def _math(queries: tuple[MetricQueryPlan, ...], expression: str) -> str:
    parts = [
        f"{q.id} = {series(q.metric)}"
        for q in queries
        if q.metric is not None and re.search(rf"\b{q.id}\b", expression)
    ]
    return f"`{expression}` with {'; '.join(parts)}" if parts else f"`{expression}`"


def window(alarm: MetricAlarmPlan, period: int) -> str:
    """How many periods must breach: ``in 5 consecutive periods of 1 min (5 min)``, ``in 2 of the last 3 periods of 1 min``."""
    n, m = alarm.evaluation_periods, alarm.datapoints_to_alarm or alarm.evaluation_periods
    if n == 1:
        return f"in one period of {duration(period)}"
    if m == n:
        return f"in {n} consecutive periods of {duration(period)} ({duration(n * period)})"
    return f"in {m} of the last {n} periods of {duration(period)}"


def _period(alarm: MetricAlarmPlan) -> int:
    if alarm.metric is not None:
        return alarm.metric.period
    return next((q.metric.period for q in alarm.metric_queries if q.metric is not None), 60)


def trigger_text(alarm: MetricAlarmPlan) -> str:
    """When a metric alarm goes to ALARM, in one sentence read from the plan."""
    period = _period(alarm)
    if alarm.threshold_metric_id is not None:  # anomaly detection: compare with a band
        band = next((q for q in alarm.metric_queries if q.id == alarm.threshold_metric_id), None)
        found = _BAND.search(band.expression or "") if band is not None else None
        width = found.group(2) or "2" if found else "?"
        watched = next((q for q in alarm.metric_queries if found and q.id == found.group(1)), None)
        what = series(watched.metric) if watched is not None and watched.metric is not None else "the series"
        place = BANDS.get(alarm.comparison_operator, alarm.comparison_operator)
        condition = f"{what} per {duration(period)} {place} its anomaly band (width {width} standard deviations)"
    else:
        operator = OPERATORS.get(alarm.comparison_operator, alarm.comparison_operator)
        if alarm.metric is not None:
            watched_text = series(alarm.metric)
        else:
            shown = next((q for q in alarm.metric_queries if q.return_data and q.expression), None)
            watched_text = _math(alarm.metric_queries, shown.expression or "") if shown else "the expression"
        condition = f"{watched_text} per {duration(period)} {operator} {number(alarm.threshold)}"
    return f"{condition} {window(alarm, period)}; missing data: {alarm.treat_missing_data}"


def rule_text(
    composite: CompositeAlarmPlan, short: ShortName, expand: Mapping[str, MetricAlarmPlan] | None = None
) -> str:
    """A composite's rule with the names on-call knows: ``api-error-rate-5m OR (... AND ...)``.

    Children in ``expand`` (an SLO's hidden window alarms) are replaced by their trigger text.

    >>> c = CompositeAlarmPlan("x-p", "composite", "P1", "", 'ALARM("x-a") OR ALARM("x-b")', ("x-a", "x-b"), None)  # doctest: +SKIP
    """
    expand = expand or {}

    def name(match: re.Match[str]) -> str:
        child = match.group(1)
        if child in expand:
            return f"[{trigger_text(expand[child])}]"
        return f"`{short(child)}`"

    text = _CHILD.sub(name, composite.alarm_rule)
    if text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1]
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def composite_text(composite: CompositeAlarmPlan, plan: StackPlan, short: ShortName) -> str:
    """When a composite fires: its rule, SLO windows spelled out, and its suppressor."""
    hidden = {a.name: a for a in plan.alarms.metric_alarms if a.kind == "slo-window"}
    windows = [hidden[c] for c in composite.children if c in hidden]
    if composite.kind == "slo" and windows and len(windows) == len(composite.children):
        text = burn_text(windows)
    else:
        text = rule_text(composite, short, hidden)
    if composite.suppressor is not None:
        s = composite.suppressor
        text += (
            f"; suppressed while `{short(s.alarm)}` is in ALARM (and {duration(s.extension_period)} after, "
            f"{duration(s.wait_period)} grace)"
        )
    return text


def burn_text(windows: list[MetricAlarmPlan]) -> str:
    """An SLO burn-rate pair: one ratio above one threshold over every window (``over 5 min and over 1 h``)."""
    first = windows[0]
    shown = next((q for q in first.metric_queries if q.return_data and q.expression), None)
    ratio = _math(first.metric_queries, shown.expression or "") if shown else "the error ratio"
    operator = OPERATORS.get(first.comparison_operator, first.comparison_operator)
    spans = " and over the last ".join(duration(_period(w)) for w in windows)
    thresholds = {number(w.threshold) for w in windows}
    limit = thresholds.pop() if len(thresholds) == 1 else "/".join(number(w.threshold) for w in windows)
    return f"{ratio} {operator} {limit} over the last {spans}; missing data: {first.treat_missing_data}"


def parents(plan: StackPlan, name: str) -> list[str]:
    """Composites that list the physical alarm ``name`` as a child."""
    return [c.name for c in plan.alarms.composite_alarms if name in c.children]


def routing_text(alarm: MetricAlarmPlan | CompositeAlarmPlan, plan: StackPlan, short: ShortName) -> str:
    """Who the alarm notifies in this stack: the topic's subscribers and chat channels, or the composite it feeds."""
    actions = alarm.actions
    if not actions.alarm or actions.severity is None:
        above = parents(plan, alarm.name)
        via = ", ".join(f"`{short(p)}`" for p in above)
        return f"no notification of its own (feeds {via})" if via else "no notification"
    if actions.target == "delivery":
        delivery = plan.routing.delivery
        kinds = sorted({s.kind for s in delivery.subscriptions}) if delivery else []
        return f"the delivery-failure topic ({', '.join(kinds) or 'no subscribers'})"
    topic = plan.routing.topic(actions.severity)
    people = sorted({s.kind for s in topic.subscriptions}) if topic is not None else []
    chats = [c.name for c in plan.routing.chat_channels if actions.severity in c.severities]
    chat = [f"chat {short(c)}" for c in chats]
    reached = ", ".join([*people, *chat]) or "nobody (the topic has no subscribers)"
    return f"{actions.severity.value} topic: {reached}"


def automations_text(alarm: MetricAlarmPlan | CompositeAlarmPlan) -> str:
    """What the alarm does by itself (``actions:``), or ``""``: scaling, OpsItems, Lambda invocations.

    >>> from vigil.plan.alarm_actions import AlarmActionPlan
    >>> from vigil.plan.types import NO_ACTIONS
    >>> a = MetricAlarmPlan("x", "static", "P2", "", "GreaterThanThreshold", 1, None, "missing", NO_ACTIONS,
    ...     automations=(AlarmActionPlan("ops_item", "ALARM", "arn:aws:ssm:us-east-1:1:opsitem:2#CATEGORY=Cost"),))
    >>> automations_text(a)
    'opens an OpsCenter OpsItem (severity 2, Cost)'
    """
    parts: list[str] = []
    for action in alarm.automations:
        on = "" if action.state == "ALARM" else f" on {action.state}"
        if action.policy is not None and action.target is not None:
            p, t = action.policy, action.target
            cluster_service = p.resource_id.removeprefix("service/")
            parts.append(
                f"scales ECS service {cluster_service} by {p.scaling_adjustment:+d} tasks, again after each "
                f"{duration(p.cooldown)} cooldown while in {action.state} "
                f"(within {t.min_capacity}..{t.max_capacity} tasks)"
            )
        elif action.kind == "ops_item" and action.arn:
            severity, _, category = action.arn.rsplit(":", 1)[-1].partition("#CATEGORY=")
            parts.append(f"opens an OpsCenter OpsItem{on} (severity {severity}{', ' + category if category else ''})")
        elif action.kind == "restart" and action.restart:
            parts.append(f"restarts ECS service {action.restart} (a new deployment, by Vigil's restart function)")
        elif action.kind == "lambda" and action.arn:
            parts.append(f"invokes Lambda {action.arn.split(':function:', 1)[-1]}{on}")
    return "; ".join(parts)
