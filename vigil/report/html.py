"""The static HTML report of a run (``out/demo/index.html``): one file plus the PNGs next to it, no server, no script.

:func:`write_report` takes plain inputs, so the demo, a backtest or a test can all call it.
"""

from __future__ import annotations

import datetime as dt
import html
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vigil.report.timeline import Detection

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f2f3f3;color:#16191f}
header{background:#232f3e;color:#fff;padding:18px 32px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;color:#d5dbdb;font-size:13px}header a{color:#9bd1ff}header nav{display:inline}main{padding:12px 32px 40px;max-width:1680px}
section{background:#fff;border:1px solid #d5dbdb;border-radius:4px;margin:18px 0;padding:14px 20px}
h2{font-size:18px;margin:4px 0 12px}h3{font-size:15px;margin:16px 0 6px}
table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #eaeded;padding:5px 12px 5px 0;
text-align:left;vertical-align:top}th{color:#545b64}td.num{text-align:right;font-variant-numeric:tabular-nums}
img{max-width:100%;border:1px solid #d5dbdb}.muted{color:#687078;font-size:13px}
.ALARM{color:#d13212;font-weight:600}.OK{color:#1d8102;font-weight:600}nav a{margin-right:14px;font-size:13px}
code{background:#f2f3f3;padding:1px 4px;border-radius:3px}ul{margin:6px 0;padding-left:20px;font-size:14px}
"""


@dataclass(frozen=True)
class Notification:
    """One alarm notification a subscriber received."""

    received_at: float
    changed_at: float  # StateChangeTime in the message (the alarm's time, simulated in the demo)
    subject: str
    alarm: str
    state: str
    topic: str
    published_by: str  # "CloudWatch" or "Vigil (emulator)"


@dataclass
class ReportInputs:
    """Everything the report shows; paths of pictures are copied next to ``index.html``."""

    title: str
    stack: str
    summary: dict[str, int]  # "metric alarms" -> 25, ...
    monthly_usd: float
    cost_by_kind: dict[str, float]
    dashboards: list[tuple[str, Path]]  # (dashboard name, PNG)
    timeline: Path | None
    detections: list[Detection]
    notifications: list[Notification]
    notes: list[str] = field(default_factory=list)
    steps: list[tuple[str, str]] = field(default_factory=list)  # (step, outcome)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _time(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC).strftime("%H:%M:%S")


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return "not detected"
    minutes, secs = divmod(seconds, 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = ""
    for row in rows:
        cells = "".join(f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(row))
        body += f"<tr>{cells}</tr>"
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _plan_section(inputs: ReportInputs) -> str:
    counts = _table(["resource", "count"], [[_e(k), str(v)] for k, v in inputs.summary.items()], numeric=[1])
    costs = _table(
        ["cost by kind", "USD / month"],
        [[_e(k), f"{v:,.2f}"] for k, v in sorted(inputs.cost_by_kind.items(), key=lambda kv: -kv[1])],
        numeric=[1],
    )
    steps = ""
    if inputs.steps:
        steps = "<h3>What the run did</h3>" + _table(["step", "outcome"], [[_e(a), _e(b)] for a, b in inputs.steps])
    total = f"<p>Estimated CloudWatch cost of stack <code>{_e(inputs.stack)}</code>: <b>${inputs.monthly_usd:,.2f}</b> per month.</p>"
    return f'<section id="plan"><h2>Plan and cost</h2>{total}<div style="display:flex;gap:48px;flex-wrap:wrap;align-items:flex-start">{counts}{costs}</div>{steps}</section>'


def _detections_section(inputs: ReportInputs) -> str:
    rows = [
        [
            _e(d.incident),
            _time(d.start),
            _time(d.end),
            _e(d.alarm or "-"),
            f'<span class="{"OK" if d.alarm else "ALARM"}">{_duration(d.seconds)}</span>',
        ]
        for d in inputs.detections
    ]
    picture = f'<p><img src="{_e(inputs.timeline.name)}" alt="alarm timeline"></p>' if inputs.timeline else ""
    table = _table(["incident", "start (UTC)", "end (UTC)", "first alarm to notify", "time to detect"], rows)
    return f'<section id="incidents"><h2>Incidents, alarm timeline, time to detect</h2>{table}{picture}</section>'


def _notifications_section(inputs: ReportInputs) -> str:
    rows = [
        [
            _time(n.changed_at),
            _time(n.received_at),
            f'<span class="{_e(n.state)}">{_e(n.state)}</span>',
            _e(n.alarm),
            _e(n.subject),
            _e(n.topic),
            _e(n.published_by),
        ]
        for n in inputs.notifications
    ]
    table = (
        _table(["state changed (UTC)", "received (UTC)", "state", "alarm", "subject", "topic", "published by"], rows)
        if rows
        else ""
    )
    empty = "" if rows else '<p class="muted">No notification was received.</p>'
    return f'<section id="notifications"><h2>Notifications received ({len(rows)})</h2>{table}{empty}</section>'


def _dashboards_section(inputs: ReportInputs) -> str:
    parts = [
        f'<h3 id="dash-{_e(name)}">{_e(name)}</h3><p><img src="{_e(png.name)}" alt="dashboard {_e(name)}"></p>'
        for name, png in inputs.dashboards
    ]
    intro = (
        '<p class="muted">Each dashboard of the plan drawn locally from its CloudWatch dashboard body with this run\'s '
        "data: what it will look like in the console, before anything is deployed. Logs Insights widgets show their "
        "query; they run in CloudWatch only.</p>"
    )
    return f'<section id="dashboards"><h2>Dashboards ({len(parts)})</h2>{intro}{"".join(parts)}</section>'


def write_report(inputs: ReportInputs, out_dir: Path) -> Path:
    """Write ``out_dir/index.html`` (and copy the pictures next to it); returns its path.

    >>> path = write_report(ReportInputs(title="Vigil demo", stack="dev", ...), Path("out/demo"))  # doctest: +SKIP
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    for picture in [png for _, png in inputs.dashboards] + ([inputs.timeline] if inputs.timeline else []):
        target = out_dir / picture.name
        if picture.resolve() != target.resolve():
            shutil.copyfile(picture, target)
    nav = "".join(
        f'<a href="#{anchor}">{label}</a>'
        for anchor, label in (
            ("plan", "Plan and cost"),
            ("incidents", "Incidents"),
            ("notifications", "Notifications"),
            ("dashboards", "Dashboards"),
        )
    )
    notes = "".join(f"<li>{_e(n)}</li>" for n in inputs.notes)
    generated = dt.datetime.now(tz=dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    page = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{_e(inputs.title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head><body>'
        f"<header><h1>{_e(inputs.title)}</h1><p>stack {_e(inputs.stack)} · generated {generated} · <nav>{nav}</nav></p></header><main>"
        + _plan_section(inputs)
        + _detections_section(inputs)
        + _notifications_section(inputs)
        + _dashboards_section(inputs)
        + (f'<section id="notes"><h2>How to read this</h2><ul>{notes}</ul></section>' if notes else "")
        + "</main></body></html>\n"
    )
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
