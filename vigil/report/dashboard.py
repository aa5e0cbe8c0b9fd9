"""A whole CloudWatch dashboard body rendered to one PNG on the console's 24-column grid (matplotlib, Agg)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from vigil.report.style import MUTED, PAGE, TEXT, utc
from vigil.report.widgets import DRAWERS, Box, Data, alarm_status, log_widget, text_widget

#: Figure width (inches) and the height of one grid row (inches); 24 columns across, as in the console.
WIDTH_IN = 16.0
ROW_IN = 0.42
HEADER_IN = 0.75
MARGIN_IN = 0.15


def render_period(start: int, end: int, widget_period: int) -> int:
    """The period to draw at: the widget's, shortened (to no less than 60 s) so the range has 30 points or more.

    CloudWatch does the same with ``periodOverride: auto`` when the time range is short.

    >>> render_period(0, 7200, 300), render_period(0, 86400, 300), render_period(0, 600, 60), render_period(0, 600, 10)
    (120, 300, 60, 10)
    """
    if widget_period <= 60:
        return widget_period
    span = max(60, end - start)
    best = 60
    for candidate in (120, 300, 600, 900, 1800, 3600, 21600, 86400):
        if candidate <= widget_period and span / candidate >= 30:
            best = candidate
    return best


def render_dashboard(name: str, body: str | dict[str, Any], data: Data, path: Path, *, subtitle: str = "") -> Path:
    """Render a dashboard body (CloudWatch dashboard JSON) with ``data`` to ``path`` (PNG); returns ``path``.

    >>> render_dashboard("dev-api", plan.dashboards[0].body, Data(store, evaluation, start, end, 300),  # doctest: +SKIP
    ...                  Path("out/demo/dev-api.png"))
    """
    parsed: dict[str, Any] = json.loads(body) if isinstance(body, str) else body
    widgets: list[dict[str, Any]] = parsed.get("widgets", [])
    rows = max((int(w["y"]) + int(w["height"]) for w in widgets), default=1)
    height_in = HEADER_IN + rows * ROW_IN + MARGIN_IN
    fig = Figure(figsize=(WIDTH_IN, height_in), dpi=100, facecolor=PAGE)
    _header(fig, name, data, subtitle)
    usable = (WIDTH_IN - 2 * MARGIN_IN) / WIDTH_IN
    for widget in widgets:
        box = _box(widget, height_in, usable)
        _draw(fig, box, widget, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, facecolor=PAGE)
    return path


def _header(fig: Figure, name: str, data: Data, subtitle: str) -> None:
    top = 1 - 0.3 / fig.get_figheight()
    fig.text(MARGIN_IN / WIDTH_IN, top, name, fontsize=15, fontweight="bold", color=TEXT, va="center")
    span = (
        f"{utc(data.start):%Y-%m-%d %H:%M} to {utc(data.end):%H:%M} UTC; periods shortened to fit the range (as 'auto')"
    )
    line = f"{span}. {subtitle}" if subtitle else span
    fig.text(MARGIN_IN / WIDTH_IN, top - 0.27 / fig.get_figheight(), line, fontsize=8.5, color=MUTED, va="center")


def _box(widget: dict[str, Any], height_in: float, usable: float) -> Box:
    gap = 0.05
    x, y, w, h = (int(widget[k]) for k in ("x", "y", "width", "height"))
    left_in = MARGIN_IN + x / 24 * usable * WIDTH_IN + gap
    width_in = w / 24 * usable * WIDTH_IN - 2 * gap
    top_in = HEADER_IN + y * ROW_IN + gap
    box_h_in = h * ROW_IN - 2 * gap
    bottom_in = height_in - top_in - box_h_in
    return Box(left_in / WIDTH_IN, bottom_in / height_in, width_in / WIDTH_IN, box_h_in / height_in, width_in, box_h_in)


def _draw(fig: Figure, box: Box, widget: dict[str, Any], data: Data) -> None:
    props: dict[str, Any] = widget.get("properties", {})
    kind = widget.get("type")
    if kind == "metric":
        period = render_period(data.start, data.end, int(props.get("period", 300)))
        view = str(props.get("view", "timeSeries"))
        DRAWERS.get(view, DRAWERS["timeSeries"])(
            fig, box, props, Data(data.store, data.evaluation, data.start, data.end, period)
        )
    elif kind == "alarm":
        alarm_status(fig, box, props, data)
    elif kind == "log":
        log_widget(fig, box, props, data)
    else:
        text_widget(fig, box, str(props.get("markdown", "")))
