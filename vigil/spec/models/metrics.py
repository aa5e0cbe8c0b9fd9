"""Metric namespace catalogs (``metrics/*.yaml``): metrics, dimension sets, the log group, filters, queries."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from vigil.spec import enums
from vigil.spec.models.common import (
    DimensionName,
    Integer,
    MetricName,
    Name,
    Namespace,
    Number,
    Spec,
    Version,
    strict_number,
)

StorageResolution = Annotated[Literal[1, 60], BeforeValidator(strict_number)]


def dimension_value_problem(value: str) -> str | None:
    """Why CloudWatch refuses a dimension value (1-1024 ASCII characters, not only whitespace), or None.

    >>> dimension_value_problem("eu-west-1"), dimension_value_problem("München")
    (None, "'München' has non-ASCII characters; CloudWatch dimension values are ASCII only")
    """
    if not value.strip():
        return f"dimension value {value!r} is empty or only whitespace; CloudWatch needs a visible character"
    if len(value) > 1024:
        return f"dimension value is {len(value)} characters; CloudWatch allows 1024"
    if not value.isascii():
        return f"{value!r} has non-ASCII characters; CloudWatch dimension values are ASCII only"
    return None


def _dimension_values(values: tuple[str, ...]) -> tuple[str, ...]:
    for value in values:
        problem = dimension_value_problem(value)
        if problem:
            raise ValueError(f"{problem}: change the value")
    return values


def _retention(days: int | None) -> int | None:
    if days is not None and days not in enums.retention_days():
        allowed = ", ".join(str(d) for d in enums.retention_days())
        raise ValueError(f"{days} is not a CloudWatch Logs retention; allowed days: {allowed}")
    return days


#: Days CloudWatch Logs keeps events (only the values of its API; None means forever, which policy refuses).
RetentionDays = Annotated[Integer, AfterValidator(_retention)]


class DimensionSpec(Spec):
    """A dimension the namespace may emit, with the number of distinct values expected per stack.

    The cardinality drives the cost model: every combination of dimension values is a billed custom metric.
    """

    cardinality: Annotated[Integer, Field(ge=1, le=1_000_000)] = 1
    description: str = ""
    values: Annotated[
        tuple[str, ...], AfterValidator(_dimension_values)
    ] = ()  # known values, when the set is closed (e.g. StatusClass: 2xx..5xx)


class MetricSpec(Spec):
    """One metric of a namespace.

    Example (YAML)::

        http.request.duration:
          unit: Milliseconds
          description: Server-side request latency.
          dimension_sets: [service, endpoint]
          statistics: [p50, p95, p99]
    """

    unit: str
    description: str = ""
    resolution: StorageResolution = 60
    dimension_sets: Annotated[tuple[Name, ...], Field(min_length=1)] = ("service",)
    statistics: tuple[str, ...] = ()  # statistics dashboards and alarms are expected to use (documentation)
    events_per_minute: Annotated[Number, Field(ge=0)] = 0.0  # expected emit rate, for the log ingestion estimate


class MetricFilterSpec(Spec):
    """A CloudWatch Logs metric filter that turns matching log lines into a metric of this namespace."""

    pattern: Annotated[str, Field(min_length=1, max_length=1024)]
    metric: MetricName
    value: str = "1"
    default_value: Number | None = None
    dimensions: dict[DimensionName, str] = Field(default_factory=dict)  # dimension -> "$.json.field"
    description: str = ""


class QuerySpec(Spec):
    """A Logs Insights saved query (query definition) over this namespace's log group."""

    query: Annotated[str, Field(min_length=1, max_length=10_000)]
    description: str = ""


#: A Contributor Insights JSON path: ``$`` then ``.field`` or ``[index]`` steps; a dot always means nesting.
JsonPath = Annotated[str, Field(pattern=r"^\$(\.[A-Za-z0-9_@-]+|\[[0-9]+\])+$")]


