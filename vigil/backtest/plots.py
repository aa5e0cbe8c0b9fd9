"""``vigil backtest --plot DIR``: one PNG per alarm and an ``index.html`` with the summary and the pictures.

Each picture shows what the alarm saw at each evaluation (the datapoint, or the metric math result), its
threshold (or anomaly band, labelled as Vigil's approximation), the periods the alarm was in ALARM (red), and the
incident windows (orange). Composite alarms show their state over time. Needs matplotlib (``pip install
'vigil-monitoring[plot]'``); it is imported here only, with the headless Agg backend.

Example::

    >>> index = write_plots(result, Path("out/plots"), plan)  # doctest: +SKIP
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vigil.backtest.errors import BacktestError
from vigil.backtest.report import BacktestResult, iso
from vigil.emulator.engine import alarm_period
from vigil.emulator.timeline import AlarmTimeline
from vigil.plan.types import MetricAlarmPlan, StackPlan

_OPERATORS = {
    "GreaterThanThreshold": ">",
    "GreaterThanOrEqualToThreshold": ">=",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "<=",
    "GreaterThanUpperThreshold": "above the band",
    "LessThanLowerThreshold": "below the band",
    "LessThanLowerOrGreaterThanUpperThreshold": "outside the band",
}


def require_matplotlib() -> Any:
    """The matplotlib module, or :class:`BacktestError` with the install hint (checked before a long run)."""
    try:
        import matplotlib
    except ImportError as exc:
        raise BacktestError("--plot needs matplotlib: pip install 'vigil-monitoring[plot]'") from exc
    return matplotlib


def _pyplot() -> Any:
    matplotlib = require_matplotlib()
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def file_name(alarm: str) -> str:
    """A safe PNG file name for an alarm name.

    >>> file_name("prod/api error: 5xx")
    'prod_api_error_5xx.png'
    """
    return re.sub(r"[^A-Za-z0-9._-]+", "_", alarm).strip("_") + ".png"


def _spans(times: list[int], states: list[str], end: int) -> list[tuple[int, int]]:
    """Contiguous ALARM intervals."""
    out: list[tuple[int, int]] = []
    begin: int | None = None
    for time, state in zip(times, states, strict=True):
        if state == "ALARM" and begin is None:
            begin = time
        elif state != "ALARM" and begin is not None:
            out.append((begin, time))
            begin = None
    if begin is not None:
        out.append((begin, end))
    return out


def describe(alarm: MetricAlarmPlan | None, timeline: AlarmTimeline) -> tuple[str, str]:
    """(what is plotted, the rule) in words, for the axis label and the subtitle."""
    if alarm is None:
        return "state", "composite alarm: ALARM while its rule holds"
    metric = alarm.metric
    if metric is None and alarm.threshold_metric_id is not None:  # anomaly: the metric the band is drawn around
        metric = next((q.metric for q in alarm.metric_queries if q.metric is not None), None)
    if metric is not None:
        what = f"{metric.stat} of {metric.metric_name}"
    else:
        returned = next((q for q in alarm.metric_queries if q.return_data), None)
        what = (returned.label or returned.expression or "expression") if returned else "expression"
    op = _OPERATORS.get(alarm.comparison_operator, alarm.comparison_operator)
    threshold = "" if alarm.threshold is None else f" {alarm.threshold:g}"
    n = alarm.evaluation_periods  # from the plan, the one truth (not from the evaluation, which may not have run)
    rule = (
        f"ALARM when {alarm.datapoints_to_alarm or n} of {n} datapoints "
        f"({_period(alarm_period(alarm))} each) are {op}{threshold}; missing data: {alarm.treat_missing_data}"
    )
    if not timeline.evaluated:
        rule = f"NOT EVALUATED: {timeline.note}\n{rule}"
    return what, rule


def _period(seconds: int) -> str:
    return (
        f"{seconds // 3600} h"
        if seconds % 3600 == 0
        else f"{seconds // 60} min"
        if seconds % 60 == 0
        else f"{seconds} s"
    )


def _tick(value: float, _position: object) -> str:
    return f"{value:,.0f}" if abs(value) >= 10_000 else f"{value:g}"


def _floats(values: list[float | None]) -> list[float]:
    return [math.nan if v is None else v for v in values]


def plot_alarm(
    plt: Any, timeline: AlarmTimeline, alarm: MetricAlarmPlan | None, result: BacktestResult, path: Path
) -> None:
    """Draw one alarm's picture into ``path``."""
    when = [datetime.fromtimestamp(t, UTC) for t in timeline.times]
    fig, ax = plt.subplots(figsize=(12, 4.2), dpi=100)
    what, rule = describe(alarm, timeline)
    _series(ax, when, timeline, what if alarm is not None else None)
    _windows(ax, timeline, result)
    ax.set_title(f"{timeline.name}  ({timeline.severity}, {timeline.kind})\n{rule}", fontsize=10, loc="left")
    _axes(ax, when)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _series(ax: Any, when: list[datetime], timeline: AlarmTimeline, what: str | None) -> None:
    """The values and the threshold or band; a composite (``what`` None) as an OK/ALARM step."""
    if what is None:
        ax.step(when, [1 if s == "ALARM" else 0 for s in timeline.states], where="post", color="#1f77b4", label="state")
        ax.set_yticks([0, 1], ["OK", "ALARM"])
        ax.set_ylim(-0.2, 1.3)
        return
    ax.plot(when, _floats(timeline.values), color="#1f77b4", linewidth=1.0, label=what)
    if timeline.lower is not None:
        lower, upper = _floats(timeline.lower), _floats(timeline.thresholds)
        ax.fill_between(when, lower, upper, color="#7f7f7f", alpha=0.25, label="anomaly band (Vigil's approximation)")
    elif any(t is not None for t in timeline.thresholds):
        ax.plot(when, _floats(timeline.thresholds), color="#d62728", linestyle="--", linewidth=1.2, label="threshold")
    ax.set_ylabel(what)


