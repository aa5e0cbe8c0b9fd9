"""PagerDuty's side of routing, planned (pure): services per severity, escalation policy, schedule.

Built from ``pagerduty:`` in ``alarms/routing.yaml`` (:mod:`vigil.spec.models.pagerduty`) for a stack that pages
people; :mod:`components.pagerduty` provisions it with the ``pulumi-pagerduty`` provider. Each service's Amazon
CloudWatch integration key replaces the ``{secret: ...}`` key of the severity's ``kind: pagerduty`` subscription.

Example::

    >>> from vigil.plan.stack import load_stack_plan
    >>> load_stack_plan(".", "prod").plan.routing.pagerduty is None  # this repository does not enable it
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from vigil.spec.models.common import Severity
from vigil.spec.models.pagerduty import PagerDutySpec
from vigil.spec.models.routing import SeverityRoute

#: The PagerDuty vendor of the integration (``pagerduty.get_vendor(name=...)``).
CLOUDWATCH_VENDOR = "Amazon CloudWatch"


@dataclass(frozen=True)
class PagerDutyServicePlan:
    """One PagerDuty service: the incidents of one severity."""

    severity: Severity
    name: str
    description: str
    urgency: str  # "high" or "low"


@dataclass(frozen=True)
class EscalationLevelPlan:
    """One escalation rule: the schedule, or the PagerDuty user ids in stack config ``vigil:<users_config_key>``."""

    delay_minutes: int
    schedule: bool
    users_config_key: str | None = None


@dataclass(frozen=True)
class PagerDutyPlan:
    """Everything Vigil creates in PagerDuty for one stack."""

    services: tuple[PagerDutyServicePlan, ...]
    escalation_name: str
    repeat: int
    levels: tuple[EscalationLevelPlan, ...]
    schedule_name: str
    time_zone: str
    start: str  # ISO 8601 with offset
    shift_seconds: int
    users_config_key: str  # comma-separated PagerDuty user ids in vigil:<key>
    vendor: str = CLOUDWATCH_VENDOR

    def service(self, severity: Severity) -> PagerDutyServicePlan | None:
        """The service of ``severity``, None when it does not page through PagerDuty."""
        return next((s for s in self.services if s.severity == severity), None)


def plan_pagerduty(
    spec: PagerDutySpec | None, routing: dict[Severity, SeverityRoute], prefix: str, page_people: bool
) -> PagerDutyPlan | None:
    """The PagerDuty plan, or None without a ``pagerduty:`` section or in a stack that pages nobody.

    ``prefix`` is the stack's resource name prefix (``vigil-prod-``).
    """
    if spec is None or not page_people:
        return None
    services = tuple(
        PagerDutyServicePlan(
            severity=severity,
            name=f"{prefix}{severity.value.lower()}",
            description=(routing[severity].description or f"{severity.value} alarms")[:1000],
            urgency=spec.urgency.get(severity, "high"),
        )
        for severity in sorted(routing)
        if any(sub.kind == "pagerduty" for sub in routing[severity].subscriptions)
    )
    if not services:
        return None
    levels = tuple(
        EscalationLevelPlan(
            level.after_minutes, level.to == "schedule", None if isinstance(level.to, str) else level.to.key
        )
        for level in spec.escalation.levels
    )
    start = datetime.fromisoformat(spec.schedule.start.replace("Z", "+00:00")).isoformat()
    return PagerDutyPlan(
        services=services,
        escalation_name=f"{prefix}{spec.escalation.name}",
        repeat=spec.escalation.repeat,
        levels=levels,
        schedule_name=f"{prefix}{spec.schedule.name}",
        time_zone=spec.schedule.time_zone,
        start=start,
        shift_seconds=spec.schedule.shift_hours * 3600,
        users_config_key=spec.schedule.users.key,
    )
