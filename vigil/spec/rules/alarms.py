"""Rules on alarms and SLOs: catalog references, CloudWatch API limits, composite rules."""

from __future__ import annotations

import re
from typing import Any

from vigil.spec import enums, metric_math
from vigil.spec.errors import did_you_mean
from vigil.spec.math_parser import MathSyntaxError
from vigil.spec.models import (
    AnomalyAlarm,
    AtLeast,
    CanaryAlarm,
    CompositeAlarm,
    HeartbeatAlarm,
    MathAlarm,
    MetricRef,
    ProbeAlarm,
    Rule,
    StaticAlarm,
)
from vigil.spec.models.common import render_template
from vigil.spec.models.rules import rule_names, walk
from vigil.spec.rule_paths import rule_refs
from vigil.spec.rules.alarm_limits import check_composite_limits, check_generated_names, check_metric_periods
from vigil.spec.rules.context import Context, Where, budget_set
from vigil.spec.slo import page_alarm_names

DAY = 86_400
_PERCENTILE = re.compile(r"^p\d+(\.\d+)?$")
WEEK = 7 * DAY


def check_period(
    ctx: Context, where: Where, period: int, evaluation: int, datapoints: int | None, high_res: bool
) -> None:
    """CloudWatch's period, evaluation-range and datapoint rules for one alarm."""
    kind, name, fields = where
    if period not in (10, 20, 30) and period % 60:
        ctx.report(
            (kind, name, (*fields, "period")), f"period {period} s is invalid: use 10, 20, 30 or a multiple of 60"
        )
    elif period < 60 and not high_res:
        ctx.report(
            (kind, name, (*fields, "period")),
            f"period {period} s needs a high-resolution metric (resolution: 1); this one is stored at 60 s",
        )
    limit = DAY if period < 3600 else WEEK
    if period * evaluation > limit:
        ctx.report(
            (kind, name, (*fields, "evaluation_periods")),
            f"period x evaluation_periods = {period * evaluation} s exceeds CloudWatch's {limit} s "
            f"({'1 day for periods under 1 hour' if limit == DAY else '7 days'})",
        )
    if datapoints is not None and datapoints > evaluation:
        ctx.report(
            (kind, name, (*fields, "datapoints_to_alarm")),
            f"datapoints_to_alarm ({datapoints}) exceeds evaluation_periods ({evaluation})",
        )


def _static(ctx: Context, name: str, alarm: StaticAlarm) -> None:
    if alarm.evaluate_low_sample_count_percentile is not None and not _PERCENTILE.match(alarm.metric.statistic):
        ctx.report(
            ("alarm", name, ("evaluate_low_sample_count_percentile",)),
            f"applies to percentile statistics (p90, p99.9) only, and this alarm uses {alarm.metric.statistic}: "
            "remove it",
        )
    metric = ctx.metric_ref(("alarm", name, ("metric",)), alarm.metric)
    if metric is None:
        return
    unit = alarm.unit or metric.unit
    if alarm.unit is not None and metric.unit in enums.units():  # an unknown metric unit is reported in metrics/
        _threshold_unit(ctx, name, alarm, metric.unit)
    if unit == "Percent" and not 0 <= alarm.threshold <= 100 and alarm.metric.statistic != "SampleCount":
        ctx.report(
            ("alarm", name, ("threshold",)), f"threshold {alarm.threshold} is outside 0-100 for a Percent metric"
        )
    if unit in ("Count", "Percent") and alarm.threshold < 0:
        ctx.report(
            ("alarm", name, ("threshold",)),
            f"a {unit} metric is never negative; threshold {alarm.threshold} always breaches or never does",
        )


#: Statistics whose value is not in the metric's unit (a count of samples, a percentage of them).
_UNITLESS = ("SampleCount", "TC", "tc", "PR")


