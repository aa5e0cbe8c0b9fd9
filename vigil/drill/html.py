"""The drill's HTML report: one self-contained page (no script, no external asset).

The per-class table (met/missed highlighted), the normal days' false pages, every incident with its first page,
and the alarms the drill could not evaluate.

Example::

    >>> from vigil.drill.drill_spec import DrillFile
    >>> from vigil.drill.result import DrillResult
    >>> spec = DrillFile.model_validate({"version": "vigil/v1", "classes": {"gone": {"severity": "P1",
    ...     "duration": ["5m", "5m"], "effects": [{"service": "api", "absent": True}]}}})
    >>> "<table" in render_html(DrillResult(spec, [1], [], [], {}, "prod"))
    True
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from vigil.drill.result import DrillResult, render_text

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2em;max-width:75em}"
    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}"
    "td:first-child,th:first-child{text-align:left}.missed{background:#fdd}.met{background:#dfd}"
    "pre{background:#f6f6f6;padding:1em;overflow:auto}"
)


def _minutes(seconds: object) -> str:
    return "-" if not isinstance(seconds, int) else f"{seconds / 60:.1f}"


def render_html(result: DrillResult) -> str:
    """The report as one HTML document."""
    data = result.to_json()
    head = ["class", "severity", "incidents", "recall", "median (min)", "p90 (min)", "pages/incident", "target"]
    rows = []
    for c in data["classes"]:
        recall = "never pages" if c["recall"] is None else f"{100 * c['recall']:.0f} %"
        cells = [
            c["name"],
            c["severity"],
            str(c["incidents"]),
            recall,
            _minutes(c["median_s"]),
            _minutes(c["p90_s"]),
            f"{c['pages_per_incident']:.2f}",
            "met" if c["met"] else "MISSED",
        ]
        klass = "met" if c["met"] else "missed"
        rows.append(f"<tr class={klass}>" + "".join(f"<td>{escape(x)}</td>" for x in cells) + "</tr>")
    incidents = []
    for i in data["incidents"]:
        first = i["first_page"]
        page = (
            "-" if first is None else f"{first['alarm']} ({first['severity']}) after {_minutes(first['after_s'])} min"
        )
        if first is not None and first["because"] and first["because"] != [first["alarm"]]:
            page += f" because {', '.join(first['because'])}"
        cells = [f"{i['seed']}/{i['index']}", i["class"], i["start"], f"{i['intensity']:.2f}", page, str(i["pages"])]
        incidents.append("<tr>" + "".join(f"<td>{escape(x)}</td>" for x in cells) + "</tr>")
    days = data["normal_days"]
    title = f"vigil drill: stack {escape(result.stack)}, seed(s) {escape(', '.join(map(str, result.seeds)))}"
    return "\n".join(
        [
            "<!doctype html>",
            f"<html><head><meta charset=utf-8><title>{title}</title><style>{_STYLE}</style></head><body>",
            f"<h1>{title}</h1>",
            f"<p>{'Every target met.' if data['met'] else 'Targets <b>missed</b>.'} "
            f"{len(data['incidents'])} incidents, {days['days']} normal days, "
            f"{days['false_pages']} false page(s) ({days['false_pages_per_day']} per day).</p>",
            "<h2>Fault classes</h2><table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>",
            *rows,
            "</table>",
            "<h2>Incidents</h2><table><tr><th>seed/index</th><th>class</th><th>start</th><th>intensity</th>"
            "<th>first page</th><th>pages</th></tr>",
            *incidents,
            "</table>",
            "<h2>Text report</h2><pre>" + escape(render_text(result)) + "</pre>",
            "</body></html>",
        ]
    )


def write_html(result: DrillResult, path: Path) -> Path:
    """Write the report to ``path`` (parent directories created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(result), encoding="utf-8")
    return path
