"""Budget enforcement: ``check_budget`` reports a stack whose estimate exceeds its ``budget_usd``."""

from __future__ import annotations

from vigil.cost.estimate import estimate
from vigil.cost.report import CostReport
from vigil.spec.models import Project


def check_budget(project: Project, report: CostReport | None = None) -> list[str]:
    """Messages (empty when fine) for a stack whose estimated monthly cost exceeds ``stack.budget_usd``.

    No stack, or no ``budget_usd``, means nothing to check. The message says by how much the budget is
    exceeded and names the top 3 cost drivers, so ``vigil check`` can print it as is.

    Example::

        >>> from vigil.spec.models import Project, StackSpec
        >>> project = Project(stack=StackSpec(name="dev", environment="dev", budget_usd=0),
        ...                   dashboards={f"d{i}": {"widgets": [{"type": "text", "markdown": "x"}]} for i in range(4)})
        >>> for part in check_budget(project)[0].split("; "):
        ...     print(part)
        stack 'dev': estimated CloudWatch cost $3.00/month exceeds budget_usd $0.00 by $3.00
        top cost drivers: d3 $3.00
    """
    stack = project.stack
    if stack is None or stack.budget_usd is None:
        return []
    report = report if report is not None else estimate(project)
    total, budget = report.total_usd, stack.budget_usd
    if round(total, 2) <= round(budget, 2):
        return []
    over = total - budget
    share = f" ({over / budget:.0%} over)" if budget > 0 else ""
    drivers = ", ".join(f"{name} ${usd:,.2f}" for name, usd in report.top_drivers(3))
    return [
        f"stack '{stack.name}': estimated CloudWatch cost ${total:,.2f}/month exceeds budget_usd ${budget:,.2f} "
        f"by ${over:,.2f}{share}; top cost drivers: {drivers}"
    ]
