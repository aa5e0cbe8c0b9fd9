"""Plain-text rendering of a :class:`CostReport` for ``vigil cost``."""

from __future__ import annotations

from vigil.cost.items import CostReport


def _money(usd: float) -> str:
    return f"${usd:,.2f}"


def render_text(report: CostReport, top: int = 10) -> str:
    """A table of monthly cost by kind, the grand total and budget, then the top cost drivers.

    Example::

        >>> from vigil.cost import estimate_project
        >>> from vigil.spec.models import Project
        >>> print(render_text(estimate_project(Project())).splitlines()[0])
        CloudWatch monthly cost estimate (project, us-east-1, USD)
    """
    title = f"stack {report.stack}" if report.stack else "project"
    lines = [f"CloudWatch monthly cost estimate ({title}, {report.region}, {report.currency})", ""]
    lines.append(f"{'kind':<12}{'items':>8}{'monthly':>14}")
    for kind, usd in report.totals.items():
        count = sum(1 for i in report.line_items if i.kind == kind)
        lines.append(f"{kind:<12}{count:>8}{_money(usd):>14}")
    lines.append(f"{'total':<12}{len(report.line_items):>8}{_money(report.total_usd):>14}")
    if report.budget_usd is not None:
        verdict = "within budget" if round(report.total_usd, 2) <= round(report.budget_usd, 2) else "OVER BUDGET"
        lines.append(f"{'budget':<12}{'':>8}{_money(report.budget_usd):>14}  {verdict}")
    drivers = report.top_drivers(top)
    if drivers:
        lines += ["", f"top cost drivers (of {len(report.by_resource())} resources)"]
        width = max(len(name) for name, _ in drivers)
        lines += [f"  {name:<{width}}  {_money(usd):>12}" for name, usd in drivers]
    lines += ["", f"prices: {report.prices_source} (as of {report.prices_as_of})"]
    lines.append("not included: Logs Insights queries (billed per GB scanned), API requests, account free tier")
    return "\n".join(lines)
