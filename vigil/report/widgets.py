"""Drawing one CloudWatch widget into a matplotlib box: graphs, single values, gauges, alarm status, text, logs."""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle, Wedge

from vigil.emulator.store import MetricStore
from vigil.emulator.timeline import Evaluation
from vigil.report.dates import date_number, time_axis
from vigil.report.series import Line, period_grid, widget_lines
from vigil.report.style import LINE_COLOURS, MUTED, PANEL_EDGE, STATE_COLOURS, TEXT, human


@dataclass(frozen=True)
class Box:
    """A widget's rectangle in figure fractions (left, bottom, width, height) and its size in inches."""

    left: float
    bottom: float
    width: float
    height: float
    width_in: float
    height_in: float

    def inset(self, top: float, pad: float = 0.012, bottom: float = 0.0) -> tuple[float, float, float, float]:
        """The content area below a title band of ``top`` (figure fraction of height)."""
        return (self.left + pad, self.bottom + pad + bottom, self.width - 2 * pad, self.height - top - 2 * pad - bottom)


@dataclass(frozen=True)
class Data:
    """What widgets draw from: the metric store, alarm states, the time range and the render period."""

    store: MetricStore
    evaluation: Evaluation | None
    start: int
    end: int
    period: int


def panel(fig: Figure, box: Box, title: str) -> float:
    """Draw the white widget panel and its title; returns the title band height (figure fraction)."""
    fig.add_artist(
        Rectangle((box.left, box.bottom), box.width, box.height, transform=fig.transFigure, facecolor="white",
                  edgecolor=PANEL_EDGE, linewidth=0.8, zorder=-10)
    )  # fmt: skip
    band = min(0.3 / fig.get_figheight(), box.height * 0.3)
    if title:
        limit = max(10, int(box.width_in * 11))
        text = title if len(title) <= limit else title[: limit - 1] + "…"
        fig.text(box.left + 0.006, box.bottom + box.height - band * 0.55, text, fontsize=9.5, fontweight="bold",
                 color=TEXT, va="center", ha="left")  # fmt: skip
    return band


def _no_data(ax: Axes, message: str = "No data available.") -> None:
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center", color=MUTED, fontsize=9)


def _nan(values: Sequence[float | None]) -> list[float]:
    return [math.nan if v is None else v for v in values]


def graph(fig: Figure, box: Box, props: dict[str, Any], data: Data) -> None:
    """A time series (lines, stacked areas) or a bar chart of the latest values."""
    band = panel(fig, box, str(props.get("title", "")))
    period = data.period
    fig.text(box.left + box.width - 0.006, box.bottom + box.height - band * 0.55, f"{period // 60} min" if period >= 60 else f"{period} s",
             fontsize=7, color=MUTED, ha="right", va="center")  # fmt: skip
    times = period_grid(data.start, data.end, period)
    lines = [line for line in widget_lines(data.store, props.get("metrics", []), times, period) if line.visible]
    legend_rows = min(3, math.ceil(len(lines) / 3)) if lines else 0
    legend = (0.17 * legend_rows + 0.05) / fig.get_figheight()
    left, bottom, width, height = box.inset(band, bottom=legend)
    ax = fig.add_axes((left + 0.022, bottom + 0.02, width - 0.026, height - 0.02))
    _axis_style(ax)
    drawn = [line for line in lines if any(v is not None for v in line.values)]
    if not drawn:
        notes = "; ".join(sorted({line.note for line in lines if line.note}))
        _no_data(ax, notes or "No data available.")
        ax.set_xticks([])
        ax.set_yticks([])
        return
    if props.get("view") in ("bar", "pie"):  # pie charts are drawn as bars of the same latest values
        _bars(ax, drawn)
    else:
        _series(ax, drawn, times, bool(props.get("stacked")))
        y_min = props.get("yAxis", {}).get("left", {}).get("min")
        if y_min is not None:
            ax.set_ylim(bottom=y_min)
        low, high = ax.get_ylim()
        ax.set_ylim(low, high + (high - low) * 0.06)  # a flat line at the maximum stays visible
    _legend(fig, box, ax, drawn, legend)


