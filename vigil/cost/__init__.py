"""The CloudWatch cost model: what a Vigil project costs per month, and whether it fits the stack's budget.

Example::

    >>> from vigil.cost import estimate, check_budget
    >>> from vigil.spec.models import Project
    >>> report = estimate(Project())
    >>> report.total_usd, check_budget(Project(), report)
    (0.0, [])
"""

from __future__ import annotations

from vigil.cost.budget import check_budget
from vigil.cost.errors import CostError
from vigil.cost.estimate import estimate
from vigil.cost.prices import PriceTable, load_prices
from vigil.cost.render import render_text
from vigil.cost.report import KINDS, CostReport, Kind, LineItem

__all__ = [
    "KINDS",
    "CostError",
    "CostReport",
    "Kind",
    "LineItem",
    "PriceTable",
    "check_budget",
    "estimate",
    "load_prices",
    "render_text",
]
