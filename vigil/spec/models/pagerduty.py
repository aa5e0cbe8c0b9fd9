"""PagerDuty's side of routing (``pagerduty:`` in ``alarms/routing.yaml``): services, escalation, schedule.

With this section, ``pulumi up`` also provisions PagerDuty (the optional ``vigil-monitoring[pagerduty]`` extra, the
maintained ``pulumi-pagerduty`` provider): one service per severity whose route has a ``kind: pagerduty``
subscription, each with an Amazon CloudWatch integration whose key feeds that subscription (no hand-set secret),
one escalation policy and one on-call schedule. PagerDuty user ids are read from the stack config.

Example (YAML)::

    pagerduty:
      schedule:
        time_zone: Europe/Berlin
        start: 2026-01-05T09:00:00+01:00
        shift_hours: 168
        users: {config: pagerduty_oncall_users}   # "PABC123,PDEF456" in the stack file
      escalation:
        repeat: 2
        levels:
          - {after_minutes: 15, to: schedule}
          - {after_minutes: 15, to: {config: pagerduty_lead_user}}
      urgency: {P2: low}
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, field_validator

from vigil.spec.models.common import Integer, Severity, Spec
from vigil.spec.models.config_ref import ConfigRef


class ScheduleSpec(Spec):
    """One on-call rotation: who (PagerDuty user ids from the stack config), from when, in shifts of how long."""

    name: Annotated[str, Field(min_length=1, max_length=100)] = "on-call"
    time_zone: str
    start: str
    shift_hours: Annotated[Integer, Field(ge=1, le=24 * 365)] = 168
    users: ConfigRef

    @field_validator("time_zone")
    @classmethod
    def _iana(cls, value: str) -> str:
        if value not in zoneinfo.available_timezones():
            raise ValueError(f"'{value}' is not an IANA time zone; write e.g. 'UTC' or 'Europe/Berlin'")
        return value

    @field_validator("start")
    @classmethod
    def _iso(cls, value: str) -> str:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"'{value}' is not an ISO 8601 time; write e.g. 2026-01-05T09:00:00Z") from None
        if parsed.tzinfo is None:
            raise ValueError(f"'{value}' has no UTC offset; write e.g. 2026-01-05T09:00:00Z or +01:00")
        return value


class EscalationLevel(Spec):
    """Who is notified at this level, and how long an unacknowledged incident waits before the next level."""

    after_minutes: Annotated[Integer, Field(ge=1, le=1440)]
    to: Literal["schedule"] | ConfigRef


class EscalationSpec(Spec):
    """The escalation policy: levels in order, the whole list repeated ``repeat`` more times (PagerDuty: 0-9)."""

    name: Annotated[str, Field(min_length=1, max_length=100)] = "on-call escalation"
    repeat: Annotated[Integer, Field(ge=0, le=9)] = 2
    levels: Annotated[tuple[EscalationLevel, ...], Field(min_length=1, max_length=20)]


class PagerDutySpec(Spec):
    """PagerDuty provisioned from the routing spec (see the module docstring)."""

    schedule: ScheduleSpec
    escalation: EscalationSpec
    #: Incident urgency per severity (PagerDuty: ``high`` follows the escalation policy, ``low`` does not page).
    urgency: dict[Severity, Literal["high", "low"]] = Field(default_factory=dict)
