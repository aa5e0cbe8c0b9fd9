"""Plain, typed descriptions of every resource a stack provisions (no Pulumi).

The plan is what the components turn into Pulumi resources one to one. Every field is a plain value
(``str``, ``int``, ``float``, tuples, mappings), so a plan can be compared, printed and golden-tested.
Policy documents and dashboard bodies are already rendered to deterministic JSON strings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from vigil.plan.alarm_actions import AlarmActionPlan, ScalableTargetPlan
from vigil.plan.pagerduty import PagerDutyPlan
from vigil.plan.restarter import RestarterPlan
from vigil.spec.models.common import Severity, render_template


@dataclass(frozen=True)
class StackContext:
    """Where the plan is deployed: the values that appear inside ARNs, names and tags."""

    stack: str
    environment: str
    region: str
    account_id: str
    runbook_base_url: str | None = None
    #: False: subscriptions that reach a person (PagerDuty, SMS, email, webhooks) are left out; chat stays.
    page_people: bool = True
    #: ``${ecs_cluster}`` in dimension values (``""``: the default ``vigil-<env>``).
    ecs_cluster: str = ""
    #: ``${ai_daily_budget_usd}`` in metric math: the stack's ``vigil:ai_budget.daily_usd`` (None: not set).
    ai_daily_budget_usd: float | None = None
    #: The stack file's plain ``vigil:*`` values, read by ``${config:KEY}`` in dimension values.
    config: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    #: ``(service, region)`` of the services created outside ``region`` (:data:`vigil.spec.regions.CONTROL_PLANES`).
    service_regions: tuple[tuple[str, str], ...] = ()

    def region_of(self, service: str) -> str:
        """The region ``service``'s resources are created in (the stack's region when it is not in the table).

        >>> StackContext("dev", "dev", "us-east-1", "1", service_regions=(("chatbot", "us-east-2"),)).region_of("chatbot")
        'us-east-2'
        """
        return dict(self.service_regions).get(service, self.region)

    def render(self, value: str, service: str = "") -> str:
        """``value`` with ``${environment}``, ``${stack}``, ``${ecs_cluster}``, ``${config:KEY}``,
        ``${ai_daily_budget_usd}`` (and ``${service}``); ``ValueError`` when the stack sets no AI budget and
        ``value`` needs it.

        The one place a plan's consumers render a spec's dimension value or expression (``vigil test`` feeding
        a series, the dashboards, the alarms), so all of them read the metric the deployed alarm reads.

        >>> StackContext("prod", "prod", "us-east-1", "123456789012").render("${ecs_cluster}/${service}", "api")
        'vigil-prod/api'
        """
        return render_template(
            value,
            environment=self.environment,
            service=service,
            stack=self.stack,
            ecs_cluster=self.ecs_cluster,
            ai_daily_budget_usd=self.ai_daily_budget_usd,
            config=self.config,
        )


@dataclass(frozen=True)
class KmsKeyPlan:
    """A customer managed KMS key (rotation on) and its alias."""

    alias: str
    description: str
    policy: str  # JSON
    tags: Mapping[str, str] = field(default_factory=dict)
    #: Name in the spec: the key's purpose (``alarms``, or the namespace whose log group it encrypts).
    spec_name: str = field(default="", kw_only=True)


@dataclass(frozen=True)
class LogGroupPlan:
    """A log group with retention and encryption (a new key, or an existing one by alias)."""

    name: str
    arn: str
    retention_days: int
    kms_key: KmsKeyPlan | None
    existing_kms_alias: str | None
    tags: Mapping[str, str] = field(default_factory=dict)
    #: Name in the spec: the spec's log group name (``/vigil/api``), before the stack's naming.
    spec_name: str = field(default="", kw_only=True)


@dataclass(frozen=True)
class MetricFilterPlan:
    """A metric filter turning matching log lines into a metric."""

    name: str
    log_group_name: str
    pattern: str
    metric_name: str
    namespace: str
    value: str
    default_value: float | None
    dimensions: Mapping[str, str] = field(default_factory=dict)
    #: Name in the spec: the filter's name in its namespace's ``log_group.metric_filters``.
    spec_name: str = field(default="", kw_only=True)


@dataclass(frozen=True)
class QueryDefinitionPlan:
    """A Logs Insights saved query."""

    name: str
    log_group_names: tuple[str, ...]
    query_string: str
    #: Name in the spec: the query's name in its namespace's ``log_group.queries``.
    spec_name: str = field(default="", kw_only=True)


@dataclass(frozen=True)
class ContributorRulePlan:
    """A Contributor Insights rule over one log group; ``definition`` is the rule JSON (sorted keys)."""

    name: str
    definition: str
    tags: Mapping[str, str] = field(default_factory=dict)
    #: Name in the spec: the rule's name in its namespace's ``log_group.contributor_rules``.
    spec_name: str = field(default="", kw_only=True)


@dataclass(frozen=True)
class AgentConfigPlan:
    """The CloudWatch agent config (JSON) of one service, stored in an SSM parameter."""

    parameter_name: str
    config: str  # JSON
    tags: Mapping[str, str] = field(default_factory=dict)
    #: Name in the spec: the namespace (``Vigil/API``) whose service the agent serves.
    spec_name: str = field(default="", kw_only=True)


@dataclass(frozen=True)
class LogAnomalyDetectorPlan:
    """CloudWatch Logs anomaly detection on one log group (patterns learned, unusual lines surfaced)."""

    name: str
    log_group_arn: str
    evaluation_frequency: str  # ONE_MIN | FIVE_MIN | TEN_MIN | FIFTEEN_MIN | THIRTY_MIN | ONE_HOUR
    anomaly_visibility_days: int  # 7..90: an anomaly left unfixed this long becomes the baseline
    tags: Mapping[str, str] = field(default_factory=dict)
    #: Name in the spec: the namespace whose log group is watched.
    spec_name: str = field(default="", kw_only=True)


@dataclass(frozen=True)
class NewErrorDetectorPlan:
    """First sightings of error fingerprints: subscription filter -> Lambda -> DynamoDB + a catalog metric.

    ``name`` names the table, the function and its role; ``environment`` is the function's environment
    (``TABLE``, ``NAMESPACE``, ``METRIC``, ``DIMENSIONS``); ``policy`` its IAM policy (JSON).
    """

    name: str
    log_group_name: str
    log_group_arn: str
    filter_pattern: str
    table_name: str
    function_log_group: str
    function_log_retention_days: int
    runtime: str
    handler: str
    memory_mb: int
    timeout_seconds: int
    environment: Mapping[str, str]
    policy: str
    tags: Mapping[str, str] = field(default_factory=dict)
    #: Name in the spec: the namespace whose log group it watches.
    spec_name: str = field(default="", kw_only=True)


@dataclass(frozen=True)
class NamespacePlan:
    """Everything one metric namespace provisions, and the policy its application needs."""

    namespace: str
    service: str
    log_group: LogGroupPlan | None
    metric_filters: tuple[MetricFilterPlan, ...]
    queries: tuple[QueryDefinitionPlan, ...]
    app_policy: str  # IAM policy JSON
    agent_config: AgentConfigPlan | None
    anomaly_detector: LogAnomalyDetectorPlan | None = None
    contributor_rules: tuple[ContributorRulePlan, ...] = ()
    new_errors: NewErrorDetectorPlan | None = None
    #: Name in the spec: the namespace (``Vigil/API``).
    spec_name: str = field(default="", kw_only=True)


SubscriptionProtocol = Literal["https", "email", "sms"]


@dataclass(frozen=True)
class SubscriptionPlan:
    """An SNS subscription whose endpoint is read from stack config (``vigil:<config_key>``).

    ``endpoint_template`` has one ``{}`` for the config value (PagerDuty builds a URL from the key).
    """

    kind: str
    protocol: SubscriptionProtocol
    config_key: str
    secret: bool
    endpoint_template: str = "{}"
    raw_message_delivery: bool = False
    #: Alarm states delivered (SNS filter policy on the message's ``NewStateValue``); empty: every state.
    states: tuple[str, ...] = ()
    #: https deliveries that fail after SNS's retries go to the dead-letter queue.
    dead_letter: bool = False

    @property
    def filter_policy(self) -> str | None:
        """The subscription's filter policy JSON (scope ``MessageBody``), or None for every state."""
        if not self.states:
            return None
        return json.dumps({"NewStateValue": list(self.states)}, separators=(",", ":"))


