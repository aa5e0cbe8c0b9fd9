"""A graph labelled for an alarm (``alarm: queue-backlog``) shows what the alarm reads.

The graph must read every metric the alarm reads, with the same namespace, dimensions and statistic, and for a
math alarm the same expression (the graph's own metric ids renamed to the alarm's). Otherwise on-call compares the
alarm's threshold with a different line (a ``Maximum`` where the alarm sums ``Average``s).
"""

from __future__ import annotations

import re

from vigil.spec.models.alarms import HeartbeatAlarm, MathAlarm, MetricRef, StaticAlarm
from vigil.spec.models.dashboards import MetricGraphWidget, WidgetMetric
from vigil.spec.rules.context import Context

Key = tuple[str, str, tuple[tuple[str, str], ...], str]


def _key(namespace: str | None, metric: str | None, dimensions: dict[str, str], statistic: str) -> Key:
    return (namespace or "", metric or "", tuple(sorted(dimensions.items())), statistic)


def _ref_text(ref: MetricRef) -> str:
    dims = ", ".join(f"{k}={v}" for k, v in sorted(ref.dimensions.items()))
    return f"{ref.namespace} {ref.metric} {{{dims}}} {ref.statistic}"


def _normal(expression: str, rename: dict[str, str]) -> str:
    renamed = re.sub(r"\b[a-z][a-zA-Z0-9_]*\b", lambda m: rename.get(m.group(0), m.group(0)), expression)
    return re.sub(r"\s+", "", renamed)


def graph_problem(widget: MetricGraphWidget, alarm: object) -> str | None:
    """Why ``widget`` does not show what ``alarm`` reads, or None.

    >>> from vigil.spec.models.alarms import StaticAlarm  # doctest: +SKIP
    """
    lines = {_key(m.namespace, m.metric, dict(m.dimensions), m.statistic): m for m in widget.metrics if m.metric}
    if isinstance(alarm, StaticAlarm | HeartbeatAlarm):
        ref = alarm.metric
        if _key(ref.namespace, ref.metric, dict(ref.dimensions), ref.statistic) not in lines:
            return f"reads no line of what the alarm reads ({_ref_text(ref)})"
        return None
    if not isinstance(alarm, MathAlarm):
        return "names an alarm that is not static, heartbeat or math (only those have one series to show)"
    rename: dict[str, str] = {}
    for alarm_id, ref in sorted(alarm.metrics.items()):
        found: WidgetMetric | None = lines.get(_key(ref.namespace, ref.metric, dict(ref.dimensions), ref.statistic))
        if found is None:
            return f"does not read the alarm's '{alarm_id}' ({_ref_text(ref)})"
        if found.id:
            rename[found.id] = alarm_id
    want = _normal(alarm.expression, {})
    if not any(m.expression and _normal(m.expression, rename) == want for m in widget.metrics):
        return f"has no line with the alarm's expression {alarm.expression!r} (over the alarm's metrics)"
    return None


def check_widget_alarms(ctx: Context) -> None:
    """Every graph with ``alarm:`` shows that alarm's series."""
    for dash_name, dash in sorted(ctx.project.dashboards.items()):
        for index, widget in enumerate(dash.widgets):
            if not isinstance(widget, MetricGraphWidget) or widget.alarm is None:
                continue
            where = ("dashboard", dash_name, ("widgets", index, "alarm"))
            alarm = ctx.project.alarms.get(widget.alarm)
            if alarm is None:
                if not ctx.sources.is_broken("alarm", widget.alarm):
                    ctx.report(where, f"unknown alarm '{widget.alarm}'")
                continue
            problem = graph_problem(widget, alarm)
            if problem is not None:
                ctx.report(
                    where,
                    f"the graph is labelled for '{widget.alarm}' but {problem}; graph the alarm's own metrics, "
                    "statistics and expression so on-call compares its threshold with the line it evaluates",
                )
