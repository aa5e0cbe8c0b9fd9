"""Pricing of the alerting mechanisms: probes (a Route 53 health check and its alarm), smoke-flow canaries (runs
and alarm), and the alarms on failed notification deliveries (one per severity topic that has listeners, one on
the dead-letter queue)."""

from __future__ import annotations

from vigil.cost.prices import PriceTable
from vigil.cost.report import LineItem
from vigil.plan.routing import routes_alarm_actions
from vigil.spec.models import CanaryAlarm, ProbeAlarm, Project

#: Optional Route 53 features a probe uses: HTTPS (and SNI), string matching, a 10 s interval.
HTTPS, STRING_MATCH, FAST = "HTTPS", "string matching", "10 s interval"


def probe_features(alarm: ProbeAlarm, url: str | None) -> list[str]:
    """The optional (separately billed) health check features of a probe."""
    features = [HTTPS] if (url or "https").startswith("https") else []
    if alarm.search_string:
        features.append(STRING_MATCH)
    if alarm.request_interval == 10:
        features.append(FAST)
    return features


def probe_items(name: str, alarm: ProbeAlarm, project: Project, prices: PriceTable) -> list[LineItem]:
    """The health check (basic + optional features) and the alarm metric of one probe.

    >>> from vigil.cost.prices import load_prices
    >>> probe = ProbeAlarm(kind="probe", severity="P1", url={"config": "u"}, search_string="ok")
    >>> [round(i.monthly_usd, 2) for i in probe_items("api-down", probe, Project(), load_prices())]
    [0.75, 4.0, 0.1]
    """
    url = project.stack.values.get(alarm.url.key) if project.stack else None
    features = probe_features(alarm, url if isinstance(url, str) else None)
    basic, extra = prices.health_check_usd, prices.health_check_feature_usd
    items = [LineItem("alarm", name, "Route 53 health check (basic)", 1, "health check", basic, basic)]
    if features:
        n = len(features)
        label = f"Route 53 health check options ({', '.join(features)})"
        items.append(LineItem("alarm", name, label, n, "option", extra, n * extra))
    usd = prices.alarm_standard_metric_usd
    items.append(LineItem("alarm", name, "probe alarm metrics (standard)", 1, "alarm metric", usd, usd))
    return items


def canary_items(name: str, alarm: CanaryAlarm, prices: PriceTable) -> list[LineItem]:
    """The runs of a smoke-flow canary in a month and the alarm metric on its ``SuccessPercent``.

    >>> from vigil.cost.prices import load_prices
    >>> canary = CanaryAlarm(kind="canary", severity="P2", url={"config": "u"}, every_minutes=5)
    >>> [round(i.monthly_usd, 2) for i in canary_items("smoke-flow", canary, load_prices())]
    [10.51, 0.1]
    """
    runs = prices.logs.minutes_per_month / alarm.every_minutes
    run_usd = prices.canary_run_usd
    label = f"Synthetics canary runs (every {alarm.every_minutes} min)"
    usd = prices.alarm_standard_metric_usd
    return [
        LineItem("alarm", name, label, runs, "run", run_usd, runs * run_usd),
        LineItem("alarm", name, "canary alarm metrics (standard)", 1, "alarm metric", usd, usd),
    ]


def delivery_items(project: Project, prices: PriceTable) -> list[LineItem]:
    """Alarm metrics of the delivery-failure alarms the plan adds (``vigil.plan.probes``)."""
    if project.delivery_failures is None:
        return []
    people = project.stack.page_people if project.stack else True
    usd = prices.alarm_standard_metric_usd
    items = [
        LineItem(
            "alarm",
            f"delivery-failed-{s.value.lower()}",
            "delivery alarm metrics (standard)",
            1,
            "alarm metric",
            usd,
            usd,
        )
        for s, route in sorted(project.routing.items())
        if routes_alarm_actions(route, people)
    ]
    https = people and any(
        sub.kind in ("pagerduty", "webhook") for route in project.routing.values() for sub in route.subscriptions
    )
    if https:
        items.append(
            LineItem(
                "alarm", "notifications-dead-lettered", "delivery alarm metrics (standard)", 1, "alarm metric", usd, usd
            )
        )
    return items
