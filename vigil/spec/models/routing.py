"""Routing (``alarms/routing.yaml``): severity -> one SNS topic -> subscriptions and chat channels.

People are reached through SNS subscriptions (PagerDuty, SMS, email, incident webhooks), each with the alarm
states it wants (``notify``); chat goes through AWS Chatbot (``slack``, ``teams``), never a raw https
webhook, because Slack and Teams can neither confirm an SNS subscription nor read its JSON.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from vigil.spec.models.common import Integer, Severity, Spec, Version
from vigil.spec.models.config_ref import ConfigKey, ConfigRef
from vigil.spec.models.pagerduty import PagerDutySpec

__all__ = ["ConfigKey", "ConfigRef"]

#: Alarm states a subscription may receive (an SNS filter policy on the alarm message's ``NewStateValue``).
StateName = Literal["ALARM", "OK", "INSUFFICIENT_DATA"]
States = Annotated[tuple[StateName, ...], Field(min_length=1)]


class PagerDutySubscription(Spec):
    """PagerDuty's CloudWatch integration, subscribed as an https endpoint built from a secret key.

    PagerDuty resolves an incident when it receives the alarm's OK, so ``notify`` defaults to ALARM and OK.
    """

    kind: Literal["pagerduty"]
    integration_key: ConfigRef
    notify: States = ("ALARM", "OK")

    @model_validator(mode="after")
    def _key_is_secret(self) -> PagerDutySubscription:
        if not self.integration_key.is_secret:
            raise ValueError("a PagerDuty integration key must be a secret: use '{secret: <key>}', not '{config: ...}'")
        return self


class EmailSubscription(Spec):
    """An email address (SNS sends a confirmation mail once); only ALARM by default, recoveries show in chat."""

    kind: Literal["email"]
    endpoint: ConfigRef
    notify: States = ("ALARM",)


class SmsSubscription(Spec):
    """A phone number in E.164 form; only ALARM by default (a deploy must not text on-call)."""

    kind: Literal["sms"]
    endpoint: ConfigRef
    notify: States = ("ALARM",)


class WebhookSubscription(Spec):
    """An incident tool that accepts SNS https deliveries and confirms the subscription (Opsgenie, ...).

    Not for Slack or Teams: they cannot confirm an SNS subscription, so every message would be lost; use
    ``kind: slack`` or ``kind: teams`` (AWS Chatbot). Undeliverable messages go to the dead-letter queue.
    """

    kind: Literal["webhook"]
    endpoint: ConfigRef
    raw_message_delivery: bool = False
    notify: States = ("ALARM", "OK")


class SlackChannel(Spec):
    """A Slack channel reached through AWS Chatbot (the workspace is authorised once in the Chatbot console).

    Chatbot subscribes itself to the topic and shows every state the severity publishes.

    Example (YAML)::

        - {kind: slack, workspace: {config: slack_workspace_id}, channel: {config: slack_alerts_channel_id}}
    """

    kind: Literal["slack"]
    workspace: ConfigRef
    channel: ConfigRef


class TeamsChannel(Spec):
    """A Microsoft Teams channel reached through AWS Chatbot (the tenant is authorised once in the console)."""

    kind: Literal["teams"]
    tenant: ConfigRef
    team: ConfigRef
    channel: ConfigRef


Subscription = Annotated[
    Union[  # noqa: UP007
        PagerDutySubscription, EmailSubscription, SmsSubscription, WebhookSubscription, SlackChannel, TeamsChannel
    ],
    Field(discriminator="kind"),
]

#: Subscription kinds that reach a person directly: a stack without ``vigil:page_people: true`` drops them.
PERSON_KINDS = frozenset({"pagerduty", "sms", "email", "webhook"})
CHAT_KINDS = frozenset({"slack", "teams"})


def config_refs(sub: Subscription) -> dict[str, ConfigRef]:
    """Every stack-config reference of a subscription, by field name.

    >>> sorted(config_refs(SlackChannel(kind="slack", workspace={"config": "ws"}, channel={"config": "c"})))
    ['channel', 'workspace']
    """
    return {name: value for name in type(sub).model_fields if isinstance(value := getattr(sub, name), ConfigRef)}


class SeverityRoute(Spec):
    """Where alarms of one severity go."""

    description: str = ""
    response_minutes: Annotated[Integer, Field(ge=1)] | None = None
    ok_actions: bool = True
    insufficient_data_actions: bool = False
    subscriptions: tuple[Subscription, ...] = ()


class DeliveryFailureRoute(Spec):
    """Who hears that SNS could not deliver an alarm notification (a separate topic, not a severity's).

    Alarms on each severity topic's ``NumberOfNotificationsFailed`` and on the dead-letter queue of https
    subscriptions publish here, so the path that reports a broken PagerDuty or chat delivery does not
    depend on it. Email or SMS only (no https: it could fail the same way).
    """

    severity: Severity = Severity.P2
    subscriptions: Annotated[tuple[Union[EmailSubscription, SmsSubscription], ...], Field(min_length=1)]  # noqa: UP007


class RoutingFile(Spec):
    """``alarms/routing.yaml``: one route per severity.

    Example (YAML)::

        version: vigil/v1
        routing:
          P1:
            response_minutes: 5
            subscriptions:
              - {kind: pagerduty, integration_key: {secret: pagerduty_p1_key}}
              - {kind: email, endpoint: {config: oncall_email}}
          P4: {subscriptions: []}
        delivery_failures:
          subscriptions: [{kind: email, endpoint: {config: team_email}}]
    """

    version: Version
    routing: dict[Severity, SeverityRoute]
    delivery_failures: DeliveryFailureRoute | None = None
    #: PagerDuty's services, escalation policy and schedule, provisioned too (:mod:`vigil.spec.models.pagerduty`).
    pagerduty: PagerDutySpec | None = None
