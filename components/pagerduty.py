"""``PagerDutyService``: PagerDuty's side of routing, provisioned with the maintained ``pulumi-pagerduty`` provider.

One on-call schedule, one escalation policy (its levels target the schedule or PagerDuty users), and per paging
severity a service with an Amazon CloudWatch integration. ``integration_keys`` (severity -> secret key) feed the SNS
https subscriptions of :class:`AlarmRouting` instead of a hand-set ``{secret: ...}`` key.

Imported only when the routing spec has ``pagerduty:`` (``pip install 'vigil-monitoring[pagerduty]'``); the provider
reads its token from ``pagerduty:token`` in the stack config or ``PAGERDUTY_TOKEN``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_pagerduty as pagerduty

from vigil.plan.naming import Naming
from vigil.plan.pagerduty import EscalationLevelPlan, PagerDutyPlan
from vigil.spec.models.common import Severity

#: Stack config namespace of the PagerDuty user ids (``vigil:<key>``, comma-separated).
CONFIG_NAMESPACE = "vigil"


@dataclass(frozen=True)
class PagerDutyArgs:
    """The planned PagerDuty side; user ids are read from ``config`` (default: ``pulumi.Config("vigil")``)."""

    plan: PagerDutyPlan
    config: pulumi.Config | None = None


def user_ids(config: pulumi.Config, key: str) -> list[str]:
    """The PagerDuty user ids in ``vigil:<key>`` (comma-separated, ``PABC123,PDEF456``)."""
    ids = [part.strip() for part in config.require(key).split(",") if part.strip()]
    if not ids:
        raise pulumi.RunError(f"vigil:{key} lists no PagerDuty user id; set it to e.g. 'PABC123,PDEF456'")
    return ids


class PagerDutyService(pulumi.ComponentResource):
    """Schedule, escalation policy, and one service + CloudWatch integration per paging severity.

    Example::

        >>> pd = PagerDutyService("pagerduty", PagerDutyArgs(plan=stack_plan.routing.pagerduty))  # doctest: +SKIP
        >>> AlarmRouting("routing", AlarmRoutingArgs(plan, pagerduty_keys=pd.integration_keys))  # doctest: +SKIP

    Attributes: ``integration_keys`` (severity -> secret integration key), ``service_ids`` (severity -> id),
    ``escalation_policy_id``, ``schedule_id``.
    """

    integration_keys: dict[Severity, pulumi.Output[str]]
    service_ids: dict[Severity, pulumi.Output[str]]
    escalation_policy_id: pulumi.Output[str]
    schedule_id: pulumi.Output[str]

    def __init__(self, name: str, args: PagerDutyArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("vigil:pagerduty:PagerDutyService", name, None, opts)
        plan = args.plan
        config = args.config or pulumi.Config(CONFIG_NAMESPACE)
        child = pulumi.ResourceOptions(parent=self)
        schedule = pagerduty.Schedule(
            Naming.logical("pd-schedule", plan.schedule_name),
            name=plan.schedule_name,
            time_zone=plan.time_zone,
            layers=[
                pagerduty.ScheduleLayerArgs(
                    name="rotation",
                    start=plan.start,
                    rotation_virtual_start=plan.start,
                    rotation_turn_length_seconds=plan.shift_seconds,
                    users=user_ids(config, plan.users_config_key),
                )
            ],
            opts=child,
        )
        self.schedule_id = schedule.id
        policy = pagerduty.EscalationPolicy(
            Naming.logical("pd-escalation", plan.escalation_name),
            name=plan.escalation_name,
            num_loops=plan.repeat,
            rules=[self._rule(level, schedule.id, config) for level in plan.levels],
            opts=child,
        )
        self.escalation_policy_id = policy.id
        vendor = pagerduty.get_vendor_output(name=plan.vendor, opts=pulumi.InvokeOutputOptions(parent=self))
        self.service_ids, self.integration_keys = {}, {}
        for service_plan in plan.services:
            service = pagerduty.Service(
                Naming.logical("pd-service", service_plan.name),
                name=service_plan.name,
                description=service_plan.description,
                escalation_policy=policy.id,
                auto_resolve_timeout="null",  # CloudWatch's OK resolves the incident
                incident_urgency_rule=pagerduty.ServiceIncidentUrgencyRuleArgs(
                    type="constant", urgency=service_plan.urgency
                ),
                opts=child,
            )
            integration = pagerduty.ServiceIntegration(
                Naming.logical("pd-integration", service_plan.name),
                name=plan.vendor,
                service=service.id,
                vendor=vendor.id,
                opts=pulumi.ResourceOptions(parent=self, additional_secret_outputs=["integrationKey"]),
            )
            self.service_ids[service_plan.severity] = service.id
            self.integration_keys[service_plan.severity] = pulumi.Output.secret(integration.integration_key)
        self.register_outputs(
            {
                "service_ids": {s.value: i for s, i in self.service_ids.items()},
                "escalation_policy_id": self.escalation_policy_id,
                "schedule_id": self.schedule_id,
            }
        )

    @staticmethod
    def _rule(
        level: EscalationLevelPlan, schedule_id: pulumi.Output[str], config: pulumi.Config
    ) -> pagerduty.EscalationPolicyRuleArgs:
        if level.schedule:
            targets = [pagerduty.EscalationPolicyRuleTargetArgs(id=schedule_id, type="schedule_reference")]
        else:
            ids = user_ids(config, level.users_config_key or "")
            targets = [pagerduty.EscalationPolicyRuleTargetArgs(id=i, type="user_reference") for i in ids]
        return pagerduty.EscalationPolicyRuleArgs(escalation_delay_in_minutes=level.delay_minutes, targets=targets)
