"""Alarm and SLO specs (``alarms/*.yaml``): static, math, anomaly, heartbeat, composite alarms and SLOs.

Composite rules (the tree under ``rule:``) live in :mod:`vigil.spec.models.rules`.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from vigil.spec.models.alarm_actions import AlarmActions
from vigil.spec.models.common import (
    DimensionName,
    Integer,
    MetricName,
    Name,
    Namespace,
    Number,
    Runbook,
    Severity,
    Spec,
    Tags,
    Version,
)
from vigil.spec.models.routing import ConfigRef
from vigil.spec.models.rules import Rule

TreatMissingData = Literal["missing", "notBreaching", "breaching", "ignore"]

#: Short forms accepted for ``comparison``; they are normalised to CloudWatch's operator names.
COMPARISON_ALIASES: dict[str, str] = {
    ">": "GreaterThanThreshold",
    ">=": "GreaterThanOrEqualToThreshold",
    "<": "LessThanThreshold",
    "<=": "LessThanOrEqualToThreshold",
}

MathId = Annotated[str, Field(pattern=r"^[a-z][a-zA-Z0-9_]{0,254}$")]


class MetricRef(Spec):
    """A reference to a catalog metric with concrete dimension values and a statistic.

    Dimension values may use ``${environment}`` and ``${service}``, resolved per stack.
    """

    namespace: Namespace
    metric: MetricName
    dimensions: dict[DimensionName, str] = Field(default_factory=dict)
    statistic: str = "Sum"
    period: Annotated[Integer, Field(ge=1)] | None = None  # defaults to the alarm's period


class AlarmBase(Spec):
    """Fields every alarm kind shares."""

    description: str = ""
    severity: Severity
    runbook: Runbook | None = None
    period: Annotated[Integer, Field(ge=10)] = 60
    evaluation_periods: Annotated[Integer, Field(ge=1)] = 1
    datapoints_to_alarm: Annotated[Integer, Field(ge=1)] | None = None
    treat_missing_data: TreatMissingData = "missing"
    enabled: bool = True
    tags: Tags = Field(default_factory=dict)
    #: False: the alarm notifies nobody on its own (a composite's child); it still shows on dashboards.
    notify: bool = True
    #: The dashboard (spec name) on-call opens first; its URL ends the alarm description.
    dashboard: Name | None = None
    #: ``expected``: the alarm exists only in stacks with ``vigil:expects_traffic: true``, and there missing data
    #: is breaching (no requests at all is an outage, not a quiet night).
    traffic: Literal["any", "expected"] = "any"
    #: What CloudWatch does by itself on a state change, besides notifying (:mod:`vigil.spec.models.alarm_actions`).
    actions: AlarmActions = ()


class _Comparing(AlarmBase):
    comparison: str = "GreaterThanThreshold"
    threshold: Number

    @model_validator(mode="before")
    @classmethod
    def _alias_comparison(cls, data: object) -> object:
        if isinstance(data, dict) and isinstance(data.get("comparison"), str):
            op = data["comparison"].strip()
            if op in COMPARISON_ALIASES:
                data = {**data, "comparison": COMPARISON_ALIASES[op]}
        return data


class StaticAlarm(_Comparing):
    """A threshold on one metric and statistic (``Average``, ``Sum``, ``p95``, ``p99``, ...).

    Example (YAML)::

        api-latency-p95:
          kind: static
          severity: P2
          metric: {namespace: Vigil/API, metric: http.request.duration, statistic: p95,
                   dimensions: {Service: api, Environment: "${environment}"}}
          comparison: ">"
          threshold: 5000
          period: 60
          evaluation_periods: 10
    """

    kind: Literal["static"]
    metric: MetricRef
    unit: str | None = None  # the unit the threshold is expressed in; must be compatible with the metric's
    #: Percentile statistics only: ``ignore`` keeps the alarm's state while the sample count is too low for the
    #: percentile (fewer than 10/(1-p) samples for p >= 0.5, 10/p below); ``evaluate`` (CloudWatch's default) does not.
    evaluate_low_sample_count_percentile: Literal["evaluate", "ignore"] | None = None


class MathAlarm(_Comparing):
    """A threshold on a metric math expression over catalog metrics, e.g. ``100 * failed / claimed``."""

    kind: Literal["math"]
    metrics: Annotated[dict[MathId, MetricRef], Field(min_length=1, max_length=10)]
    expression: Annotated[str, Field(min_length=1, max_length=1024)]
    label: str = ""


class AnomalyAlarm(AlarmBase):
    """An anomaly detection band (``ANOMALY_DETECTION_BAND(m, band)``) around one metric's statistic."""

    kind: Literal["anomaly"]
    metric: MetricRef
    band: Annotated[Number, Field(gt=0, le=100)] = 2.0
    comparison: Literal[
        "GreaterThanUpperThreshold",
        "LessThanLowerThreshold",
        "LessThanLowerOrGreaterThanUpperThreshold",
    ] = "GreaterThanUpperThreshold"


