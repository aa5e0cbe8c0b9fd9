"""CloudWatch Logs pricing: ingestion (declared JSON logs plus EMF lines) and steady-state storage.

Assumptions (also listed in every report):

- Ingestion per log group = its declared ``ingestion_gb_per_month`` + the EMF lines of its namespace:
  ``emf_bytes_per_event`` (300 B) x ``events_per_minute`` x 43,800 min per metric. Counting every metric as its
  own line is an upper bound: metrics emitted together share one EMF line.
- Storage is the steady state once the retention window is full: ``ingest per month x retention_days / 30 x
  compression_ratio`` (0.15), with the retention the plan sets on the log group (stack overrides and the plan's
  default included). A retention longer than ``never_expire_horizon_days`` (365) is priced at 365 days, i.e. its
  cost after one year; it keeps growing after that.
- Metric filters are free (their metrics are custom metrics, priced with the catalog). Logs Insights queries are
  billed per GB scanned when they run and are not included.
"""

from __future__ import annotations

from collections.abc import Mapping

from vigil.cost.items import LineItem
from vigil.cost.prices import PriceTable
from vigil.plan.types import StackPlan
from vigil.spec.models import MetricNamespaceSpec

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
    return items