class ContributorFilterSpec(Spec):
    """One filter of a Contributor Insights rule: the field ``match`` and exactly one operator.

    Example (YAML)::

        {match: $.level, in: [ERROR, CRITICAL]}
        {match: $.cost_usd, is_present: true}
    """

    match: JsonPath
    in_: Annotated[tuple[str, ...], Field(min_length=1, max_length=10)] | None = Field(default=None, alias="in")
    is_present: bool | None = None
    greater_than: Number | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> ContributorFilterSpec:
        given = [k for k in ("in_", "is_present", "greater_than") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one operator: in, is_present or greater_than")
        return self


class ContributorRuleSpec(Spec):
    """A CloudWatch Contributor Insights rule over the log group: the top-N contributors by ``keys``.

    With ``value_of`` contributors are ranked by the sum of that numeric field, without it by their number of
    log events. Contributor Insights reads a dot in a path as nesting, so ``value_of`` names a field without dots
    in its name (``$.cost_usd``, not the EMF key ``llm.cost_usd``). Priced per rule and per matched event
    (``events_per_minute``).

    Example (YAML)::

        ai-cost-by-user:
          keys: [$.user_id]
          value_of: $.cost_usd
          filters: [{match: $.cost_usd, is_present: true}]
          events_per_minute: 150
    """

    description: str = ""
    keys: Annotated[tuple[JsonPath, ...], Field(min_length=1, max_length=4)]
    value_of: JsonPath | None = None
    filters: Annotated[tuple[ContributorFilterSpec, ...], Field(max_length=4)] = ()
    events_per_minute: Annotated[Number, Field(ge=0)] = 0.0


class NewErrorsSpec(Spec):
    """New-error detection on the log group: a metric of this namespace counts fingerprints seen for the first time.

    A subscription filter sends the lines matching ``pattern`` to a Lambda function that stores each
    ``error.fingerprint`` in a DynamoDB table; the first write of a fingerprint counts one on ``metric``
    (dimensions Service and Environment). Alarm on that metric like on any other (``alarms/errors.yaml``).
    ``error_lines_per_minute`` prices the function and the table.

    Example (YAML)::

        new_errors:
          metric: error.new_fingerprints
          error_lines_per_minute: 5
    """

    description: str = ""
    metric: MetricName
    pattern: Annotated[str, Field(min_length=1, max_length=1024)] = "{ $.error.fingerprint = * }"
    error_lines_per_minute: Annotated[Number, Field(ge=0)] = 1.0


class KmsSpec(Spec):
    """Encryption of the log group with a customer managed KMS key."""

    enabled: bool = True
    key_alias: str | None = None  # reuse an existing key; default: one key per log group


class LogGroupSpec(Spec):
    """The log group the namespace's service writes its JSON logs and EMF lines to."""

    name: Annotated[str, Field(pattern=r"^[\.\-_/#A-Za-z0-9]{1,512}$")]
    retention_days: RetentionDays | None = 30
    kms: KmsSpec = KmsSpec()
    ingestion_gb_per_month: Annotated[Number, Field(ge=0)] = 1.0
    metric_filters: dict[Name, MetricFilterSpec] = Field(default_factory=dict)
    queries: dict[Name, QuerySpec] = Field(default_factory=dict)
    contributor_rules: dict[Name, ContributorRuleSpec] = Field(default_factory=dict)
    new_errors: NewErrorsSpec | None = None


class MetricNamespaceSpec(Spec):
    """A metric namespace: what one service emits through EMF, and where its logs go.

    Example (YAML)::

        version: vigil/v1
        namespace: Vigil/API
        service: api
        dimensions:
          Service: {cardinality: 1}
          Environment: {cardinality: 1}
          Endpoint: {cardinality: 25}
        dimension_sets:
          service: [Service, Environment]
          endpoint: [Service, Environment, Endpoint]
        metrics:
          http.requests: {unit: Count, dimension_sets: [service, endpoint]}
        log_group: {name: /vigil/api, retention_days: 30}
    """

    version: Version
    namespace: Namespace
    service: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,62}$")]
    description: str = ""
    dimensions: dict[DimensionName, DimensionSpec] = Field(default_factory=dict)
    dimension_sets: dict[Name, tuple[DimensionName, ...]] = Field(default_factory=dict)
    metrics: dict[MetricName, MetricSpec] = Field(default_factory=dict)
    properties: tuple[str, ...] = ()  # EMF properties (searchable in Logs Insights, never dimensions)
    log_group: LogGroupSpec | None = None

    def dimension_set(self, name: str) -> tuple[str, ...]:
        """The dimension names of a named set (KeyError if the set is not declared)."""
        return self.dimension_sets[name]

    def metric_dimension_sets(self, metric: str) -> list[tuple[str, ...]]:
        """All dimension sets a metric is emitted with, as tuples of dimension names."""
        return [self.dimension_sets[s] for s in self.metrics[metric].dimension_sets if s in self.dimension_sets]