@dataclass(frozen=True)
class ChatChannelPlan:
    """An AWS Chatbot channel configuration subscribed to the topics of ``severities``.

    ``config_keys`` maps the Chatbot field (``slack_team_id``, ``slack_channel_id``, or ``tenant_id``,
    ``team_id``, ``channel_id``) to the ``vigil:<key>`` stack config holding it.
    """

    kind: Literal["slack", "teams"]
    name: str
    config_keys: Mapping[str, str]
    severities: tuple[Severity, ...]
    role_name: str
    role_trust_policy: str  # JSON
    role_policy: str  # JSON: what Chatbot may read to render notifications
    guardrail_policy_arns: tuple[str, ...]
    tags: Mapping[str, str] = field(default_factory=dict)
    #: Where the configuration is created: Chatbot's API is served in few regions (vigil:chatbot_region).
    region: str = "us-east-2"
    #: Name in the spec: the chat channel's label (``slack-alerts``), before the stack's naming.
    spec_name: str = field(default="", kw_only=True)


@dataclass(frozen=True)
class DeliveryPlan:
    """Where failed notification deliveries are reported, and the dead-letter queue of https subscriptions."""

    severity: Severity
    topic_name: str
    topic_arn: str
    topic_policy: str  # JSON
    subscriptions: tuple[SubscriptionPlan, ...]
    queue_name: str
    queue_arn: str
    queue_policy: str  # JSON: only this stack's alarm topics may send
    tags: Mapping[str, str] = field(default_factory=dict)
    #: False when no subscription delivers over https (a stack that pages nobody): no queue is created.
    has_queue: bool = True
    #: Name in the spec: ``delivery_failures`` (the routing section it comes from).
    spec_name: str = field(default="", kw_only=True)


