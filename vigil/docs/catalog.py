"""The catalog reference (``docs/reference/catalog.md``): metrics, alarms with their triggers and routing per
stack, routing, dashboards and saved queries, written from the specs and the plan of every stack.

Example::

    >>> from vigil.docs import plan_stacks  # doctest: +SKIP
    >>> render_catalog(plan_stacks(".")).splitlines()[0]  # doctest: +SKIP
    '# Catalog reference'
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from vigil.docs.runbooks import render_section
from vigil.docs.stacks import StackView
from vigil.spec.errors import SpecError
from vigil.spec.models.dashboards import AlarmStatusWidget, LogQueryWidget
from vigil.spec.models.metrics import MetricNamespaceSpec

CATALOG_PATH = "docs/reference/catalog.md"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _namespace(spec: MetricNamespaceSpec) -> list[str]:
    out = [f"### {spec.namespace} (service `{spec.service}`)", "", _cell(spec.description), ""]
    out += ["| Metric | Unit | Statistics | Dimension sets | Description |", "|---|---|---|---|---|"]
    for name, metric in sorted(spec.metrics.items()):
        sets = ", ".join(metric.dimension_sets) or "(none)"
        out.append(
            f"| `{name}` | {metric.unit} | {', '.join(metric.statistics)} | {sets} | {_cell(metric.description)} |"
        )
    out += ["", "Dimension sets: " + "; ".join(f"{k} = {', '.join(v)}" for k, v in sorted(spec.dimension_sets.items()))]
    out += ["", "Properties (EMF fields that are not dimensions): " + ", ".join(f"`{p}`" for p in spec.properties)]
    group = spec.log_group
    if group is None:
        return [*out, ""]
    out += ["", f"Log group `{group.name}` (retention {group.retention_days} days)."]
    if group.metric_filters:
        out += ["", "| Metric filter | Pattern | Metric |", "|---|---|---|"]
        for name, f in sorted(group.metric_filters.items()):
            out.append(f"| `{name}` | `{_cell(f.pattern)}` | `{f.metric}` |")
    for name, query in sorted(group.queries.items()):
        out += [
            "",
            f"Saved query `{name}`: {_cell(query.description)}",
            "",
            "```logs-insights",
            query.query.strip(),
            "```",
        ]
    return [*out, ""]


def _routing(views: Sequence[StackView]) -> list[str]:
    out = ["| Stack | Severity | Topic subscribers | Chat channels |", "|---|---|---|---|"]
    for view in views:
        for topic in view.plan.routing.topics:
            people = ", ".join(sorted({s.kind for s in topic.subscriptions})) or "(none)"
            chats = [view.short(c.name) for c in view.plan.routing.chat_channels if topic.severity in c.severities]
            out.append(f"| {view.stack} | {topic.severity.value} | {people} | {', '.join(chats) or '(none)'} |")
    return out


def _dashboards(view: StackView) -> list[str]:
    out = ["| Dashboard | Title | Widgets | Alarms shown | Log queries |", "|---|---|---|---|---|"]
    for name, spec in sorted(view.project.dashboards.items()):
        alarms = sorted({a for w in spec.widgets if isinstance(w, AlarmStatusWidget) for a in w.alarms})
        logs = [w.title for w in spec.widgets if isinstance(w, LogQueryWidget)]
        out.append(
            f"| `{name}` | {_cell(spec.title)} | {len(spec.widgets)} | {', '.join(alarms) or '-'} | "
            f"{_cell('; '.join(logs)) or '-'} |"
        )
    return out


def render_catalog(views: Sequence[StackView]) -> str:
    """The whole reference, deterministic (sorted by name)."""
    if not views:
        return "# Catalog reference\n\nNo stack loads.\n"
    first = views[0].project
    stacks = ", ".join(v.stack for v in views)
    out = [
        "# Catalog reference",
        "",
        f"Written by `vigil docs` from the specs and the plan of every stack ({stacks}); do not edit it by hand:",
        "change the specs or the stack overrides and run `vigil docs`. The tests fail when it is stale.",
        "",
        "## Alarms",
        "",
        "Per alarm and stack: severity, when it fires, and who it notifies (as deployed, overrides included).",
        "",
    ]
    for name, alarm in sorted(first.alarms.items()):
        runbook = f" Runbook: `{alarm.runbook}`." if alarm.runbook else ""
        out += [_cell(alarm.description) + runbook, "", render_section(views, [("alarm", name)]), ""]
    for name, slo in sorted(first.slos.items()):
        out += [_cell(slo.description), "", render_section(views, [("slo", name)]), ""]
    out += ["## Routing", "", *_routing(views), "", "## Dashboards", "", *_dashboards(views[0]), ""]
    out += ["## Metrics, log groups and saved queries", ""]
    for _, spec in sorted(first.namespaces.items()):
        out += _namespace(spec)
    return "\n".join(out).rstrip("\n") + "\n"


def check_catalog(root: Path, views: Sequence[StackView]) -> list[SpecError]:
    """An error when ``docs/reference/catalog.md`` exists and differs from what the plans say now."""
    path = root / CATALOG_PATH
    if not path.is_file() or not views:
        return []
    have = path.read_text(encoding="utf-8").splitlines()
    want = render_catalog(views).splitlines()
    if have == want:
        return []
    at = next((i for i, (a, b) in enumerate(zip(have, want, strict=False)) if a != b), min(len(have), len(want)))
    expected = want[at] if at < len(want) else "(end of file)"
    return [
        SpecError(
            CATALOG_PATH, at + 1, "catalog reference", f"stale: the plan says {expected[:160]!r}; run `vigil docs`"
        )
    ]
