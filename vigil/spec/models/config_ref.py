"""A value read from the stack config (``{config: key}`` or ``{secret: key}``), shared by routing and PagerDuty."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from vigil.spec.models.common import Spec

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
