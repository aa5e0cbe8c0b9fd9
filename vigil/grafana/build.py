"""CloudWatch dashboard bodies (from the plan) as Grafana dashboards on the CloudWatch data source.

Built with Grafana's own Python SDK (``grafana-foundation-sdk``, ``pip install 'vigil-monitoring[grafana]'``), one builder
per panel kind, so the JSON is what Grafana's schema expects rather than hand-written dictionaries.

Widget -> panel: metric graphs -> ``timeseries`` (stacked and y-axis minimum kept), single values -> ``stat``,
gauges -> ``gauge`` (min/max kept), Logs Insights widgets -> ``table`` (or ``timeseries``) with a CloudWatch
Logs query on the same log groups, text -> ``text`` (markdown). Alarm status widgets become a ``text`` panel
listing the alarms with console links: Grafana's CloudWatch data source cannot query alarm states.
Positions keep CloudWatch's 24-column grid (x, y, width, height in grid units).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, Protocol, Self, TypeVar
from urllib.parse import quote

from grafana_foundation_sdk.builders import cloudwatch, dashboard, gauge, stat, table, text, timeseries
from grafana_foundation_sdk.builders.common import StackingConfig
from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.cog import variants as cogvariants
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import cloudwatch as cw
from grafana_foundation_sdk.models import dashboard as dash
from grafana_foundation_sdk.models.common import StackingMode
from grafana_foundation_sdk.models.text import TextMode

from vigil.grafana.errors import GrafanaExportError
from vigil.plan.types import DashboardPlan

Panel = cogbuilder.Builder[dash.Panel]
Query = cogbuilder.Builder[cogvariants.Dataquery]

Json = dict[str, Any]
_SOURCE = re.compile(r"SOURCE\s+'([^']+)'\s*\|?\s*")


def metric_targets(metrics: Sequence[list[Any]], region: str, period: int, ds: dash.DataSourceRef) -> list[Query]:
    """One CloudWatch metrics query per metric line of a CloudWatch widget (``[ns, name, k, v, ..., {opts}]``)."""
    targets: list[Query] = []
    for index, line in enumerate(metrics):
        options: Json = line[-1] if line and isinstance(line[-1], dict) else {}
        fields = line[:-1] if options else line
        q = cloudwatch.CloudWatchMetricsQuery().datasource(ds).region(region)
        q = q.query_mode(cw.CloudWatchQueryMode.METRICS).ref_id(options.get("id") or f"q{index}")
        if "expression" in options:
            q = q.metric_query_type(cw.MetricQueryType.SEARCH).metric_editor_mode(cw.MetricEditorMode.CODE)
            q = q.expression(options["expression"]).id(options.get("id") or f"e{index}")
        else:
            dims: dict[str, str | list[str]] = {
                str(fields[i]): str(fields[i + 1]) for i in range(2, len(fields) - 1, 2)
            }
            q = q.metric_query_type(cw.MetricQueryType.SEARCH).metric_editor_mode(cw.MetricEditorMode.BUILDER)
            q = q.namespace(fields[0]).metric_name(fields[1]).dimensions(dims).match_exact(True)
            q = q.statistic(options.get("stat", "Average")).period(str(options.get("period", period)))
            if options.get("id"):
                q = q.id(options["id"])
        if options.get("label"):
            q = q.label(options["label"])
        if options.get("visible") is False:
            q = q.hide(True)
        targets.append(q)
    return targets


def _metric_panel(props: Json, ds: dash.DataSourceRef, place: _Place) -> Panel:
    period = int(props.get("period", 300))
    targets = metric_targets(props.get("metrics", []), props["region"], period, ds)
    left = props.get("yAxis", {}).get("left", {})
    view = props.get("view", "timeSeries")
    if view == "singleValue":
        return place(stat.Panel().datasource(ds).targets(targets))
    if view == "gauge":
        gauge_panel = gauge.Panel().datasource(ds).targets(targets)
        if left.get("min") is not None:
            gauge_panel = gauge_panel.min(left["min"])
        if left.get("max") is not None:
            gauge_panel = gauge_panel.max(left["max"])
        return place(gauge_panel)
    series = timeseries.Panel().datasource(ds).targets(targets)
    if props.get("stacked"):
        series = series.stacking(StackingConfig().mode(StackingMode.NORMAL))
    if left.get("min") is not None:
        series = series.min(left["min"])
    return place(series)


def _log_panel(props: Json, ds: dash.DataSourceRef, place: _Place) -> Panel:
    query = str(props.get("query", ""))
    groups = _SOURCE.findall(query)
    expression = _SOURCE.sub("", query).strip()
    q = cloudwatch.CloudWatchLogsQuery().datasource(ds).region(props.get("region", "default")).ref_id("A")
    q = q.query_mode(cw.CloudWatchQueryMode.LOGS).expression(expression).log_group_names(groups)
    q = q.log_groups([cloudwatch.LogGroup().name(g) for g in groups])
    if props.get("view") == "timeSeries":
        return place(timeseries.Panel().datasource(ds).targets([q]))
    return place(table.Panel().datasource(ds).targets([q]))


def _alarm_panel(props: Json, place: _Place) -> Panel:
    lines = ["CloudWatch alarm states are not queryable through Grafana's CloudWatch data source; open them:", ""]
    for arn in props.get("alarms", []):
        _, _, _, region, _, _, name = arn.split(":", 6)
        url = f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#alarmsV2:alarm/{quote(name)}"
        lines.append(f"- [{name}]({url})")
    return place(text.Panel().mode(TextMode.MARKDOWN).content("\n".join(lines)))


class _Placeable(Protocol):
    def title(self, title: str) -> Self: ...
    def id(self, id_val: int) -> Self: ...
    def grid_pos(self, grid_pos: dash.GridPos) -> Self: ...


P = TypeVar("P", bound=_Placeable)


class _Place:
    """Title, id and grid position of one widget, applied to whichever panel builder renders it."""

    def __init__(self, widget: Json, panel_id: int) -> None:
        self.widget, self.panel_id = widget, panel_id

    def __call__(self, panel: P) -> P:
        w = self.widget
        title = w.get("properties", {}).get("title")
        if title:
            panel = panel.title(title)
        grid = dash.GridPos(h=int(w["height"]), w=int(w["width"]), x=int(w["x"]), y=int(w["y"]))
        return panel.id(self.panel_id).grid_pos(grid)


def panel_for(widget: Json, ds: dash.DataSourceRef, panel_id: int) -> Panel:
    """The Grafana panel builder of one CloudWatch widget, titled, numbered and placed on the grid."""
    props: Json = widget.get("properties", {})
    kind = widget.get("type")
    place = _Place(widget, panel_id)
    if kind == "metric":
        return _metric_panel(props, ds, place)
    if kind == "log":
        return _log_panel(props, ds, place)
    if kind == "alarm":
        return _alarm_panel(props, place)
    if kind == "text":
        return place(text.Panel().mode(TextMode.MARKDOWN).content(props.get("markdown", "")))
    raise GrafanaExportError(f"widget type {kind!r} has no Grafana equivalent in vigil.grafana")


def grafana_dashboard(plan: DashboardPlan, *, datasource_uid: str = "cloudwatch", stack: str = "") -> Json:
    """The Grafana dashboard JSON of one planned CloudWatch dashboard.

    >>> board = grafana_dashboard(stack_plan.dashboards[0], datasource_uid="cw-prod")  # doctest: +SKIP
    >>> board["panels"][0]["targets"][0]["metricName"]  # doctest: +SKIP
    'http.requests'
    """
    body: Json = json.loads(plan.body)
    ds = dash.DataSourceRef(type_val="cloudwatch", uid=datasource_uid)
    tags = ["vigil", "cloudwatch", *([stack] if stack else [])]
    builder = dashboard.Dashboard(plan.name).uid(f"vigil-{plan.name}"[:40]).tags(tags).editable()
    start = str(body.get("start", "-PT3H"))
    builder = builder.time(_grafana_time(start), "now").refresh("1m").timezone("utc")
    builder = builder.description(f"Generated by `vigil grafana` from the plan of CloudWatch dashboard {plan.name}.")
    for index, widget in enumerate(body.get("widgets", []), start=1):
        builder = builder.with_panel(panel_for(widget, ds, index))
    result: Json = json.loads(json.dumps(builder.build(), cls=JSONEncoder, sort_keys=True))
    return result


def _grafana_time(start: str) -> str:
    """CloudWatch's ISO 8601 relative start (``-PT3H``, ``-P1D``, ``-PT15M``) as Grafana's ``now-3h``.

    >>> _grafana_time("-PT3H"), _grafana_time("-P7D"), _grafana_time("-PT15M"), _grafana_time("2026-01-01")
    ('now-3h', 'now-7d', 'now-15m', 'now-3h')
    """
    match = re.fullmatch(r"-P(?:(\d+)([WD]))?(?:T(\d+)([HMS]))?", start)
    if not match or not (match.group(1) or match.group(3)):
        return "now-3h"
    amount, unit = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    return f"now-{amount}{unit.lower()}"