class HeartbeatAlarm(AlarmBase):
    """Fires when a metric stops arriving: ``Sum < min_count`` per period, missing data is breaching."""

    kind: Literal["heartbeat"]
    metric: MetricRef
    min_count: Annotated[Number, Field(gt=0)] = 1.0
    treat_missing_data: Literal["breaching"] = "breaching"


# External probes: detection that does not depend on the app. An app that is down emits nothing, so alarms
# on its own metrics stay quiet during a total outage. A probe is a Route 53 health check that requests a
# public URL from several AWS regions, and an alarm on its AWS/Route53 HealthCheckStatus metric (1 healthy,
# 0 unhealthy). Route 53 publishes that metric in us-east-1 only (`vigil check` refuses probes elsewhere).
#: Route 53 checker regions (``HealthCheckRegion`` in the Route 53 API); a probe uses at least 3.
CheckerRegion = Literal[
    "us-east-1",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "sa-east-1",
]


class ProbeAlarm(AlarmBase):
    """A Route 53 health check on a public URL from the stack config, and an alarm when it fails.

    The alarm reads ``HealthCheckStatus`` with ``Minimum < 1``: any failing period is unhealthy. Missing
    data is breaching (a deleted or broken health check is no protection).

    Example (YAML)::

        api-unreachable:
          kind: probe
          severity: P1
          runbook: alarms/runbooks/api-unreachable.md
          url: {config: api_health_url}     # vigil:api_health_url: https://api.example.com/health/ready
          search_string: '"status":"pass"'
          period: 60
          evaluation_periods: 2
    """

    kind: Literal["probe"]
    url: ConfigRef
    search_string: Annotated[str, Field(min_length=1, max_length=255)] | None = None
    request_interval: Literal[10, 30] = 30
    failure_threshold: Annotated[int, Field(ge=1, le=10)] = 3
    regions: tuple[CheckerRegion, ...] = ()
    treat_missing_data: TreatMissingData = "breaching"
    evaluation_periods: Annotated[int, Field(ge=1)] = 2


#: The Synthetics runtime the smoke-flow canary runs on (Python 3.12, no browser needed by the script).
DEFAULT_CANARY_RUNTIME = "syn-python-selenium-14.0"


class CanaryAlarm(AlarmBase):
    """A CloudWatch Synthetics canary running the seed smoke flow (``vigil smoke``) and an alarm on its runs.

    Every ``every_minutes`` the canary creates a session, fetches a question, answers it and fetches the plan
    summary against the base URL from the stack config; the alarm fires when ``SuccessPercent`` stays below
    ``min_success_percent``. Missing data is breaching (a stopped canary protects nobody). Each run creates a
    real session in the target service.

    Example (YAML)::

        smoke-flow:
          kind: canary
          severity: P2
          runbook: alarms/runbooks/smoke-flow.md
          url: {config: smoke_base_url}     # vigil:smoke_base_url: https://api.example.com
          every_minutes: 5
    """

    kind: Literal["canary"]
    url: ConfigRef
    #: ``smoke``: the seed smoke flow; ``patch-validation``: the patch validation dry run (``vigil smoke --flow``).
    flow: Literal["smoke", "patch-validation"] = "smoke"
    every_minutes: Annotated[int, Field(ge=1, le=60)] = 5
    timeout_seconds: Annotated[int, Field(ge=10, le=840)] = 60
    runtime: Annotated[str, Field(pattern=r"^syn-python-selenium-[0-9]+\.[0-9]+$")] = DEFAULT_CANARY_RUNTIME
    min_success_percent: Annotated[float, Field(gt=0, le=100)] = 100.0
    treat_missing_data: TreatMissingData = "breaching"
    period: Annotated[int, Field(ge=60)] = 300
    evaluation_periods: Annotated[int, Field(ge=1)] = 2