def _windows(ax: Any, timeline: AlarmTimeline, result: BacktestResult) -> None:
    """ALARM periods shaded red, incident windows hatched orange with their names."""
    for index, (low, high) in enumerate(_spans(timeline.times, list(timeline.states), result.evaluation.end)):
        label = "in ALARM" if index == 0 else None
        ax.axvspan(_utc(low), _utc(high), color="#d62728", alpha=0.15, label=label)
    starts = [_utc(t.time) for t in timeline.transitions if t.new == "ALARM"]
    if starts:  # markers keep a short ALARM visible on a week-long axis
        ax.plot(
            starts,
            [0.98] * len(starts),
            "v",
            color="#d62728",
            markersize=7,
            transform=ax.get_xaxis_transform(),
            label="went to ALARM",
            clip_on=False,
        )
    for index, found in enumerate(result.incidents):
        start, end = _utc(found.incident.start), _utc(found.incident.end)
        label = "incident window" if index == 0 else None
        ax.axvspan(start, end, facecolor="none", edgecolor="#ff7f0e", hatch="//", linewidth=1.0, label=label)
        ax.annotate(
            found.incident.name,
            (start, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(2, -12),
            textcoords="offset points",
            fontsize=8,
            color="#c05000",
        )


def _axes(ax: Any, when: list[datetime]) -> None:
    """UTC time axis with concise labels, readable numbers, grid and legend."""
    from matplotlib import dates as _dates
    from matplotlib import ticker

    dates: Any = _dates
    ax.set_xlabel("time (UTC)")
    locator = dates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(dates.ConciseDateFormatter(locator, tz=UTC))
    if when:
        ax.set_xlim(when[0], when[-1])
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(_tick))
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize=8, framealpha=0.85)


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def write_plots(
    result: BacktestResult, out: Path, plan: StackPlan | None = None, *, progress: Callable[[str], None] | None = None
) -> Path:
    """Write every alarm's PNG and ``index.html`` into ``out``; returns the path of ``index.html``."""
    plt = _pyplot()
    out.mkdir(parents=True, exist_ok=True)
    alarms = {a.name: a for a in plan.alarms.metric_alarms} if plan is not None else {}
    timelines = result.evaluation.timelines
    for number, (name, timeline) in enumerate(timelines.items(), 1):
        if progress:
            progress(f"plot {number}/{len(timelines)} {name}")
        plot_alarm(plt, timeline, alarms.get(name), result, out / file_name(name))
    index = out / "index.html"
    index.write_text(render_html(result), encoding="utf-8")
    return index


def _row(cells: list[str]) -> str:
    return "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>"


def render_html(result: BacktestResult) -> str:
    """The summary page: incidents, pages, alarms that fired, then every picture."""
    ev = result.evaluation
    data = result.to_json()
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>vigil backtest</title><style>"
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1.5em}"
        "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f3f3f3}"
        "img{max-width:100%;border:1px solid #ddd;margin:0.5em 0 1.5em}.missed{color:#b00;font-weight:bold}"
        "</style></head><body>",
        f"<h1>vigil backtest</h1><p>{html.escape(iso(ev.start))} to {html.escape(iso(ev.end))} "
        f"({result.days:.1f} days, from {html.escape(result.source)}); {data['lines']['read']:,} log events, "
        f"{data['lines']['invalid']:,} refused, {data['lines']['datapoints']:,} datapoints.</p>",
        "<h2>Incidents</h2><table><tr><th>incident</th><th>window (UTC)</th><th>detected</th>"
        "<th>time to detect</th><th>alarms</th></tr>",
    ]
    for item in data["incidents"]:
        detected = item["detected_at"] or "MISSED"
        mttd = "-" if item["mttd_s"] is None else f"{item['mttd_s'] // 60} min {item['mttd_s'] % 60} s"
        row = _row([item["name"], f"{item['start']} .. {item['end']}", detected, mttd, ", ".join(item["alarms"])])
        parts.append(row.replace("<td>MISSED</td>", "<td class='missed'>MISSED</td>"))
    parts.append("</table>" if data["incidents"] else "</table><p>No incidents file given.</p>")
    parts.append(
        f"<h2>Pages: {len(result.pages)} ({result.false_pages} outside any incident, {result.pages_per_day} per day)"
        "</h2><table><tr><th>time (UTC)</th><th>severity</th><th>alarm</th><th>incident</th></tr>"
    )
    parts.extend(_row([p["time"], p["severity"], p["alarm"], p["incident"] or "false page"]) for p in data["pages"])
    parts.append(
        "</table><h2>Alarms</h2><table><tr><th>alarm</th><th>severity</th><th>times in ALARM</th><th>first ALARM</th></tr>"
    )
    for name, timeline in ev.timelines.items():
        count = sum(1 for t in timeline.transitions if t.new == "ALARM")
        first = timeline.first_alarm()
        label = f"<a href='#{html.escape(file_name(name))}'>{html.escape(name)}</a>"
        cells = [timeline.severity, str(count), iso(first) if first is not None else "-"]
        if not timeline.evaluated:
            cells = [timeline.severity, "not evaluated", timeline.note]
        parts.append(f"<tr><td>{label}</td>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    parts.append("</table><h2>Pictures</h2>")
    for name in ev.timelines:
        image = html.escape(file_name(name))
        parts.append(f"<h3 id='{image}'>{html.escape(name)}</h3><img src='{image}' alt='{html.escape(name)}'>")
    parts.append("</body></html>")
    return "\n".join(parts)