@dataclass(frozen=True)
class TopicPlan:
    """One SNS topic per severity, its publish policy and subscriptions, and which alarm actions use it."""

    severity: Severity
    name: str
    arn: str
    policy: str  # JSON
    subscriptions: tuple[SubscriptionPlan, ...]
    alarm_actions: bool
    ok_actions: bool
    insufficient_data_actions: bool
    tags: Mapping[str, str] = field(default_factory=dict)
    #: Name in the spec: the severity (``P1``).
    spec_name: str = field(default="", kw_only=True)
    #: The topic's delivery policy JSON: how often SNS retries an HTTP(S) delivery (PagerDuty, webhooks, Chatbot).
    delivery_policy: str | None = None


@dataclass(frozen=True)
class RoutingPlan:
    """The alarm topics and the KMS key that encrypts them."""

    kms_key: KmsKeyPlan
    topics: tuple[TopicPlan, ...]
    chat_channels: tuple[ChatChannelPlan, ...] = ()
    delivery: DeliveryPlan | None = None
    #: PagerDuty's services, escalation policy and schedule (``pagerduty:`` in routing), None when not managed.
    pagerduty: PagerDutyPlan | None = None

    def topic(self, severity: Severity) -> TopicPlan | None:
        """The topic of a severity, or None when the severity is not routed."""
        return next((t for t in self.topics if t.severity == severity), None)


