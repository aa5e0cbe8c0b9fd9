"""The CloudWatch cost model: what a stack's plan costs per month, and whether it fits the stack's budget.

Example::

    >>> from vigil.cost import check_budget, estimate_stack
    >>> from vigil.plan.stack import load_stack_plan
    >>> report = estimate_stack(load_stack_plan("tests/spec/good/minimal", "dev"))
    >>> report.total_usd > 0, check_budget(report)
    (True, [])
"""

from __future__ import annotations

from vigil.cost.budget import check_budget
from vigil.cost.errors import CostError
from vigil.cost.estimate import estimate, estimate_project, estimate_stack
from vigil.cost.items import KINDS, CostReport, Kind, LineItem
from vigil.cost.prices import PriceTable, load_prices
from vigil.cost.render import render_text

__all__ = [
    "KINDS",
    "CostError",
    "CostReport",
    "Kind",
    "LineItem",
    "PriceTable",
    "check_budget",
    "estimate",
    "estimate_project",
    "estimate_stack",
    "load_prices",
    "render_text",
]
