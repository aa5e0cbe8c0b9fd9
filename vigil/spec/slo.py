"""SLO expansion: one ratio SLO -> one burn-rate alarm per window pair.

A window pair alarms when the error ratio over *both* its short and its long window exceeds
``factor * (1 - objective)``: the long window proves the budget is really burning, the short one that it
still is. The pages use 5m/1h at 14.4x and 30m/6h at 6x (2 % and 5 % of a 30-day budget); tickets use
2h/1d at 3x and 6h/3d at 1x (Google SRE workbook, chapter 5). Each pair is its own alarm, so on-call sees
which one fired.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from vigil.spec.models.alarms import BurnWindow, SloSpec
from vigil.spec.models.common import Severity


def window_label(seconds: int) -> str:
    """A compact label for a window: ``300 -> '5m'``, ``3600 -> '1h'``, ``259200 -> '3d'``.

    >>> window_label(1800), window_label(86400)
    ('30m', '1d')
    """
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


@dataclass(frozen=True)
class BurnRateAlarm:
    """One window pair of an SLO, as it will exist in CloudWatch.

    ``name`` is the paging (composite) alarm; ``short_name`` and ``long_name`` are its two child metric
    alarms, which carry no actions of their own.
    """

    slo: str
    name: str
    tier: Literal["page", "ticket"]
    severity: Severity
    window: BurnWindow
    threshold: float  # error ratio (0..1) that both windows must exceed

    @property
    def short_name(self) -> str:
        """The child alarm over the short window."""
        return f"{self.name}-short"

    @property
    def long_name(self) -> str:
        """The child alarm over the long window."""
        return f"{self.name}-long"


def expand_slo(name: str, slo: SloSpec) -> tuple[BurnRateAlarm, ...]:
    """The burn-rate alarms of one SLO, page tier first.

    >>> from vigil.spec.models import SloSpec
    >>> ref = {"namespace": "Vigil/API", "metric": "http.errors"}
    >>> slo = SloSpec(objective=99.9, bad=ref, total={**ref, "metric": "http.requests"})
    >>> [a.name for a in expand_slo("api-availability", slo)][:2]
    ['api-availability-burn-5m-1h', 'api-availability-burn-30m-6h']
    """
    budget = 1.0 - slo.objective / 100.0
    alarms: list[BurnRateAlarm] = []
    tiers: tuple[tuple[Literal["page", "ticket"], Severity, tuple[BurnWindow, ...]], ...] = (
        ("page", slo.page_severity, slo.page_windows),
        ("ticket", slo.ticket_severity, slo.ticket_windows),
    )
    for tier, severity, windows in tiers:
        for window in windows:
            label = f"{window_label(window.short)}-{window_label(window.long)}"
            alarms.append(
                BurnRateAlarm(
                    slo=name,
                    name=f"{name}-burn-{label}",
                    tier=tier,
                    severity=severity,
                    window=window,
                    threshold=round(window.factor * budget, 12),
                )
            )
    return tuple(alarms)


def page_alarm_names(name: str, slo: SloSpec) -> tuple[str, ...]:
    """Names of the page-tier alarms: what an SLO name stands for in a composite rule."""
    return tuple(a.name for a in expand_slo(name, slo) if a.tier == "page")
