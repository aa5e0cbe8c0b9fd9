"""Policy: paging alarms carry a runbook and reach someone; runbook files exist.

The budget is a property of the plan, not of the specs: ``vigil check`` prices each stack's plan and reports an
exceeded ``vigil:budget_usd`` itself (:func:`vigil.cli.check.collect`).
"""

from __future__ import annotations

from typing import Any

from vigil.spec.rules.context import Context
from vigil.spec.rules.runbook_paths import outside_project


def _runbook(ctx: Context, where: tuple[str, str, tuple[Any, ...]], runbook: str | None, pages: bool) -> None:
    kind, name, _ = where
    if runbook is None:
        if pages:
            ctx.report(
                (kind, name, ("runbook",)),
                "P1/P2 alarms must link a runbook (on-call follows it at 3 a.m.); add 'runbook:'",
            )
        return
    if runbook.startswith("https://"):
        return
    if outside_project(ctx.root, runbook):
        ctx.report(
            (kind, name, ("runbook",)),
            f"runbook '{runbook}' is outside the project: write a path inside it (alarms/runbooks/<alarm>.md) "
            "or an https:// URL",
        )
        return
    if not (ctx.root / runbook).is_file():
        ctx.report((kind, name, ("runbook",)), f"runbook file '{runbook}' does not exist in the project")
    elif ctx.project.stack is not None and ctx.project.stack.runbook_base_url is None:
        ctx.report(
            (kind, name, ("runbook",)),
            f"runbook '{runbook}' is a project file, but stack '{ctx.project.stack.name}' sets no "
            "'vigil:runbook_base_url' to publish it under",
        )


def check_paging(ctx: Context) -> None:
    """Runbooks and reachable paging routes (the budget is checked on the plan: ``vigil.cost.budget``)."""
    for name, alarm in ctx.project.alarms.items():
        _runbook(ctx, ("alarm", name, ()), alarm.runbook, alarm.severity.pages and alarm.enabled)
    for name, slo in ctx.project.slos.items():
        _runbook(
            ctx, ("slo", name, ()), slo.runbook, (slo.page_severity.pages or slo.ticket_severity.pages) and slo.enabled
        )
    for severity, route in ctx.project.routing.items():
        if severity.pages and not route.subscriptions:
            ctx.report(
                ("route", severity.value, ("subscriptions",)),
                f"{severity.value} pages, so its route needs at least one subscription",
            )
