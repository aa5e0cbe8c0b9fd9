"""Rules on the alerting mechanisms: external probes, actions suppression, dashboard links, delivery failures,
and whether a stack pages people at all."""

from __future__ import annotations

from urllib.parse import urlsplit

from vigil.spec.errors import did_you_mean
from vigil.spec.models import CanaryAlarm, CompositeAlarm, ProbeAlarm, Severity
from vigil.spec.models.routing import CHAT_KINDS, config_refs
from vigil.spec.regions import partition_of, service_region
from vigil.spec.rules.alarms import check_period
from vigil.spec.rules.context import Context
from vigil.spec.rules.routing import check_config_ref


def probe_target(url: str) -> tuple[str, str, int, str] | str:
    """``(type, host, port, path)`` of a probe URL for a Route 53 health check, or what is wrong with it.

    >>> probe_target("https://api.example.com/health/ready")
    ('HTTPS', 'api.example.com', 443, '/health/ready')
    >>> probe_target("ftp://x")
    "the scheme must be https or http, got 'ftp'"
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"not a URL: {exc}"
    if parts.scheme not in ("https", "http"):
        return f"the scheme must be https or http, got '{parts.scheme}'"
    if not parts.hostname:
        return "the URL has no host name"
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    if len(path) > 255:
        return f"the path and query are {len(path)} characters; Route 53 allows 255"
    return parts.scheme.upper(), parts.hostname, port or (443 if parts.scheme == "https" else 80), path


def _external_url(ctx: Context, name: str, alarm: ProbeAlarm | CanaryAlarm) -> bool:
    """Check the URL reference of a probe or canary; True when the alarm is enabled in a stack."""
    check_period(ctx, ("alarm", name, ()), alarm.period, alarm.evaluation_periods, alarm.datapoints_to_alarm, False)
    check_config_ref(ctx, ("alarm", name, ("url", "config" if alarm.url.config else "secret")), alarm.url)
    if alarm.url.is_secret:
        ctx.report(
            ("alarm", name, ("url",)), f"a {alarm.kind} URL is not a secret (AWS shows it): use {{config: <key>}}"
        )
    stack = ctx.project.stack
    if stack is None or not alarm.enabled:
        return False
    value = stack.values.get(alarm.url.key)
    if isinstance(value, str):
        target = probe_target(value)
        if isinstance(target, str):
            ctx.report(("alarm", name, ("url",)), f"vigil:{alarm.url.key} = {value!r}: {target}")
    return True


def _canaries(ctx: Context) -> None:
    for name, alarm in ctx.project.alarms.items():
        if isinstance(alarm, CanaryAlarm):
            _external_url(ctx, name, alarm)


def _probes(ctx: Context) -> None:
    stack = ctx.project.stack
    for name, alarm in ctx.project.alarms.items():
        if not isinstance(alarm, ProbeAlarm):
            continue
        if alarm.regions and len(alarm.regions) < 3:
            ctx.report(("alarm", name, ("regions",)), "Route 53 needs at least 3 checker regions (or none: all)")
        if not _external_url(ctx, name, alarm) or stack is None or partition_of(stack.region) is None:
            continue  # an unknown region is reported at aws:region (rules/regions.py)
        only = service_region("route53", stack.region)
        if only and stack.region != only:
            ctx.report(
                ("alarm", name, ("kind",)),
                f"Route 53 publishes health check metrics in {only} only, and stack '{stack.name}' deploys its alarms "
                f"in {stack.region}; deploy the probes from a {only} stack, or disable this alarm here (vigil:overrides)",
            )


def _links(ctx: Context) -> None:
    known = ctx.alarm_names()
    for name, alarm in ctx.project.alarms.items():
        if (
            alarm.dashboard is not None
            and alarm.dashboard not in ctx.project.dashboards
            and not ctx.sources.is_broken("dashboard", alarm.dashboard)  # reported in its own file
        ):
            hint = did_you_mean(alarm.dashboard, ctx.project.dashboards)
            ctx.report(("alarm", name, ("dashboard",)), f"unknown dashboard '{alarm.dashboard}'{hint}")
        if isinstance(alarm, CompositeAlarm) and alarm.suppressor is not None:
            target = alarm.suppressor.alarm
            if target == name:
                ctx.report(("alarm", name, ("suppressor", "alarm")), "a composite cannot suppress itself")
            elif target not in known and not ctx.sources.is_broken("alarm", target):
                hint = did_you_mean(target, known)
                ctx.report(("alarm", name, ("suppressor", "alarm")), f"unknown suppressor alarm '{target}'{hint}")


#: Hosts of chat webhooks that cannot confirm an SNS subscription nor read SNS's JSON.
CHAT_WEBHOOK_HOSTS = ("hooks.slack.com", ".webhook.office.com", "outlook.office.com")


def _chat_webhooks(ctx: Context) -> None:
    """A ``kind: webhook`` whose (plain) URL is a Slack or Teams webhook loses every message: say so."""
    stack = ctx.project.stack
    if stack is None:
        return
    for severity, route in ctx.project.routing.items():
        for index, sub in enumerate(route.subscriptions):
            if sub.kind != "webhook":
                continue
            value = stack.values.get(sub.endpoint.key)
            host = (urlsplit(value).hostname or "") if isinstance(value, str) else ""
            if any(host == h.lstrip(".") or host.endswith(h) for h in CHAT_WEBHOOK_HOSTS):
                ctx.report(
                    ("route", severity.value, ("subscriptions", index, "endpoint")),
                    f"vigil:{sub.endpoint.key} is a chat webhook ({host}): Slack and Teams cannot confirm an SNS "
                    "subscription, so every alarm would be lost; use {kind: slack, ...} or {kind: teams, ...} "
                    "(AWS Chatbot) instead",
                )


def _people(ctx: Context) -> None:
    stack = ctx.project.stack
    if stack is None or stack.page_people:
        return
    for severity in (Severity.P1, Severity.P2):
        route = ctx.project.routing.get(severity)
        if route is not None and route.subscriptions and not any(s.kind in CHAT_KINDS for s in route.subscriptions):
            ctx.report(
                ("route", severity.value, ("subscriptions",)),
                f"stack '{stack.name}' does not page people (vigil:page_people is not true), so {severity.value} "
                "alarms reach nobody: add a chat channel (kind: slack or teams), or set vigil:page_people: true",
                "warning",
            )


def check_alerting(ctx: Context) -> None:
    """Probes, suppressors, dashboard links, delivery-failure route, paging per stack."""
    _probes(ctx)
    _canaries(ctx)
    _links(ctx)
    _chat_webhooks(ctx)
    _people(ctx)
    route = ctx.project.delivery_failures
    for index, sub in enumerate(route.subscriptions if route else ()):
        for field, ref in config_refs(sub).items():
            check_config_ref(ctx, ("route", "delivery_failures", ("subscriptions", index, field)), ref)
