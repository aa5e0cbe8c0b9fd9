"""CloudWatch Logs pricing: ingestion (declared JSON logs plus EMF lines) and steady-state storage.

Assumptions (also listed in every report):

- Ingestion per log group = its declared ``ingestion_gb_per_month`` + the EMF lines of its namespace:
  ``emf_bytes_per_event`` (300 B) x ``events_per_minute`` x 43,800 min per metric. Counting every metric as its
  own line is an upper bound: metrics emitted together share one EMF line.
- Storage is the steady state once the retention window is full: ``ingest per month x retention_days / 30 x
  compression_ratio`` (0.15), with the retention the plan sets on the log group (stack overrides and the plan's
  default included). A retention longer than ``never_expire_horizon_days`` (365) is priced at 365 days, i.e. its
  cost after one year; it keeps growing after that.
- Contributor Insights rules: a flat price per rule and month plus a price per million matched log events
  (the rule's declared ``events_per_minute`` x 43,800 minutes).
- The new-error detector: per error line that reaches it, one Lambda invocation (128 MB, 0.1 s), one DynamoDB
  write and one PutMetricData call (an upper bound: lines arrive in batches), from ``error_lines_per_minute``.
- Metric filters are free (their metrics are custom metrics, priced with the catalog). Logs Insights queries are
  billed per GB scanned when they run and are not included.
"""

from __future__ import annotations

from collections.abc import Mapping

from vigil.cost.items import LineItem
from vigil.cost.prices import PriceTable
from vigil.plan.types import StackPlan
from vigil.spec.models import LogGroupSpec, MetricNamespaceSpec

DAYS_PER_MONTH = 30


def emf_gb_per_month(namespace: MetricNamespaceSpec, prices: PriceTable) -> float:
    """Estimated EMF log volume of a namespace in GB per month.

    >>> from vigil.cost.prices import load_prices
    >>> from vigil.spec.models import MetricNamespaceSpec
    >>> ns = MetricNamespaceSpec(version="vigil/v1", namespace="Vigil/API", service="api",
    ...                          metrics={"http.requests": {"unit": "Count", "events_per_minute": 1000}})
    >>> round(emf_gb_per_month(ns, load_prices()), 2)  # 1000/min x 300 B x 43,800 min
    12.24
    """
    logs = prices.logs
    events = sum(m.events_per_minute for m in namespace.metrics.values())
    return events * logs.emf_bytes_per_event * logs.minutes_per_month / logs.bytes_per_gb


def stored_gb(ingest_gb_per_month: float, retention: int | None, prices: PriceTable) -> float:
    """Steady-state compressed GB stored for a monthly ingest and a retention (``None``: never expires).

    >>> from vigil.cost.prices import load_prices
    >>> round(stored_gb(100.0, 30, load_prices()), 6)  # one month kept, compressed to 15 %
    15.0
    """
    logs = prices.logs
    days = logs.never_expire_horizon_days if retention is None else min(retention, logs.never_expire_horizon_days)
    return ingest_gb_per_month * days / DAYS_PER_MONTH * logs.compression_ratio


def log_items(plan: StackPlan, catalog: Mapping[str, MetricNamespaceSpec], prices: PriceTable) -> list[LineItem]:
    """Ingestion and storage of every planned log group: the catalog's declared volumes, the plan's retention."""
    logs = prices.logs
    items: list[LineItem] = []
    for ns in plan.namespaces:
        group, spec = ns.log_group, catalog.get(ns.namespace)
        if group is None or spec is None or spec.log_group is None:
            continue
        ingest = spec.log_group.ingestion_gb_per_month + emf_gb_per_month(spec, prices)
        stored = stored_gb(ingest, group.retention_days, prices)
        ingest_usd = ingest * logs.ingestion_usd_per_gb
        stored_usd = stored * logs.storage_usd_per_gb_month
        items.append(LineItem("logs", group.name, "ingestion", ingest, "GB", logs.ingestion_usd_per_gb, ingest_usd))
        items.append(
            LineItem("logs", group.name, "storage", stored, "GB-month", logs.storage_usd_per_gb_month, stored_usd)
        )
        items.extend(contributor_rule_items(group.name, spec.log_group, prices))
        if spec.log_group.new_errors is not None:
            lines = spec.log_group.new_errors.error_lines_per_minute * logs.minutes_per_month / 1_000_000
            unit_usd = prices.new_error_line_usd * 1_000_000
            item = "new-error detector (Lambda, DynamoDB, PutMetricData), per million error lines"
            items.append(LineItem("logs", group.name, item, lines, "million error lines", unit_usd, lines * unit_usd))
    return items


def contributor_rule_items(log_group: str, group: LogGroupSpec, prices: PriceTable) -> list[LineItem]:
    """Per Contributor Insights rule of ``group`` (priced under the planned name ``log_group``): the rule itself, and
    the log events it matches in a month.

    >>> from vigil.cost.prices import load_prices
    >>> from vigil.spec.models import LogGroupSpec
    >>> lg = LogGroupSpec(name="/vigil/worker", contributor_rules={"by-user": {"keys": ["$.user_id"],
    ...                                                                       "events_per_minute": 150}})
    >>> items = contributor_rule_items("/vigil/dev/worker", lg, load_prices())  # $0.50 + 6.57 M events x $0.02
    >>> [(i.name, round(i.monthly_usd, 4)) for i in items]
    [('/vigil/dev/worker', 0.5), ('/vigil/dev/worker', 0.1314)]
    """
    items: list[LineItem] = []
    for name, rule in sorted(group.contributor_rules.items()):
        per_rule = prices.contributor_rule_usd
        items.append(LineItem("logs", log_group, f"Contributor Insights rule {name}", 1, "rule", per_rule, per_rule))
        millions = rule.events_per_minute * prices.logs.minutes_per_month / 1_000_000
        unit_usd = prices.contributor_usd_per_million_events
        item = f"Contributor Insights {name}: matched events"
        items.append(LineItem("logs", log_group, item, millions, "million events", unit_usd, millions * unit_usd))
    return items
