"""Dashboard limits the widget rules do not cover: metrics per dashboard, and metric ids unique per widget.

CloudWatch refuses a dashboard with more than 2,500 metrics in all (PutDashboard), and a widget whose
``metrics`` array gives two entries one ``id`` (the expressions could not tell them apart).
"""

from __future__ import annotations

from collections import Counter

from vigil.spec.rules.context import Context

#: CloudWatch: at most 2,500 metrics on one dashboard (CloudWatch service quotas).
MAX_METRICS_PER_DASHBOARD = 2500


def check_dashboard_limits(ctx: Context) -> None:
    """Metrics per dashboard and duplicate metric ids in a widget."""
    for name, dash in ctx.project.dashboards.items():
        total = 0
        for index, widget in enumerate(dash.widgets):
            metrics = getattr(widget, "metrics", ())
            total += len(metrics)
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
        if total > MAX_METRICS_PER_DASHBOARD:
            ctx.report(
                ("dashboard", name, ("widgets",)),
                f"{total} metrics on one dashboard; CloudWatch allows {MAX_METRICS_PER_DASHBOARD}: split it into "
                "two dashboards",
            )
