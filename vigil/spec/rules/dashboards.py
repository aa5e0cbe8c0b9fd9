"""Rules on dashboards: metrics and alarms exist, CloudWatch widget limits, layout fits the grid."""

from __future__ import annotations

from vigil.spec import limits
from vigil.spec.errors import did_you_mean
from vigil.spec.models import AlarmStatusWidget, DashboardSpec, LogQueryWidget, MetricRef, TextWidget
from vigil.spec.models.common import unknown_placeholders
from vigil.spec.models.dashboards import GRID_WIDTH
from vigil.spec.rules.context import Context, budget_set, expression_ids, math_syntax_error, placeholder_message

MAX_WIDGETS = limits.DASHBOARD_WIDGETS.value
MAX_ALARMS_PER_WIDGET = limits.ALARM_WIDGET_ALARMS.value


def check_dashboards(ctx: Context) -> None:
    """Every dashboard of the project."""
    alarms = ctx.alarm_names()
    for name, dash in ctx.project.dashboards.items():
        total = sum(len(getattr(w, "metrics", ())) for w in dash.widgets)
        if (over := limits.DASHBOARD_METRICS.exceeded(total, "metrics across this dashboard's widgets")) is not None:
            ctx.report(("dashboard", name, ("widgets",)), f"{over}: split it into two dashboards")
        if len(dash.widgets) > MAX_WIDGETS:
            ctx.report(
                ("dashboard", name, ("widgets",)),
                f"{len(dash.widgets)} widgets; a CloudWatch dashboard holds at most {MAX_WIDGETS}",
            )
        for index, widget in enumerate(dash.widgets):
            fields = ("widgets", index)
            if widget.x is not None and widget.x + widget.width > GRID_WIDTH:
                ctx.report(
                    ("dashboard", name, (*fields, "x")),
                    f"x + width = {widget.x + widget.width} overflows the {GRID_WIDTH}-column grid",
                )
            if isinstance(widget, AlarmStatusWidget):
                for i, alarm in enumerate(widget.alarms):
                    if alarm not in alarms and not ctx.sources.is_broken("alarm", alarm):
                        ctx.report(
                            ("dashboard", name, (*fields, "alarms", i)),
                            f"unknown alarm '{alarm}'{did_you_mean(alarm, alarms)}",
                        )
            elif isinstance(widget, LogQueryWidget):
                _log_query(ctx, name, fields, widget)
            elif not isinstance(widget, TextWidget):
                _metrics(ctx, name, dash, index)


def _log_query(ctx: Context, name: str, fields: tuple[str | int, ...], widget: LogQueryWidget) -> None:
    for i, ns_name in enumerate(widget.namespaces):
        ns = ctx.project.namespaces.get(ns_name)
        if ns is None and ctx.sources.is_broken("namespace", ns_name):
            continue
        if ns is None or ns.log_group is None:
            hint = did_you_mean(ns_name, ctx.project.namespaces)
            ctx.report(
                ("dashboard", name, (*fields, "namespaces", i)),
                f"'{ns_name}' is not a namespace with a log group{hint}",
            )


def _metrics(ctx: Context, name: str, dash: DashboardSpec, index: int) -> None:
    widget = dash.widgets[index]
    metrics = getattr(widget, "metrics", ())
    limit = limits.widget_metrics(widget.type).value
    fields: tuple[str | int, ...] = ("widgets", index, "metrics")
    if len(metrics) > limit:
        ctx.report(
            ("dashboard", name, fields), f"{len(metrics)} metrics in one {widget.type} widget; the limit is {limit}"
        )
    ids = {m.id for m in metrics if m.id}
    for i, entry in enumerate(metrics):
        if entry.expression is not None:
            if unknown_placeholders(entry.expression):
                ctx.report(("dashboard", name, (*fields, i, "expression")), placeholder_message(entry.expression))
            elif (syntax := math_syntax_error(entry.expression)) is not None:
                ctx.report(("dashboard", name, (*fields, i, "expression")), syntax)
            else:
                budget_set(ctx, ("dashboard", name, (*fields, i, "expression")), entry.expression)
                continue
            for ident in sorted(expression_ids(entry.expression) - ids):
                ctx.report(
                    ("dashboard", name, (*fields, i, "expression")),
                    f"expression uses '{ident}' but no metric in this widget has that id",
                )
            continue
        ref = MetricRef(
            namespace=entry.namespace or "",
            metric=entry.metric or "",
            dimensions=entry.dimensions,
            statistic=entry.statistic,
        )
        ctx.metric_ref(("dashboard", name, (*fields, i)), ref)
