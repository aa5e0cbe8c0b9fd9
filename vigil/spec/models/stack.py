"""Stack configuration (``stacks/Pulumi.<env>.yaml``): environment, budget, secrets by reference, overrides."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator

from vigil.spec.models.common import Integer, Name, Namespace, Number, Severity, Spec
from vigil.spec.models.metrics import RetentionDays


class Secure(Spec):
    """A Pulumi-encrypted config value (``{secure: <ciphertext>}``) as ``pulumi config set --secret`` writes it."""

    secure: str


class AlarmOverride(Spec):
    """Per-stack changes to one alarm (or SLO): threshold, severity, periods, or disabling it."""

    threshold: Number | None = None
    #: Heartbeat alarms: the minimum count per period (e.g. 3 x the workers a stack runs, minus slack).
    min_count: Annotated[Number, Field(gt=0)] | None = None
    objective: Annotated[Number, Field(gt=0, lt=100)] | None = None
    severity: Severity | None = None
    period: Annotated[Integer, Field(ge=10)] | None = None
    evaluation_periods: Annotated[Integer, Field(ge=1)] | None = None
    datapoints_to_alarm: Annotated[Integer, Field(ge=1)] | None = None
    enabled: bool | None = None


class Overrides(Spec):
    """``vigil:overrides`` in a stack file.

    Example (YAML)::

        vigil:overrides:
          alarms:
            api-latency-p95-warning: {threshold: 1500}
            elevated-4xx: {enabled: false}
          retention:
            Vigil/API: 365
    """

    alarms: dict[Name, AlarmOverride] = Field(default_factory=dict)
    retention: dict[Namespace, RetentionDays] = Field(default_factory=dict)


class TracingSpec(Spec):
    """``vigil:tracing`` in a stack file: OpenTelemetry head sampling and where spans go.

    Example (YAML)::

        vigil:tracing: {sample_ratio: 0.1}
    """

    enabled: bool = True
    sample_ratio: Annotated[Number, Field(ge=0, le=1)] = 1.0  # share of new traces recorded (parent-based)
    otlp_endpoint: Annotated[str, Field(pattern=r"^https?://\S+$")] = "http://127.0.0.1:4318/v1/traces"
    reservoir_per_second: Annotated[Integer, Field(ge=0)] = 1  # X-Ray sampling rule: traces/s before the ratio


class AiBudgetSpec(Spec):
    """``vigil:ai_budget`` in a stack file: the stack's daily LLM spend budget in USD.

    Metric math reads it as ``${ai_daily_budget_usd}`` (the budget alarms of ``alarms/budget.yaml`` and the
    utilisation widget of the cost dashboard), so each stack alarms at its own budget.

    Example (YAML)::

        vigil:ai_budget: {daily_usd: 240}
    """

    daily_usd: Annotated[Number, Field(gt=0)]


#: Environments in which DEBUG logging is refused (``vigil:log_level``).
PRODUCTION_ENVIRONMENTS = ("prod", "production")


class StackSpec(Spec):
    """The typed view of one stack's config (``vigil:*`` keys of ``stacks/Pulumi.<env>.yaml``).

    Keys other than the ones below (``vigil:oncall_email``, ``vigil:pagerduty_p1_key`` ...) are values that
    routing reads by reference; provider keys (``aws:region``) are kept as given.
    """

    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,100}$")]
    environment: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,31}$")]
    region: str = "us-east-1"
    #: Where AWS Chatbot channel configurations are created (its API is served in few regions:
    #: :data:`vigil.spec.regions.CONTROL_PLANES`); default: the stack's region when Chatbot serves it, else us-east-2.
    chatbot_region: str | None = None
    account_id: Annotated[str, Field(pattern=r"^[0-9]{12}$")] | None = None
    budget_usd: Annotated[Number, Field(ge=0)] | None = None
    retention_days: RetentionDays | None = None
    #: Prepended to every dashboard name; CloudWatch dashboard names use only letters, digits, '-' and '_'.
    dashboard_prefix: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{0,100}$")] = ""
    runbook_base_url: Annotated[str, Field(pattern=r"^https://\S+$")] | None = None
    #: True: PagerDuty, SMS, email and webhook subscriptions are created. False (the default): only chat
    #: channels (AWS Chatbot) are, so a dev stack never pages a person unless its stack file says so.
    page_people: bool = False
    #: True: traffic never stops in this stack, so alarms with ``traffic: expected`` exist and treat no data
    #: as breaching (a silent API is down, not idle).
    expects_traffic: bool = False
    #: The ECS cluster the services run in (``${ecs_cluster}`` in dimension values); default ``vigil-<env>``.
    ecs_cluster: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,255}$")] | None = None
    overrides: Overrides = Overrides()
    tracing: TracingSpec = TracingSpec()
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_anomaly_detection: bool = True
    #: The daily AI (LLM) spend budget; ``${ai_daily_budget_usd}`` in metric math. None: no budget alarms possible.
    ai_budget: AiBudgetSpec | None = None
    values: dict[str, str | Secure] = Field(default_factory=dict)
    provider: dict[str, object] = Field(default_factory=dict)

    @field_validator("log_level")
    @classmethod
    def _no_debug_in_production(cls, level: str, info: ValidationInfo) -> str:
        environment = info.data.get("environment")
        if level == "DEBUG" and environment in PRODUCTION_ENVIRONMENTS:
            raise ValueError(
                f"DEBUG is refused in environment {environment!r} (it logs request and user data at volume); "
                "use INFO, or turn DEBUG on in a non-production stack"
            )
        return level

    def has_value(self, key: str) -> bool:
        """True when the stack file sets ``vigil:<key>`` (plain or secure)."""
        return key in self.values
