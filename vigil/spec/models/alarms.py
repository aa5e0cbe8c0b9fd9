"""Alarm and SLO specs (``alarms/*.yaml``): static, math, anomaly, heartbeat, composite alarms and SLOs."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Discriminator, Field, Tag, model_validator

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


class AlarmState(Spec):
    """``ALARM(name)``, ``OK(name)`` or ``INSUFFICIENT_DATA(name)`` in a composite rule."""

    alarm: Name
    state: Literal["ALARM", "OK", "INSUFFICIENT_DATA"] = "ALARM"


class AllOf(Spec):
    """Every sub-rule holds (AND)."""

    all: Annotated[tuple[Rule, ...], Field(min_length=1)]


class AnyOf(Spec):
    """At least one sub-rule holds (OR)."""

    any: Annotated[tuple[Rule, ...], Field(min_length=1)]


class NotRule(Spec):
    """The sub-rule does not hold (NOT)."""

    not_: Rule = Field(alias="not")


def _rule_tag(value: object) -> str | None:
    """Which rule form ``value`` is: a name, or the one key of all / any / not / alarm (None: invalid)."""
    if isinstance(value, str):
        return "name"
    if isinstance(value, dict):
        if "alarm" in value:
            return "alarm"
        keys = [tag for tag in ("all", "any", "not") if tag in value]
        return keys[0] if len(keys) == 1 and len(value) == 1 else None
    forms: dict[type, str] = {AllOf: "all", AnyOf: "any", NotRule: "not", AlarmState: "alarm"}
    return forms.get(type(value))


#: A composite rule: an alarm name (in ALARM), or all / any / not / alarm-with-state.
Rule = Annotated[
    Union[  # noqa: UP007 (a recursive alias needs Union)
        Annotated[Name, Tag("name")],
        Annotated[AlarmState, Tag("alarm")],
        Annotated[AllOf, Tag("all")],
        Annotated[AnyOf, Tag("any")],
        Annotated[NotRule, Tag("not")],
    ],
    Discriminator(
        _rule_tag,
        custom_error_type="invalid_rule",
        custom_error_message="a rule is an alarm name, or a mapping with exactly one of: all, any, not, alarm",
    ),
]


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


Alarm = Annotated[
    Union[StaticAlarm, MathAlarm, AnomalyAlarm, HeartbeatAlarm, CompositeAlarm],  # noqa: UP007
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


class AlarmFile(Spec):
    """One ``alarms/*.yaml`` file: named alarms and SLOs."""

    version: Version
    alarms: dict[Name, Alarm] = Field(default_factory=dict)
    slos: dict[Name, SloSpec] = Field(default_factory=dict)


AllOf.model_rebuild()
AnyOf.model_rebuild()
NotRule.model_rebuild()
CompositeAlarm.model_rebuild()