class Suppressor(Spec):
    """Actions suppression: while ``alarm`` is in ALARM the composite notifies nobody (e.g. a maintenance alarm).

    ``wait_period``: seconds the composite waits for the suppressor to go into ALARM after it fires itself;
    ``extension_period``: seconds it stays suppressed after the suppressor leaves ALARM.
    """

    alarm: Name
    wait_period: Annotated[int, Field(ge=0)] = 120
    extension_period: Annotated[int, Field(ge=0)] = 60


class CompositeAlarm(Spec):
    """An alarm over other alarms' states; an SLO name in the rule stands for any of its page alarms.

    Example (YAML)::

        platform-down:
          kind: composite
          severity: P1
          rule:
            any:
              - all: [worker-down, queue-backlog]
              - api-availability
    """

    kind: Literal["composite"]
    description: str = ""
    severity: Severity
    runbook: Runbook | None = None
    rule: Rule
    enabled: bool = True
    tags: Tags = Field(default_factory=dict)
    notify: bool = True
    dashboard: Name | None = None
    suppressor: Suppressor | None = None
    #: Lambda and OpsItem actions (PutCompositeAlarm takes no scaling actions; OpsItems only on ALARM).
    actions: AlarmActions = ()


Alarm = Annotated[
    Union[  # noqa: UP007
        StaticAlarm, MathAlarm, AnomalyAlarm, HeartbeatAlarm, ProbeAlarm, CanaryAlarm, CompositeAlarm
    ],
    Field(discriminator="kind"),
]


class BurnWindow(Spec):
    """One multi-window burn-rate pair: alarm when both windows burn faster than ``factor``."""

    short: Annotated[Integer, Field(ge=60)]
    long: Annotated[Integer, Field(ge=60)]
    factor: Annotated[Number, Field(gt=0)]

    @model_validator(mode="after")
    def _short_before_long(self) -> BurnWindow:
        if self.short >= self.long:
            raise ValueError(f"short window ({self.short}s) must be shorter than long window ({self.long}s)")
        return self


DEFAULT_PAGE_WINDOWS = (
    BurnWindow(short=300, long=3600, factor=14.4),
    BurnWindow(short=1800, long=21600, factor=6.0),
)
DEFAULT_TICKET_WINDOWS = (
    BurnWindow(short=7200, long=86400, factor=3.0),
    BurnWindow(short=21600, long=259200, factor=1.0),
)


class SloSpec(Spec):
    """A ratio SLO (bad events / total events) expanded to multi-window, multi-burn-rate alarms.

    Each window pair becomes its own alarm, named ``<slo>-burn-<short>-<long>`` (e.g.
    ``api-availability-burn-5m-1h``), so on-call sees which one fired.

    Example (YAML)::

        api-availability:
          objective: 99.9
          bad:   {namespace: Vigil/API, metric: http.errors,   dimensions: {Service: api, Environment: "${environment}"}}
          total: {namespace: Vigil/API, metric: http.requests, dimensions: {Service: api, Environment: "${environment}"}}
          page_severity: P1
          ticket_severity: P3
          runbook: https://runbooks.example.com/api-availability
    """

    description: str = ""
    objective: Annotated[Number, Field(gt=0, lt=100)]
    bad: MetricRef
    total: MetricRef
    page_severity: Severity = Severity.P1
    ticket_severity: Severity = Severity.P3
    page_windows: tuple[BurnWindow, ...] = DEFAULT_PAGE_WINDOWS
    ticket_windows: tuple[BurnWindow, ...] = DEFAULT_TICKET_WINDOWS
    runbook: Runbook | None = None
    enabled: bool = True
    tags: Tags = Field(default_factory=dict)
    #: False: the page-tier burn alarms notify nobody on their own (a composite pages for them); ticket-tier
    #: alarms always notify their severity.
    notify_pages: bool = True


class AlarmFile(Spec):
    """One ``alarms/*.yaml`` file: named alarms and SLOs."""

    version: Version
    alarms: dict[Name, Alarm] = Field(default_factory=dict)
    slos: dict[Name, SloSpec] = Field(default_factory=dict)


CompositeAlarm.model_rebuild()
