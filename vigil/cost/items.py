"""Cost line items and the cost report (:class:`CostReport`): totals by kind, a per-resource view for preview.

Named ``items`` so it is not read as one more ``report`` (``vigil.report`` is the HTML report of a run).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal, TypedDict

Kind = Literal["metrics", "alarm", "dashboard", "logs"]

#: Report order of the kinds (also the order of ``totals``).
KINDS: tuple[Kind, ...] = ("metrics", "alarm", "dashboard", "logs")


class LineItemDict(TypedDict):
    """JSON form of a :class:`LineItem`."""

    kind: str
    name: str
    item: str
    quantity: float
    unit: str
    unit_usd: float
    monthly_usd: float


class CostReportDict(TypedDict):
    """JSON form of a :class:`CostReport` (``vigil cost --format json``)."""

    stack: str | None
    region: str
    currency: str
    prices_source: str
    prices_as_of: str
    line_items: list[LineItemDict]
    totals: dict[str, float]
    total_usd: float
    budget_usd: float | None
    assumptions: list[str]


@dataclass(frozen=True)
class LineItem:
    """One billed quantity of one resource.

    ``name`` is the resource as provisioned: an alarm name (SLO pairs as ``<pair>``, ``<pair>-short`` and
    ``<pair>-long``), a dashboard name, a log group name, or ``<namespace>:<metric>`` for custom metrics.
    ``item`` says what is billed (``standard alarm metrics``, ``ingestion``, ...).

    Example::

        >>> LineItem("alarm", "queue-backlog", "standard alarm metrics", 1, "alarm metric", 0.10, 0.10).monthly_usd
        0.1
    """

    kind: Kind
    name: str
    item: str
    quantity: float
    unit: str
    unit_usd: float
    monthly_usd: float

    def to_dict(self) -> LineItemDict:
        """The JSON form (money rounded to 1/10,000 USD, quantities to 6 decimals)."""
        return LineItemDict(
            kind=self.kind,
            name=self.name,
            item=self.item,
            quantity=round(self.quantity, 6),
            unit=self.unit,
            unit_usd=round(self.unit_usd, 6),
            monthly_usd=round(self.monthly_usd, 4),
        )


def sort_key(item: LineItem) -> tuple[int, str, str]:
    """Deterministic report order: by kind (:data:`KINDS`), then resource name, then billed item."""
    return (KINDS.index(item.kind), item.name, item.item)


@dataclass(frozen=True)
class CostReport:
    """The estimated monthly CloudWatch cost of one stack's plan.

    Build it with :func:`vigil.cost.estimate` (or ``estimate_stack`` / ``estimate_project``).

    Example::

        >>> from vigil.cost import estimate_project
        >>> from vigil.spec.models import Project
        >>> report = estimate_project(Project())
        >>> report.total_usd, report.totals["alarm"]
        (0.0, 0.0)
    """

    line_items: tuple[LineItem, ...]
    stack: str | None = None
    budget_usd: float | None = None
    region: str = "us-east-1"
    currency: str = "USD"
    prices_source: str = ""
    prices_as_of: str = ""
    assumptions: tuple[str, ...] = field(default=())

    @property
    def totals(self) -> dict[str, float]:
        """Monthly USD by kind, every kind present (0.0 when none), in :data:`KINDS` order."""
        return {kind: math.fsum(i.monthly_usd for i in self.line_items if i.kind == kind) for kind in KINDS}

    @property
    def total_usd(self) -> float:
        """Grand total, monthly USD."""
        return math.fsum(i.monthly_usd for i in self.line_items)

    def by_resource(self) -> dict[str, float]:
        """Monthly USD per resource name (the line items of one resource summed), sorted by name.

        >>> CostReport((LineItem("logs", "/vigil/api", "ingestion", 1, "GB", 0.5, 0.5),
        ...             LineItem("logs", "/vigil/api", "storage", 1, "GB-month", 0.03, 0.03))).by_resource()
        {'/vigil/api': 0.53}
        """
        sums: dict[str, list[float]] = {}
        for item in self.line_items:
            sums.setdefault(item.name, []).append(item.monthly_usd)
        return {name: math.fsum(values) for name, values in sorted(sums.items())}

    def top_drivers(self, n: int = 3) -> list[tuple[str, float]]:
        """The ``n`` costliest resources, most expensive first (ties by name), zero-cost ones left out."""
        ranked = sorted(self.by_resource().items(), key=lambda kv: (-kv[1], kv[0]))
        return [(name, usd) for name, usd in ranked if usd > 0][:n]

    def to_dict(self) -> CostReportDict:
        """The JSON form, deterministic: line items in report order, money rounded to 1/10,000 USD."""
        return CostReportDict(
            stack=self.stack,
            region=self.region,
            currency=self.currency,
            prices_source=self.prices_source,
            prices_as_of=self.prices_as_of,
            line_items=[i.to_dict() for i in self.line_items],
            totals={k: round(v, 4) for k, v in self.totals.items()},
            total_usd=round(self.total_usd, 4),
            budget_usd=self.budget_usd,
            assumptions=list(self.assumptions),
        )
