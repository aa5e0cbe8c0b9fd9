"""Dashboard bodies: the typed widget models rendered to CloudWatch's dashboard body JSON.

The body is deterministic (sorted keys, no spaces), laid out on the 24-column grid by
:func:`vigil.plan.layout.layout`, and checked against CloudWatch's limits.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from vigil.plan.alarm_rules import RULE_PLACEHOLDER, composite_rule_words
from vigil.plan.errors import PlanError
from vigil.plan.layout import Box, layout
from vigil.plan.naming import Naming
from vigil.plan.types import DashboardPlan, StackContext
from vigil.spec import limits
from vigil.spec.models.alarms import HeartbeatAlarm
from vigil.spec.models.dashboards import (
    AlarmStatusWidget,
    DashboardSpec,
    GaugeWidget,
    LogQueryWidget,
    MetricGraphWidget,
    SingleValueWidget,
    TextWidget,
    Threshold,
    Widget,
    WidgetMetric,
)
from vigil.spec.models.project import Project
from vigil.spec.slo import page_alarm_names

Json = dict[str, Any]
#: ``${dashboard:<name>}`` in a text widget: a console link to that dashboard as this stack names it (drill-down).
DASHBOARD_PLACEHOLDER = re.compile(r"\$\{dashboard:([A-Za-z0-9_.-]+)\}")


def dashboard_url(region: str, name: str) -> str:
    """The console URL of a dashboard.

    >>> dashboard_url("eu-west-1", "overview")
    'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards:name=overview'
    """
    return f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#dashboards:name={name}"


def _threshold(t: Threshold) -> Json:
    """A threshold as CloudWatch's horizontal annotation (``fill`` only when it shades a band).

    >>> _threshold(Threshold(value=5, color="#d62728", fill="above", label="red"))
    {'value': 5.0, 'color': '#d62728', 'fill': 'above', 'label': 'red'}
    """
    out: Json = {"value": t.value}
    if t.color:
        out["color"] = t.color
    if t.fill != "none":
        out["fill"] = t.fill
    if t.label:
        out["label"] = t.label
    return out


@dataclass(frozen=True)
class _Renderer:
    ctx: StackContext
    names: Naming
    project: Project
    owner: str

    def at(self, w: Widget, *fields: str) -> dict[str, Any]:
        """Where widget ``w`` of this dashboard is in the spec (for a located :class:`PlanError`)."""
        widgets = self.project.dashboards[self.owner].widgets if self.owner in self.project.dashboards else []
        index = next((i for i, x in enumerate(widgets) if x is w), None)
        path = ("widgets", index, *fields) if index is not None else ("widgets",)
        return {"kind": "dashboard", "name": self.owner, "fields": path}

    def metric_line(self, m: WidgetMetric) -> list[Any]:
        options: Json = {"label": m.label} if m.label else {}
        if m.id:
            options["id"] = m.id
        if not m.visible:
            options["visible"] = False
        if m.expression is not None:  # SEARCH() filters may name ${environment}
            try:
                expression = self.ctx.render(m.expression)
            except ValueError as exc:
                raise PlanError(f"dashboard {self.owner!r}: stack {self.ctx.stack!r}: {exc}") from None
            return [{"expression": expression, **options}]
        options["stat"] = m.statistic
        if m.period:
            options["period"] = m.period
        namespace, metric = m.namespace or "", m.metric or ""  # both set: WidgetMetric's validator
        ns = self.project.namespaces.get(namespace)
        service = ns.service if ns else ""
        line: list[Any] = [namespace, metric]
        for key, value in sorted(m.dimensions.items()):
            line += [key, self.ctx.render(value, service)]
        return [*line, options]

    def metric(self, w: MetricGraphWidget | SingleValueWidget | GaugeWidget) -> Json:
        limit = limits.widget_metrics(w.type)
        if (over := limit.exceeded(len(w.metrics), "metrics in one widget")) is not None:
            raise PlanError(
                f"dashboard {self.owner!r}: widget {w.title!r}: {over}", **self.at(w, "metrics"), limit=limit
            )
        props: Json = {
            "metrics": [self.metric_line(m) for m in w.metrics],
            "region": self.ctx.region,
            "title": w.title,
            "period": w.period,
        }
        board = self.project.dashboards.get(self.owner)
        if board is not None and board.live_data:
            props["liveData"] = True
        horizontal: list[Json] = [_threshold(t) for t in getattr(w, "thresholds", ())]
        if isinstance(w, MetricGraphWidget):
            props.update(view=w.view, stacked=w.stacked)
            threshold = self.alarm_threshold(w.alarm)
            if threshold is not None:
                horizontal.insert(0, {"label": f"{w.alarm} threshold", "value": threshold})
            if w.y_min is not None:
                props["yAxis"] = {"left": {"min": w.y_min}}
        elif isinstance(w, SingleValueWidget):
            props.update(view="singleValue", sparkline=w.sparkline)
        else:
            props.update(view="gauge", yAxis={"left": {"min": w.min, "max": w.max}})
        if horizontal:
            props["annotations"] = {"horizontal": horizontal}
        return {"type": "metric", "properties": props}

    def alarm_threshold(self, name: str | None) -> float | None:
        """The threshold a graph labelled for alarm ``name`` draws (None when the stack does not deploy it)."""
        alarm = self.project.enabled_alarms().get(name) if name else None
        value = getattr(alarm, "threshold", None) if alarm is not None else None
        if isinstance(alarm, HeartbeatAlarm):
            value = alarm.min_count
        return float(value) if isinstance(value, int | float) else None

    def alarm(self, w: AlarmStatusWidget) -> Json:
        enabled_alarms, enabled_slos = self.project.enabled_alarms(), self.project.enabled_slos()
        names: list[str] = []
        for name in w.alarms:
            if name in enabled_slos:
                names += page_alarm_names(name, enabled_slos[name])
            elif name in enabled_alarms:
                names.append(name)
        if not names:
            return self.text(TextWidget(type="text", markdown=f"**{w.title}**: every alarm is disabled in this stack"))
        prefix = f"arn:aws:cloudwatch:{self.ctx.region}:{self.ctx.account_id}:alarm:"
        arns = [prefix + self.names.alarm_name(n) for n in dict.fromkeys(names)]
        return {"type": "alarm", "properties": {"alarms": arns, "title": w.title}}

    def log(self, w: LogQueryWidget) -> Json:
        sources: list[str] = []
        for namespace in w.namespaces:
            ns = self.project.namespaces.get(namespace)
            if ns is None or ns.log_group is None:
                raise PlanError(
                    f"dashboard {self.owner!r}: widget {w.title!r}: namespace {namespace!r} has no log group",
                    **self.at(w, "namespaces"),
                )
            sources.append(f"SOURCE '{self.names.log_group_name(ns.log_group.name)}'")
        query = " | ".join([*sources, w.query.strip()])
        return {
            "type": "log",
            "properties": {"query": query, "region": self.ctx.region, "title": w.title, "view": w.view},
        }

    def text(self, w: TextWidget) -> Json:
        """Markdown with each ``${rule:<composite>}`` replaced by that composite's rule as this stack plans it, and
        each ``${dashboard:<name>}`` by a relative console link to that dashboard (``#dashboards:name=...``)."""
        markdown = RULE_PLACEHOLDER.sub(lambda m: composite_rule_words(self.project, m.group(1)), w.markdown)
        markdown = DASHBOARD_PLACEHOLDER.sub(
            lambda m: f"#dashboards:name={self.names.dashboard_name(m.group(1))}", markdown
        )
        return {"type": "text", "properties": {"markdown": markdown}}

    def widget(self, w: Widget, box: Box) -> Json:
        body: Json
        if isinstance(w, MetricGraphWidget | SingleValueWidget | GaugeWidget):
            body = self.metric(w)
        elif isinstance(w, AlarmStatusWidget):
            body = self.alarm(w)
        elif isinstance(w, LogQueryWidget):
            body = self.log(w)
        else:
            body = self.text(w)
        return {**body, "x": box.x, "y": box.y, "width": box.width, "height": box.height}


def render_body(ctx: StackContext, names: Naming, project: Project, name: str, spec: DashboardSpec) -> str:
    """The dashboard body JSON of one dashboard spec."""
    total = sum(len(getattr(w, "metrics", ())) for w in spec.widgets)
    for limit, count, what in (
        (limits.DASHBOARD_WIDGETS, len(spec.widgets), "widgets"),
        (limits.DASHBOARD_METRICS, total, "metrics across the widgets"),
    ):
        if (over := limit.exceeded(count, what)) is not None:
            raise PlanError(
                f"dashboard {name!r}: {over}", kind="dashboard", name=name, fields=("widgets",), limit=limit
            )
    renderer = _Renderer(ctx, names, project, name)
    boxes = layout(list(spec.widgets))
    body = {
        "start": spec.start,
        "periodOverride": spec.period_override,
        "widgets": [renderer.widget(w, box) for w, box in zip(spec.widgets, boxes, strict=True)],
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"))
    if (over := limits.DASHBOARD_BODY_BYTES.exceeded(len(text.encode()), "bytes of rendered body")) is not None:
        raise PlanError(
            f"dashboard {name!r}: {over}: split it into two dashboards or shorten its texts and queries",
            kind="dashboard",
            name=name,
            fields=("widgets",),
            limit=limits.DASHBOARD_BODY_BYTES,
        )
    return text


def plan_dashboards(ctx: StackContext, names: Naming, project: Project) -> tuple[DashboardPlan, ...]:
    """One dashboard plan per dashboard spec, sorted by name.

    >>> from vigil.plan.stack import load_stack_plan
    >>> [d.url for d in load_stack_plan("tests/spec/good/minimal", "dev").plan.dashboards]
    ['https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards:name=vigil-dev-overview']
    """
    plans = []
    for spec_name, spec in sorted(project.dashboards.items()):
        name = names.dashboard_name(spec_name)
        body = render_body(ctx, names, project, spec_name, spec)
        plans.append(DashboardPlan(spec_name, name, body, len(spec.widgets), dashboard_url(ctx.region, name)))
    return tuple(plans)
