"""Value types of ``vigil.health``: statuses, probe kinds, what a check returns and what a run reports.

The ``TypedDict`` shapes follow draft-inadarei-api-health-check (``application/health+json``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NotRequired, TypedDict


class Status(StrEnum):
    """Health status of a check or a whole probe (the draft's ``pass``, ``warn``, ``fail``)."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"


class Kind(StrEnum):
    """Probe kinds, as Kubernetes names them."""

    LIVENESS = "liveness"
    READINESS = "readiness"
    STARTUP = "startup"


ObservedValue = float | int | str | bool | None


@dataclass(frozen=True, slots=True)
class Observation:
    """What a check may return to report more than pass/fail.

    >>> Observation(Status.WARN, value=91.5, unit="percent", output="disk almost full").status
    <Status.WARN: 'warn'>
    """

    status: Status = Status.PASS
    value: ObservedValue = None
    unit: str | None = None
    output: str = ""

    def __post_init__(self) -> None:
        # "fail", "FAIL" -> Status.FAIL; anything else stays as given and the executor fails the check with it
        status: object = self.status
        if not isinstance(status, Status) and isinstance(status, str):
            text = str.__str__(status).strip().lower()
            if text in Status._value2member_map_:
                object.__setattr__(self, "status", Status(text))


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of one check execution (shared by every probe that used it while cached)."""

    name: str
    component: str
    measurement: str
    component_type: str
    critical: bool
    status: Status
    observed_value: ObservedValue
    observed_unit: str | None
    output: str
    time: datetime
    duration_ms: float

    @property
    def key(self) -> str:
        """The draft's ``component:measurement`` key of the ``checks`` map."""
        return f"{self.component}:{self.measurement}"


class CheckEntry(TypedDict):
    """One element of a ``checks`` list in ``application/health+json``."""

    componentId: str
    componentType: str
    observedValue: ObservedValue
    observedUnit: NotRequired[str]
    status: str
    time: str
    output: NotRequired[str]


class HealthDocument(TypedDict):
    """An ``application/health+json`` body (bare documents carry only ``status``)."""

    status: str
    version: NotRequired[str]
    releaseId: NotRequired[str]
    serviceId: NotRequired[str]
    description: NotRequired[str]
    checks: NotRequired[dict[str, list[CheckEntry]]]
