"""Budget enforcement: ``check_budget`` reports an estimate that exceeds its stack's ``budget_usd``."""

from __future__ import annotations

from vigil.cost.items import CostReport


def check_budget(report: CostReport) -> list[str]:
    """Messages (empty when fine) for an estimate over its ``budget_usd`` (None: nothing to check).

    The message says by how much the budget is exceeded and names the top 3 cost drivers, so ``vigil check`` can
    print it as is.

    Example::

        >>> from vigil.cost.items import LineItem
        >>> board = LineItem("dashboard", "vigil-dev-d3", "dashboard", 1, "dashboard", 3.0, 3.0)
        >>> for part in check_budget(CostReport((board,), stack="dev", budget_usd=0))[0].split("; "):
        ...     print(part)
        stack 'dev': estimated CloudWatch cost $3.00/month exceeds budget_usd $0.00 by $3.00
        top cost drivers: vigil-dev-d3 $3.00
    """
    if report.budget_usd is None:
        return []
    total, budget = report.total_usd, report.budget_usd
    if round(total, 2) <= round(budget, 2):
        return []
    over = total - budget
    share = f" ({over / budget:.0%} over)" if budget > 0 else ""
    drivers = ", ".join(f"{name} ${usd:,.2f}" for name, usd in report.top_drivers(3))
    return [
        f"stack '{report.stack}': estimated CloudWatch cost ${total:,.2f}/month exceeds budget_usd ${budget:,.2f} "
        f"by ${over:,.2f}{share}; top cost drivers: {drivers}"
    ]
