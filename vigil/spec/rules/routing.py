"""Rules on routing: every severity in use is routed; config references resolve in the stack."""

from __future__ import annotations

from vigil.spec.models import ConfigRef, Severity
from vigil.spec.models.routing import CHAT_KINDS, config_refs
from vigil.spec.rules.context import Context, Where


def used_severities(ctx: Context) -> dict[Severity, tuple[str, str]]:
    """Each severity used by an enabled alarm or SLO, with one ``(kind, name)`` that uses it."""
    used: dict[Severity, tuple[str, str]] = {}
    for name, alarm in ctx.project.enabled_alarms().items():
        used.setdefault(alarm.severity, ("alarm", name))
    for name, slo in ctx.project.enabled_slos().items():
        used.setdefault(slo.page_severity, ("slo", name))
        used.setdefault(slo.ticket_severity, ("slo", name))
    return used


def check_routing(ctx: Context) -> None:
    """Routes exist for used severities; references to stack config exist in the stack file."""
    for severity, (kind, name) in sorted(used_severities(ctx).items()):
        if severity not in ctx.project.routing and not ctx.sources.is_broken("route", severity.value):
            field = "severity" if kind == "alarm" else "page_severity"
            ctx.report(
                (kind, name, (field,)),
                f"severity {severity.value} has no route; add '{severity.value}:' to alarms/routing.yaml",
            )
    stack = ctx.project.stack
    warned: set[str] = set()  # one warning per missing secret, at its first reference
    for severity, route in ctx.project.routing.items():
        for index, sub in enumerate(route.subscriptions):
            if stack is not None and not stack.page_people and sub.kind not in CHAT_KINDS:
                continue  # not created in a stack that pages nobody: its config is not needed
            if sub.kind == "pagerduty" and ctx.project.pagerduty is not None:
                continue  # the key comes from the PagerDuty service Vigil creates (routing.yaml 'pagerduty:')
            for field, ref in config_refs(sub).items():
                check_config_ref(ctx, ("route", severity.value, ("subscriptions", index, field)), ref, warned)


def check_config_ref(ctx: Context, where: Where, ref: ConfigRef, warned: set[str] | None = None) -> None:
    """A ``{config: key}`` must be set in the stack file; a missing ``{secret: key}`` is a warning (once per key
    when ``warned`` collects the keys already reported)."""
    stack = ctx.project.stack
    if stack is None or stack.has_value(ref.key):
        return
    if ref.is_secret:
        if warned is None or ref.key not in warned:
            if warned is not None:
                warned.add(ref.key)
            ctx.report(where, _missing_secret(ref.key, stack.name), "warning")
    else:
        ctx.report(
            where, f"config 'vigil:{ref.key}' is not set in stacks/Pulumi.{stack.name}.yaml; add it under 'config:'"
        )


def _missing_secret(key: str, stack: str) -> str:
    return (
        f"stack '{stack}': secret 'vigil:{key}' is not set in stacks/Pulumi.{stack}.yaml; before `pulumi up` run "
        f"`pulumi config set --secret vigil:{key} <value> --stack {stack}`, which stores it there encrypted "
        f"('vigil:{key}: {{secure: v1:...}}'); until then `vigil preview` uses a placeholder"
    )
