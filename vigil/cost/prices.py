"""The CloudWatch price table (``prices.json``): list prices with their source and date, and tiered pricing."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from vigil.cost.errors import CostError


@dataclass(frozen=True)
class Tier:
    """One price tier: ``usd`` per unit for units up to ``up_to`` in total (``None``: no upper bound)."""

    up_to: int | None
    usd: float


@dataclass(frozen=True)
class LogPrices:
    """CloudWatch Logs prices and the assumptions used to turn declared volumes into billed GB."""

    ingestion_usd_per_gb: float
    storage_usd_per_gb_month: float
    compression_ratio: float
    never_expire_horizon_days: int
    emf_bytes_per_event: int
    minutes_per_month: int
    bytes_per_gb: int


@dataclass(frozen=True)
class PriceTable:
    """CloudWatch list prices for one region, as loaded from ``vigil/cost/prices.json``.

    Example::

        >>> prices = load_prices()
        >>> prices.source
        'https://aws.amazon.com/cloudwatch/pricing/'
        >>> prices.metric_cost(10_001)  # 10,000 at $0.30, one at $0.10
        3000.1
    """

    source: str
    as_of: str
    region: str
    currency: str
    notes: tuple[str, ...]
    metric_tiers: tuple[Tier, ...]
    alarm_standard_metric_usd: float
    alarm_high_resolution_metric_usd: float
    anomaly_metrics_per_alarm: int
    composite_alarm_usd: float
    dashboard_usd: float
    dashboards_free: int
    logs: LogPrices
    #: Route 53 health check: basic price and price per optional feature (HTTPS, string match, 10 s, latency).
    health_check_usd: float = 0.0
    health_check_feature_usd: float = 0.0
    #: CloudWatch Synthetics: price of one canary run.
    canary_run_usd: float = 0.0
    #: Contributor Insights (logs): per rule per month, and per million matched log events.
    contributor_rule_usd: float = 0.0
    contributor_usd_per_million_events: float = 0.0
    #: New-error detector (Lambda + DynamoDB + PutMetricData), USD per error line that reaches it (upper bound).
    new_error_line_usd: float = 0.0
    #: Automatic alarm actions: an OpsItem created, a Lambda request, and the assumed state changes a month.
    opsitem_usd: float = 0.0
    lambda_request_usd: float = 0.0
    action_runs_per_month: float = 0.0

    def metric_cost(self, count: int) -> float:
        """Monthly USD of ``count`` custom metrics, walking the volume tiers."""
        return tiered_cost(count, self.metric_tiers)


def tiered_cost(quantity: int, tiers: tuple[Tier, ...]) -> float:
    """The cost of ``quantity`` units under cumulative volume ``tiers`` (last tier unbounded).

    >>> tiered_cost(3, (Tier(up_to=2, usd=1.0), Tier(up_to=None, usd=0.5)))
    2.5
    """
    parts: list[float] = []
    floor = 0
    for tier in tiers:
        ceiling = quantity if tier.up_to is None else min(quantity, tier.up_to)
        if ceiling > floor:
            parts.append((ceiling - floor) * tier.usd)
        if tier.up_to is None or quantity <= tier.up_to:
            break
        floor = tier.up_to
    return math.fsum(parts)


def _number(data: dict[str, Any], key: str, where: str) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise CostError(f"{where}.{key}: expected a non-negative number, got {value!r}")
    return float(value)


def _section(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise CostError(f"{where}: missing section '{key}'")
    return value


def _tiers(section: dict[str, Any], where: str) -> tuple[Tier, ...]:
    raw = section.get("tiers")
    if not isinstance(raw, list) or not raw:
        raise CostError(f"{where}.tiers: expected a non-empty list")
    tiers = tuple(
        Tier(up_to=None if t.get("up_to") is None else int(_number(t, "up_to", where)), usd=_number(t, "usd", where))
        for t in raw
    )
    bounds = [t.up_to for t in tiers[:-1] if t.up_to is not None]
    if tiers[-1].up_to is not None or len(bounds) != len(tiers) - 1 or bounds != sorted(set(bounds)):
        raise CostError(f"{where}.tiers: bounds must increase and only the last tier may be unbounded")
    return tiers


def parse_prices(data: dict[str, Any], where: str = "prices.json") -> PriceTable:
    """Build a :class:`PriceTable` from the decoded JSON; ``CostError`` names the bad field."""
    for key in ("source", "as_of", "region", "currency"):
        if not isinstance(data.get(key), str):
            raise CostError(f"{where}: '{key}' must be a string")
    alarms = _section(data, "alarms", where)
    dashboards = _section(data, "dashboards", where)
    logs = _section(data, "logs", where)
    log_where = f"{where}: logs"
    return PriceTable(
        source=data["source"],
        as_of=data["as_of"],
        region=data["region"],
        currency=data["currency"],
        notes=tuple(str(n) for n in data.get("notes", ())),
        metric_tiers=_tiers(_section(data, "metrics", where), f"{where}: metrics"),
        alarm_standard_metric_usd=_number(alarms, "standard_metric_usd", f"{where}: alarms"),
        alarm_high_resolution_metric_usd=_number(alarms, "high_resolution_metric_usd", f"{where}: alarms"),
        anomaly_metrics_per_alarm=int(_number(alarms, "anomaly_metrics_per_alarm", f"{where}: alarms")),
        composite_alarm_usd=_number(alarms, "composite_usd", f"{where}: alarms"),
        dashboard_usd=_number(dashboards, "usd", f"{where}: dashboards"),
        dashboards_free=int(_number(dashboards, "free", f"{where}: dashboards")),
        logs=LogPrices(
            ingestion_usd_per_gb=_number(logs, "ingestion_usd_per_gb", log_where),
            storage_usd_per_gb_month=_number(logs, "storage_usd_per_gb_month", log_where),
            compression_ratio=_number(logs, "compression_ratio", log_where),
            never_expire_horizon_days=int(_number(logs, "never_expire_horizon_days", log_where)),
            emf_bytes_per_event=int(_number(logs, "emf_bytes_per_event", log_where)),
            minutes_per_month=int(_number(logs, "minutes_per_month", log_where)),
            bytes_per_gb=int(_number(logs, "bytes_per_gb", log_where)) or 1,
        ),
        **_health_checks(data, where),
    )


def _health_checks(data: dict[str, Any], where: str) -> dict[str, float]:
    """Route 53 health check, Synthetics, Contributor Insights and alarm action prices (optional sections: without
    them those resources cost 0)."""
    out: dict[str, float] = {}
    if "route53_health_checks" in data:
        section = _section(data, "route53_health_checks", where)
        at = f"{where}: route53_health_checks"
        out["health_check_usd"] = _number(section, "basic_usd", at)
        out["health_check_feature_usd"] = _number(section, "optional_feature_usd", at)
    if "synthetics" in data:
        out["canary_run_usd"] = _number(_section(data, "synthetics", where), "canary_run_usd", f"{where}: synthetics")
    if "new_error_detector" in data:
        out["new_error_line_usd"] = _new_error_line_usd(_section(data, "new_error_detector", where), where)
    if "alarm_actions" in data:
        section, at = _section(data, "alarm_actions", where), f"{where}: alarm_actions"
        out["opsitem_usd"] = _number(section, "opsitem_usd", at)
        out["lambda_request_usd"] = _number(section, "lambda_request_usd_per_million", at) / 1e6
        out["action_runs_per_month"] = _number(section, "assumed_alarms_per_month", at)
    if "contributor_insights" in data:
        section, at = _section(data, "contributor_insights", where), f"{where}: contributor_insights"
        out["contributor_rule_usd"] = _number(section, "rule_usd", at)
        out["contributor_usd_per_million_events"] = _number(section, "usd_per_million_events", at)
    return out


def _new_error_line_usd(section: dict[str, Any], where: str) -> float:
    """USD per error line through the new-error detector: one 128 MB invocation, one write, one PutMetricData."""
    at = f"{where}: new_error_detector"
    gb_seconds = 0.125 * _number(section, "lambda_seconds_per_invocation", at)
    return (
        _number(section, "lambda_request_usd_per_million", at) / 1e6
        + gb_seconds * _number(section, "lambda_gb_second_usd", at)
        + _number(section, "dynamodb_write_usd_per_million", at) / 1e6
        + _number(section, "put_metric_data_usd_per_thousand", at) / 1e3
    )


def load_prices(path: str | Path | None = None) -> PriceTable:
    """Load a price table; default: the packaged us-east-1 ``prices.json`` (cached).

    >>> load_prices().region
    'us-east-1'
    """
    if path is None:
        return _default_prices()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CostError(f"{path}: cannot read the price table: {exc}") from exc
    if not isinstance(data, dict):
        raise CostError(f"{path}: expected a JSON object")
    return parse_prices(data, str(path))


@cache
def _default_prices() -> PriceTable:
    text = resources.files("vigil.cost").joinpath("prices.json").read_text(encoding="utf-8")
    return parse_prices(json.loads(text), "vigil/cost/prices.json")