@dataclass(frozen=True)
class MetricStatPlan:
    """One metric and statistic, as in a metric query's ``metric``."""

    namespace: str
    metric_name: str
    dimensions: Mapping[str, str]
    period: int
    stat: str


@dataclass(frozen=True)
class MetricQueryPlan:
    """One line of a metric math alarm: a metric (``metric``) or an ``expression``."""

    id: str
    return_data: bool
    metric: MetricStatPlan | None = None
    expression: str | None = None
    label: str = ""


@dataclass(frozen=True)
class ActionsPlan:
    """Which of a severity topic's actions an alarm carries (``severity`` None: no actions).

    ``target`` ``delivery``: the actions go to the delivery-failure topic instead of the severity's.
    """

    severity: Severity | None
    alarm: bool = False
    ok: bool = False
    insufficient_data: bool = False
    target: Literal["severity", "delivery"] = "severity"

    @property
    def any(self) -> bool:
        """True when the alarm notifies anyone."""
        return self.severity is not None and (self.alarm or self.ok or self.insufficient_data)


NO_ACTIONS = ActionsPlan(severity=None)


@dataclass(frozen=True)
class CanaryPlan:
    """A Synthetics canary: its code (files of the zip), schedule, role and artifact bucket."""

    name: str
    alarm_name: str
    runtime_version: str
    handler: str
    schedule: str  # rate(5 minutes)
    timeout_seconds: int
    environment: Mapping[str, str]
    files: Mapping[str, str]  # path in the zip -> content
    bucket_name: str
    role_name: str
    role_trust_policy: str  # JSON
    role_policy: str  # JSON
    tags: Mapping[str, str] = field(default_factory=dict)
    #: Name in the spec: the ``kind: canary`` alarm.
    spec_name: str = field(default="", kw_only=True)


