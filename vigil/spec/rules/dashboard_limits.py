"""Metric ids unique per widget: CloudWatch refuses a widget whose ``metrics`` array gives two entries one ``id``
(the expressions could not tell them apart). The metrics-per-dashboard limit is checked with the other
dashboard limits from :mod:`vigil.spec.limits` (``vigil.spec.rules.dashboards``).
"""

from __future__ import annotations

from collections import Counter

from vigil.spec.rules.context import Context


def check_dashboard_limits(ctx: Context) -> None:
    """Duplicate metric ids in a widget."""
    for name, dash in ctx.project.dashboards.items():
        for index, widget in enumerate(dash.widgets):
            metrics = getattr(widget, "metrics", ())
            ids = Counter(m.id for m in metrics if m.id)
            for i, entry in enumerate(metrics):
                if entry.id and ids[entry.id] > 1:
                    first = next(j for j, m in enumerate(metrics) if m.id == entry.id)
                    if i != first:
                        ctx.report(
                            ("dashboard", name, ("widgets", index, "metrics", i, "id")),
                            f"id '{entry.id}' is already used by metric {first} of this widget; ids are unique per "
                            "widget: rename one",
                        )
