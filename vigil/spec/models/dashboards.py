"""Dashboards (``dashboards/*.yaml``): typed widgets with automatic grid layout."""

from __future__ import annotations

import re
from typing import Annotated, Literal, Union

from pydantic import AfterValidator, Field, model_validator

from vigil.spec.models.alarms import MathId
from vigil.spec.models.common import DimensionName, Integer, MetricName, Name, Namespace, Number, Spec, Version

GRID_WIDTH = 24
#: A relative time range as CloudWatch dashboards take it: ``-P`` then an ISO 8601 duration (``-PT3H``, ``-P7D``).
_RELATIVE = re.compile(r"^-P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$")


def _widget_period(seconds: int | None) -> int | None:
    if seconds is not None and seconds not in (1, 5, 10, 30) and (seconds < 60 or seconds % 60):
        raise ValueError(f"period {seconds} s is invalid for a graph: use 1, 5, 10, 30 or a multiple of 60")
    return seconds


def _start(value: str) -> str:
    if not _RELATIVE.match(value):
        raise ValueError(
            f"start {value!r} is not a relative time range: write '-P' and an ISO 8601 duration, "
            "e.g. -PT3H (3 hours), -P7D (7 days), -P1W, -PT15M"
        )
    return value


WidgetPeriod = Annotated[Integer, AfterValidator(_widget_period)]


class WidgetMetric(Spec):
    """A catalog metric (or, with ``expression``, a metric math line) plotted in a widget."""

    namespace: Namespace | None = None
    metric: MetricName | None = None
    dimensions: dict[DimensionName, str] = Field(default_factory=dict)
    statistic: str = "Sum"
    expression: str | None = None
    id: MathId | None = None
    label: str = ""
    visible: bool = True
    period: WidgetPeriod | None = None

    @model_validator(mode="after")
    def _metric_or_expression(self) -> WidgetMetric:
        if self.expression is None and (self.namespace is None or self.metric is None):
            raise ValueError("give 'namespace' and 'metric', or an 'expression'")
        if self.expression is not None and self.metric is not None:
            raise ValueError("give either a metric or an 'expression', not both")
        return self


class _Widget(Spec):
    title: str = ""
    x: Annotated[Integer, Field(ge=0, lt=GRID_WIDTH)] | None = None
    y: Annotated[Integer, Field(ge=0)] | None = None
    width: Annotated[Integer, Field(ge=1, le=GRID_WIDTH)] = 12
    height: Annotated[Integer, Field(ge=1, le=1000)] = 6


class Threshold(Spec):
    """A level drawn on a graph or gauge (a horizontal annotation): a line, and with ``fill`` a colored band.

    Seed 004's error-rate gauge, yellow from 1 % and red from 5 %:
    ``thresholds: [{value: 1, color: "#ff7f0e", fill: above}, {value: 5, color: "#d62728", fill: above}]``.
    """

    value: Number
    label: str = ""
    color: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")] | None = None
    fill: Literal["above", "below", "none"] = "none"


class _MetricWidget(_Widget):
    metrics: Annotated[tuple[WidgetMetric, ...], Field(min_length=1)]
    period: WidgetPeriod = 60


class MetricGraphWidget(_MetricWidget):
    """A time series (line or stacked area) of one or more metrics."""

    type: Literal["graph"]
    stacked: bool = False
    view: Literal["timeSeries", "bar", "pie"] = "timeSeries"
    y_min: Number | None = None
    #: Levels drawn as horizontal lines or bands, e.g. where a rate turns yellow and red.
    thresholds: Annotated[tuple[Threshold, ...], Field(max_length=20)] = ()
    #: The alarm (static, heartbeat or math) whose series this graph shows: ``vigil check`` verifies the graph
    #: reads the alarm's metrics, dimensions and statistics (and its expression), and the plan draws the alarm's
    #: threshold in each stack as a horizontal line.
    alarm: Name | None = None


class SingleValueWidget(_MetricWidget):
    """The latest value of each metric, as a number."""

    type: Literal["single_value"]
    sparkline: bool = True


class GaugeWidget(_MetricWidget):
    """A gauge between ``min`` and ``max``."""

    type: Literal["gauge"]
    min: Number = 0
    max: Number = 100
    #: Levels that color the gauge (a band from each value, with ``fill: above``).
    thresholds: Annotated[tuple[Threshold, ...], Field(max_length=20)] = ()


class AlarmStatusWidget(_Widget):
    """The state of the listed alarms (names of alarms or SLOs in the project)."""

    type: Literal["alarm_status"]
    alarms: Annotated[tuple[Name, ...], Field(min_length=1, max_length=100)]


class LogQueryWidget(_Widget):
    """A Logs Insights query over one or more catalog namespaces' log groups."""

    type: Literal["log_query"]
    namespaces: Annotated[tuple[Namespace, ...], Field(min_length=1)]
    query: str
    view: Literal["table", "timeSeries", "bar", "pie"] = "table"


class TextWidget(_Widget):
    """Markdown text (runbook links, explanations)."""

    type: Literal["text"]
    markdown: Annotated[str, Field(min_length=1)]


Widget = Annotated[
    Union[MetricGraphWidget, SingleValueWidget, GaugeWidget, AlarmStatusWidget, LogQueryWidget, TextWidget],  # noqa: UP007
    Field(discriminator="type"),
]


class DashboardSpec(Spec):
    """A CloudWatch dashboard; widgets without ``x``/``y`` are laid out left to right, top to bottom."""

    title: str = ""
    description: str = ""
    start: Annotated[str, AfterValidator(_start)] = "-PT3H"
    period_override: Literal["auto", "inherit"] = "auto"
    #: Metric widgets also show the last minute's datapoints before CloudWatch has aggregated all of them
    #: (``liveData``): the real-time view on-call wants; the newest point can still move.
    live_data: bool = False
    widgets: Annotated[tuple[Widget, ...], Field(min_length=1)]


class DashboardFile(Spec):
    """One ``dashboards/*.yaml`` file: named dashboards."""

    version: Version
    dashboards: dict[Name, DashboardSpec]
