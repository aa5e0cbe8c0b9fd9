"""Rules on ``pagerduty:`` in routing: it has services to create, its urgencies name them, its config is set.

Example::

    >>> from vigil.spec import load_project
    >>> [e for e in load_project(".", stack="prod").errors if ".pagerduty" in e.field]  # doctest: +SKIP
    []
"""

from __future__ import annotations

from vigil.spec.rules.context import Context
from vigil.spec.rules.routing import check_config_ref


def pagerduty_severities(ctx: Context) -> list[str]:
    """Severities whose route has a ``kind: pagerduty`` subscription (each gets a PagerDuty service)."""
    routing = ctx.project.routing
    return [s.value for s in sorted(routing) if any(sub.kind == "pagerduty" for sub in routing[s].subscriptions)]


def check_pagerduty(ctx: Context) -> None:
    """Located errors for a ``pagerduty:`` section that cannot be provisioned as written."""
    spec = ctx.project.pagerduty
    if spec is None:
        return
    severities = pagerduty_severities(ctx)
    if not severities:
        ctx.report(
            ("route", "pagerduty", ()),
            "no route has a 'kind: pagerduty' subscription, so there is no PagerDuty service to create; add "
            "'- {kind: pagerduty, integration_key: {secret: <key>}}' to a paging severity, or remove 'pagerduty:'",
        )
    for severity in sorted(spec.urgency):
        if severity.value not in severities:
            ctx.report(
                ("route", "pagerduty", ("urgency", severity.value)),
                f"severity {severity.value} has no 'kind: pagerduty' subscription, so no PagerDuty service; "
                f"set urgency only for {', '.join(severities) or 'severities that page through PagerDuty'}",
            )
    stack = ctx.project.stack
    if stack is not None and not stack.page_people:
        return  # nothing of PagerDuty is created in a stack that pages nobody
    check_config_ref(ctx, ("route", "pagerduty", ("schedule", "users")), spec.schedule.users)
    for index, level in enumerate(spec.escalation.levels):
        if not isinstance(level.to, str):
            check_config_ref(ctx, ("route", "pagerduty", ("escalation", "levels", index, "to")), level.to)
