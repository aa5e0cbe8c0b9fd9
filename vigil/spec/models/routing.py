"""Routing (``alarms/routing.yaml``): severity -> one SNS topic -> subscriptions."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from vigil.spec.models.common import Integer, Severity, Spec, Version

ConfigKey = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,127}$")]


class ConfigRef(Spec):
    """A value read from the stack config (``vigil:<key>``), never written inline in the spec.

    ``{config: oncall_email}`` reads a plain value; ``{secret: pagerduty_p1_key}`` reads it with
    ``config.require_secret`` so it stays encrypted in Pulumi state.
    """

    config: ConfigKey | None = None
    secret: ConfigKey | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> ConfigRef:
        if (self.config is None) == (self.secret is None):
            raise ValueError("give exactly one of 'config: <key>' or 'secret: <key>'")
        return self

    @property
    def key(self) -> str:
        """The config key, without the ``vigil:`` namespace."""
        return self.config or self.secret or ""

    @property
    def is_secret(self) -> bool:
        """True when read with ``require_secret``."""
        return self.secret is not None


class PagerDutySubscription(Spec):
    """PagerDuty's CloudWatch integration, subscribed as an https endpoint built from a secret key."""

    kind: Literal["pagerduty"]
    integration_key: ConfigRef

    @model_validator(mode="after")
    def _key_is_secret(self) -> PagerDutySubscription:
        if not self.integration_key.is_secret:
            raise ValueError("a PagerDuty integration key must be a secret: use '{secret: <key>}', not '{config: ...}'")
        return self


class EmailSubscription(Spec):
    """An email address (SNS sends a confirmation mail once)."""

    kind: Literal["email"]
    endpoint: ConfigRef


class SmsSubscription(Spec):
    """A phone number in E.164 form."""

    kind: Literal["sms"]
    endpoint: ConfigRef


class WebhookSubscription(Spec):
    """A chat or incident webhook reached over https (Slack, Teams, Opsgenie, ...)."""

    kind: Literal["webhook"]
    endpoint: ConfigRef
    raw_message_delivery: bool = False


Subscription = Annotated[
    Union[PagerDutySubscription, EmailSubscription, SmsSubscription, WebhookSubscription],  # noqa: UP007
    Field(discriminator="kind"),
]


class SeverityRoute(Spec):
    """Where alarms of one severity go."""

    description: str = ""
    response_minutes: Annotated[Integer, Field(ge=1)] | None = None
    ok_actions: bool = True
    insufficient_data_actions: bool = False
    digest: Literal["none", "daily", "weekly"] = "none"
    subscriptions: tuple[Subscription, ...] = ()


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
    """

    version: Version
    routing: dict[Severity, SeverityRoute]