def _threshold_unit(ctx: Context, name: str, alarm: StaticAlarm, metric_unit: str) -> None:
    """``unit:`` says what the threshold is written in; the plan converts it to the metric's unit (time units only)."""
    assert alarm.unit is not None
    where: Where = ("alarm", name, ("unit",))
    if alarm.unit == metric_unit:
        return
    if enums.unit_family(alarm.unit) != enums.unit_family(metric_unit):
        ctx.report(where, f"threshold unit {alarm.unit} is not compatible with the metric's unit {metric_unit}")
    elif alarm.metric.statistic.startswith(_UNITLESS):
        ctx.report(
            where,
            f"statistic {alarm.metric.statistic} is a count or a percentage, not a value in {metric_unit}: "
            "remove `unit:`",
        )
    elif enums.convert(alarm.threshold, alarm.unit, metric_unit) is None:
        ctx.report(
            where,
            f"Vigil converts thresholds between time units only, not {alarm.unit} to {metric_unit} (CloudWatch does "
            f"not define a Kilobyte as 1,000 or 1,024 Bytes): write the threshold in {metric_unit} and remove `unit:`",
        )


def _math(ctx: Context, name: str, alarm: MathAlarm) -> None:
    for ident, ref in alarm.metrics.items():
        ctx.metric_ref(("alarm", name, ("metrics", ident)), ref)
    where: Where = ("alarm", name, ("expression",))
    try:
        tree = metric_math.parse(render_template(alarm.expression, environment="x", ai_daily_budget_usd=1.0))
    except MathSyntaxError as exc:
        ctx.report(where, f"{exc}: {alarm.expression}")
        return
    if alarm.enabled:
        budget_set(ctx, where, alarm.expression)
    used = set(metric_math.ids(tree))
    for ident in sorted(used - set(alarm.metrics)):
        ctx.report(where, f"expression uses '{ident}' but no metric has that id{did_you_mean(ident, alarm.metrics)}")
    for problem in metric_math.alarm_problems(tree):
        ctx.report(where, f"{problem.message} (column {problem.column})", problem.severity)
    used |= metric_math.metrics_matched(tree, alarm.metrics)
    for ident in sorted(set(alarm.metrics) - used):
        ctx.report(("alarm", name, ("metrics", ident)), f"metric id '{ident}' is not used in the expression", "warning")


def _comparison(ctx: Context, name: str, alarm: Any) -> None:
    op = alarm.comparison
    if op not in enums.comparison_operators():
        ctx.report(
            ("alarm", name, ("comparison",)),
            f"unknown comparison '{op}'{did_you_mean(op, enums.comparison_operators())}",
        )
    elif "Upper" in op or "Lower" in op:
        ctx.report(("alarm", name, ("comparison",)), f"'{op}' only applies to anomaly detection alarms (kind: anomaly)")


def _metric_alarm(ctx: Context, name: str, alarm: Any) -> None:
    if isinstance(alarm, StaticAlarm):
        _static(ctx, name, alarm)
    if isinstance(alarm, MathAlarm):
        _math(ctx, name, alarm)
    if isinstance(alarm, AnomalyAlarm | HeartbeatAlarm):
        ctx.metric_ref(("alarm", name, ("metric",)), alarm.metric)
    if isinstance(alarm, StaticAlarm | MathAlarm):
        _comparison(ctx, name, alarm)
    if isinstance(alarm, HeartbeatAlarm) and alarm.metric.statistic not in ("Sum", "SampleCount"):
        ctx.report(
            ("alarm", name, ("metric", "statistic")),
            f"a heartbeat counts datapoints: use Sum or SampleCount, not {alarm.metric.statistic}",
        )
    check_period(
        ctx,
        ("alarm", name, ()),
        alarm.period,
        alarm.evaluation_periods,
        alarm.datapoints_to_alarm,
        _high_res(ctx, alarm),
    )
    check_metric_periods(ctx, name, alarm)


def _high_res(ctx: Context, alarm: Any) -> bool:
    refs: list[MetricRef] = list(alarm.metrics.values()) if isinstance(alarm, MathAlarm) else [alarm.metric]
    for ref in refs:
        ns = ctx.project.namespaces.get(ref.namespace)
        metric = ns.metrics.get(ref.metric) if ns else None
        if metric is not None and metric.resolution != 1:
            return False  # an unknown or invalid metric is reported where it is referenced or declared
    return True