def _axis_style(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(PANEL_EDGE)
    ax.tick_params(labelsize=7, colors=MUTED, length=2)
    ax.grid(axis="y", color="#eaeded", linewidth=0.6)
    ax.set_axisbelow(True)


def _series(ax: Axes, lines: list[Line], times: list[int], stacked: bool) -> None:
    x = [date_number(t) for t in times]
    colours = [LINE_COLOURS[i % len(LINE_COLOURS)] for i in range(len(lines))]
    if stacked:
        ys = [[0.0 if v is None else v for v in line.values] for line in lines]
        ax.stackplot(x, ys, colors=colours, alpha=0.75, linewidth=0.4)
    else:
        for line, colour in zip(lines, colours, strict=True):
            ax.plot(
                x, _nan(line.values), color=colour, linewidth=1.3, marker="o" if len(x) < 12 else None, markersize=2.5
            )
    time_axis(ax.xaxis)
    ax.yaxis.set_major_formatter(lambda v, _pos: human(v))
    if len(x) > 1:
        ax.set_xlim(x[0], x[-1])


def _bars(ax: Axes, lines: list[Line]) -> None:
    labels = [line.label for line in lines]
    values = [line.latest() or 0.0 for line in lines]
    colours = [LINE_COLOURS[i % len(LINE_COLOURS)] for i in range(len(lines))]
    ax.bar(range(len(values)), values, color=colours)
    ax.set_xticks(range(len(values)), [textwrap.shorten(label, 14, placeholder="…") for label in labels], fontsize=6.5)
    ax.yaxis.set_major_formatter(lambda v, _pos: human(v))


def _legend(fig: Figure, box: Box, ax: Axes, lines: list[Line], height: float) -> None:
    shown = lines[:9]
    entries = [f"{line.label}" for line in shown]
    if len(lines) > len(shown):
        entries[-1] = f"{entries[-1]} (+{len(lines) - len(shown)} more)"
    columns = 3 if box.width_in > 5 else 1 if box.width_in < 3 else 2
    limit = max(12, int(box.width_in * 11 / columns))
    for i, label in enumerate(entries):
        row, col = divmod(i, columns)
        x = box.left + 0.01 + col * (box.width - 0.02) / columns
        y = box.bottom + height - (row + 0.8) * 0.17 / fig.get_figheight()
        colour = LINE_COLOURS[i % len(LINE_COLOURS)]
        fig.text(x, y, "■ ", color=colour, fontsize=8, va="center")
        fig.text(x + 0.008, y, textwrap.shorten(label, limit, placeholder="…"), color=TEXT, fontsize=7, va="center")


def single_value(fig: Figure, box: Box, props: dict[str, Any], data: Data) -> None:
    """Big latest values side by side, like the console's single-value widget (with a sparkline when set)."""
    band = panel(fig, box, str(props.get("title", "")))
    times = period_grid(data.start, data.end, data.period)
    lines = [line for line in widget_lines(data.store, props.get("metrics", []), times, data.period) if line.visible]
    left, bottom, width, height = box.inset(band)
    if not lines:
        return
    cell = width / len(lines)
    for i, line in enumerate(lines):
        x = left + cell * (i + 0.5)
        fig.text(x, bottom + height * 0.78, textwrap.shorten(line.label, max(10, int(box.width_in * 11 / len(lines))),
                 placeholder="…"), ha="center", fontsize=8, color=MUTED)  # fmt: skip
        value = line.latest()
        fig.text(x, bottom + height * 0.45, human(value), ha="center", va="center", color=TEXT if value is not None else MUTED,
                 fontsize=min(26, 8 + box.height_in * 7), fontweight="bold")  # fmt: skip
        if props.get("sparkline") and any(v is not None for v in line.values):
            ax = fig.add_axes((x - cell * 0.4, bottom + height * 0.02, cell * 0.8, height * 0.18))
            ax.plot(_nan(line.values), color=LINE_COLOURS[i % len(LINE_COLOURS)], linewidth=1)
            ax.axis("off")


def gauge(fig: Figure, box: Box, props: dict[str, Any], data: Data) -> None:
    """A half-circle gauge of the first line's latest value between the widget's min and max."""
    band = panel(fig, box, str(props.get("title", "")))
    times = period_grid(data.start, data.end, data.period)
    lines = [line for line in widget_lines(data.store, props.get("metrics", []), times, data.period) if line.visible]
    axis = props.get("yAxis", {}).get("left", {})
    low, high = float(axis.get("min", 0)), float(axis.get("max", 100))
    left, bottom, width, height = box.inset(band)
    ax = fig.add_axes((left, bottom, width, height))
    ax.set_xlim(-1.3, 1.3)
    ax.set_ylim(-0.35, 1.15)
    ax.set_aspect("equal")
    ax.axis("off")
    value = lines[0].latest() if lines else None
    ax.add_patch(Wedge((0, 0), 1.0, 0, 180, width=0.28, color="#eaeded"))
    if value is not None and high > low:
        share = min(1.0, max(0.0, (value - low) / (high - low)))
        ax.add_patch(Wedge((0, 0), 1.0, 180 - 180 * share, 180, width=0.28, color=LINE_COLOURS[0]))
    ax.text(0, 0.12, human(value), ha="center", fontsize=16, fontweight="bold", color=TEXT)
    ax.text(-1.0, -0.2, human(low), ha="center", fontsize=7, color=MUTED)
    ax.text(1.0, -0.2, human(high), ha="center", fontsize=7, color=MUTED)
    if lines:
        ax.text(0, -0.25, textwrap.shorten(lines[0].label, 40, placeholder="…"), ha="center", fontsize=7, color=MUTED)


def alarm_status(fig: Figure, box: Box, props: dict[str, Any], data: Data) -> None:
    """One coloured badge per alarm with its state at the end of the range."""
    band = panel(fig, box, str(props.get("title", "")))
    names = [str(arn).rsplit(":", 1)[-1] for arn in props.get("alarms", [])]
    left, bottom, width, height = box.inset(band)
    columns = max(1, min(3, int(box.width_in // 3.2)))
    rows = max(1, math.ceil(len(names) / columns))
    row_h = min(height / rows, 0.3 / fig.get_figheight())
    for i, name in enumerate(names):
        row, col = divmod(i, columns)
        timeline = data.evaluation.timelines.get(name) if data.evaluation else None
        state = timeline.state_at(data.end) if timeline and timeline.evaluated else "not evaluated"
        colour = STATE_COLOURS.get(state, "#aab7b8")
        x = left + col * width / columns
        y = bottom + height - (row + 0.5) * row_h
        label = {"INSUFFICIENT_DATA": "INSUFFICIENT"}.get(state, state)
        fig.text(x, y, f" {label} ", fontsize=7, color="white", fontweight="bold", va="center",
                 bbox={"boxstyle": "round,pad=0.25", "facecolor": colour, "edgecolor": colour})  # fmt: skip
        limit = max(12, int(box.width_in / columns * 11) - 14)
        fig.text(x + 0.065 * 16 / fig.get_figwidth(), y, textwrap.shorten(name, limit, placeholder="…"), fontsize=8,
                 color=TEXT, va="center")  # fmt: skip


_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")


def markdown_lines(markdown: str) -> list[tuple[str, bool]]:
    """Markdown as plain lines with a bold flag (headings, ``**bold**``), links reduced to their text.

    >>> markdown_lines("# Title\\n- see [runbook](https://x)\\n**Note** this")
    [('Title', True), ('• see runbook', False), ('Note this', False)]
    """
    out: list[tuple[str, bool]] = []
    for raw in markdown.splitlines():
        text = _LINK.sub(r"\1", raw).strip()
        heading = text.startswith("#")
        text = text.lstrip("#").strip().replace("**", "").replace("`", "")
        if text.startswith(("- ", "* ")):
            text = "• " + text[2:]
        out.append((text, heading))
    return out


def text_widget(fig: Figure, box: Box, markdown: str, title: str = "", note: str = "", mono: bool = False) -> None:
    """Markdown text (headings bold, links as text), wrapped to the widget width."""
    band = panel(fig, box, title) if title else panel(fig, box, "")
    left, bottom, _width, height = box.inset(band if title else 0.0)
    wrap = max(20, int(box.width_in * 13))
    line_h = 0.19 / fig.get_figheight()
    y = bottom + height - line_h * 0.6
    rows = [(note, False, True)] if note else []
    for text, bold in markdown_lines(markdown):
        rows += [(part, bold, False) for part in textwrap.wrap(text, wrap) or [""]]
    for text, bold, italic in rows:
        if y < bottom:
            break
        fig.text(left + 0.004, y, text, fontsize=7.5 if mono and not italic else 8, color=MUTED if italic else TEXT,
                 fontweight="bold" if bold else "normal", fontstyle="italic" if italic else "normal", va="center",
                 family="monospace" if mono and not italic else "sans-serif")  # fmt: skip
        y -= line_h


def log_widget(fig: Figure, box: Box, props: dict[str, Any], data: Data) -> None:
    """A Logs Insights widget: its query, and the honest note that it runs in CloudWatch, not here."""
    query = str(props.get("query", ""))
    note = "Logs Insights query: runs in CloudWatch, not rendered locally"
    lines = [part.strip() for part in query.split("|") if not part.strip().startswith("SOURCE")]
    text_widget(fig, box, "\n".join("| " + line for line in lines), str(props.get("title", "")), note, mono=True)


DRAWERS: dict[str, Callable[[Figure, Box, dict[str, Any], Data], None]] = {
    "timeSeries": graph,
    "bar": graph,
    "pie": graph,
    "singleValue": single_value,
    "gauge": gauge,
}