@dataclass(frozen=True)
class MetricAlarmPlan:
    """A CloudWatch metric alarm: one metric (``metric`` + statistic) or metric queries."""

    name: str
    kind: str  # static, math, anomaly, heartbeat, slo-window
    severity: Severity
    description: str
    comparison_operator: str
    evaluation_periods: int
    datapoints_to_alarm: int | None
    treat_missing_data: str
    actions: ActionsPlan
    threshold: float | None = None
    threshold_metric_id: str | None = None
    metric: MetricStatPlan | None = None
    statistic: str | None = None
    extended_statistic: str | None = None
    metric_queries: tuple[MetricQueryPlan, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    #: Name in the spec: the alarm spec; an SLO window alarm's or delivery alarm's name before the stack's naming.
    spec_name: str = field(default="", kw_only=True)
    #: ``EvaluateLowSampleCountPercentile`` (``evaluate`` or ``ignore``; None: not sent, CloudWatch's default).
    evaluate_low_sample_count_percentile: str | None = None
    #: What CloudWatch does by itself on a state change besides notifying (``actions:`` in the spec).
    automations: tuple[AlarmActionPlan, ...] = ()


@dataclass(frozen=True)
class SuppressorPlan:
    """Actions suppression of a composite: ``alarm`` (a name) and its wait and extension periods in seconds."""

    alarm: str
    wait_period: int
    extension_period: int


@dataclass(frozen=True)
class CompositeAlarmPlan:
    """A composite alarm over the states of ``children`` (alarm names)."""

    name: str
    kind: str  # composite, slo
    severity: Severity
    description: str
    alarm_rule: str
    children: tuple[str, ...]
    actions: ActionsPlan
    tags: Mapping[str, str] = field(default_factory=dict)
    suppressor: SuppressorPlan | None = None
    #: Name in the spec: the composite alarm spec, or an SLO burn-rate alarm's name before the stack's naming.
    spec_name: str = field(default="", kw_only=True)
    #: Lambda and OpsItem actions (``actions:`` in the spec).
    automations: tuple[AlarmActionPlan, ...] = ()


@dataclass(frozen=True)
class HealthCheckPlan:
    """A Route 53 health check of one probe; ``alarm_name`` reads its ``HealthCheckStatus``.

    The alarm's ``HealthCheckId`` dimension holds ``name`` in the plan; the component puts the id there.
    """

    name: str
    alarm_name: str
    type: str  # HTTPS, HTTP, HTTPS_STR_MATCH, HTTP_STR_MATCH
    fqdn: str
    port: int
    resource_path: str
    search_string: str | None
    request_interval: int
    failure_threshold: int
    regions: tuple[str, ...]
    tags: Mapping[str, str] = field(default_factory=dict)
    #: Where the health check is created: Route 53's API region (us-east-1 in the aws partition).
    region: str = "us-east-1"
    #: Name in the spec: the ``kind: probe`` alarm.
    spec_name: str = field(default="", kw_only=True)


@dataclass(frozen=True)
class AlarmsPlan:
    """All alarms: metric alarms first (composites depend on them)."""

    metric_alarms: tuple[MetricAlarmPlan, ...]
    composite_alarms: tuple[CompositeAlarmPlan, ...]
    health_checks: tuple[HealthCheckPlan, ...] = ()
    canaries: tuple[CanaryPlan, ...] = ()
    #: ECS services registered with Application Auto Scaling for the alarms' ``scale`` actions.
    scalable_targets: tuple[ScalableTargetPlan, ...] = ()
    #: Vigil's restart function, when an alarm has a ``restart`` action.
    restarter: RestarterPlan | None = None

    def names(self) -> tuple[str, ...]:
        """Every alarm name, metric alarms first."""
        return tuple(a.name for a in self.metric_alarms) + tuple(a.name for a in self.composite_alarms)


@dataclass(frozen=True)
class DashboardPlan:
    """A dashboard with its rendered body."""

    spec_name: str
    name: str
    body: str  # JSON
    widget_count: int
    url: str


@dataclass(frozen=True)
class SamplingRulePlan:
    """An X-Ray sampling rule for one service: ``reservoir_size`` traces per second, then ``fixed_rate``."""

    name: str
    service_name: str
    priority: int
    fixed_rate: float
    reservoir_size: int
    tags: Mapping[str, str] = field(default_factory=dict)
    #: Name in the spec: the service it samples.
    spec_name: str = field(default="", kw_only=True)
    #: Span attributes a request must carry to match: the stack's environment, so stacks never share a rule.
    attributes: Mapping[str, str] = field(default_factory=dict)

    def matches(self) -> tuple[object, ...]:
        """What the rule matches (X-Ray compares every field; host, method, path, type and ARN are ``*``)."""
        return (self.service_name, tuple(sorted(self.attributes.items())))


@dataclass(frozen=True)
class TraceGroupPlan:
    """An X-Ray group: the traces of one service (its service map and X-Ray Insights)."""

    name: str
    filter_expression: str
    insights_enabled: bool
    tags: Mapping[str, str] = field(default_factory=dict)
    #: Name in the spec: the service whose traces it groups.
    spec_name: str = field(default="", kw_only=True)


@dataclass(frozen=True)
class TracingPlan:
    """The X-Ray side of tracing, and what each service's process needs to send traces.

    ``app_environment`` is, per service, the environment variables that
    :meth:`vigil.tracing.TelemetrySettings.from_env` reads; ``collector_policy`` is the IAM policy the
    CloudWatch agent or ADOT collector needs to forward spans to X-Ray.
    """

    sampling_rules: tuple[SamplingRulePlan, ...]
    groups: tuple[TraceGroupPlan, ...]
    app_environment: Mapping[str, Mapping[str, str]]
    collector_policy: str  # IAM policy JSON


@dataclass(frozen=True)
class StackPlan:
    """The whole stack, in provisioning order."""

    context: StackContext
    namespaces: tuple[NamespacePlan, ...]
    routing: RoutingPlan
    alarms: AlarmsPlan
    dashboards: tuple[DashboardPlan, ...]
    tracing: TracingPlan | None = None