def _composites(ctx: Context) -> None:
    known = ctx.alarm_names()
    graph: dict[str, set[str]] = {}
    for name, alarm in ctx.project.alarms.items():
        if not isinstance(alarm, CompositeAlarm):
            continue
        refs = rule_refs(alarm.rule)
        graph[name] = {ref for ref, _ in refs}
        for ref, path in refs:
            target = ctx.project.alarms.get(ref) or ctx.project.slos.get(ref)
            if ref not in known and not ctx.sources.is_broken("alarm", ref):
                ctx.report(
                    ("alarm", name, ("rule", *path)),
                    f"rule references unknown alarm '{ref}'{did_you_mean(ref, known)}",
                )
            elif target is not None and not target.enabled and alarm.enabled:
                ctx.report(
                    ("alarm", name, ("rule", *path)),
                    f"rule references '{ref}', which is disabled in this stack: it counts as never in ALARM here",
                    "warning",
                )
        _at_least_operands(ctx, name, alarm.rule)
    for cycle in find_cycles(graph):
        ctx.report(("alarm", cycle[0], ("rule",)), f"composite rules form a cycle: {' -> '.join(cycle)}")


def _at_least_operands(ctx: Context, name: str, rule: Rule) -> None:
    """``AT_LEAST`` counts alarms: an SLO (which stands for several page alarms) cannot be one operand."""
    for node in walk(rule):
        if isinstance(node, AtLeast):
            for ref in node.of:
                if ref in ctx.project.slos and ref not in ctx.project.alarms:
                    ctx.report(
                        ("alarm", name, ("rule",)),
                        f"at_least counts alarms, and '{ref}' is an SLO (it stands for several page alarms): "
                        "name the alarms to count, or test the SLO with `any:`",
                    )


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Cycles closed by the back edges of one depth-first search, in O(nodes + edges).

    Every graph with a cycle yields at least one (enumerating every path instead took minutes for 60
    layered composites).

    >>> find_cycles({"x": {"y", "cpu"}, "y": {"x"}, "z": {"y"}})
    [['x', 'y', 'x']]
    """
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []
    for root in sorted(graph):
        if root in state:
            continue
        state[root] = 1
        path = [root]
        stack = [iter(sorted(graph[root]))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif nxt in graph and state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt in graph and nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph[nxt])))
    return cycles


def _slos(ctx: Context) -> None:
    for name, slo in ctx.project.slos.items():
        bad = ctx.metric_ref(("slo", name, ("bad",)), slo.bad)
        total = ctx.metric_ref(("slo", name, ("total",)), slo.total)
        if bad and total and bad.unit != total.unit:
            ctx.report(
                ("slo", name, ("bad",)), f"bad ({bad.unit}) and total ({total.unit}) must be counted in the same unit"
            )
        differs = sorted(k for k, v in slo.total.dimensions.items() if slo.bad.dimensions.get(k) != v)
        if differs:
            ctx.report(
                ("slo", name, ("bad", "dimensions")),
                f"bad events must be a subset of total: give bad the same {', '.join(differs)} as total, "
                "or the ratio compares different traffic",
            )
        windows = [("page_windows", w) for w in slo.page_windows] + [("ticket_windows", w) for w in slo.ticket_windows]
        for index, (field, window) in enumerate(windows):
            i = index if field == "page_windows" else index - len(slo.page_windows)
            for side in ("short", "long"):
                seconds = getattr(window, side)
                if seconds % 60 or seconds > WEEK:
                    ctx.report(
                        ("slo", name, (field, i, side)),
                        f"window of {seconds} s must be a multiple of 60 and at most 7 days",
                    )
        if page_alarm_names(name, slo) == () and any(
            name in rule_names(a.rule) for a in ctx.project.alarms.values() if isinstance(a, CompositeAlarm)
        ):
            ctx.report(
                ("slo", name, ("page_windows",)), "a composite rule references this SLO, but it has no page windows"
            )


def check_alarms(ctx: Context) -> None:
    """Every alarm and SLO of the project."""
    for name, alarm in ctx.project.alarms.items():
        if not isinstance(alarm, CompositeAlarm | ProbeAlarm | CanaryAlarm):  # see vigil.spec.rules.alerting
            _metric_alarm(ctx, name, alarm)
    _composites(ctx)
    check_composite_limits(ctx)
    check_generated_names(ctx)
    _slos(ctx)
