"""Project-wide validation: cross-references, CloudWatch limits and policy, run after the models."""

from __future__ import annotations

from pathlib import Path

from vigil.spec.errors import SpecError
from vigil.spec.models import Project
from vigil.spec.rules.alarm_actions import check_alarm_actions
from vigil.spec.rules.alarms import check_alarms
from vigil.spec.rules.alerting import check_alerting
from vigil.spec.rules.chat_ids import check_chat_ids
from vigil.spec.rules.context import Context
from vigil.spec.rules.coverage import check_coverage
from vigil.spec.rules.dashboard_limits import check_dashboard_limits
from vigil.spec.rules.dashboards import check_dashboards
from vigil.spec.rules.emf_names import check_emf_names
from vigil.spec.rules.endpoints import check_endpoints
from vigil.spec.rules.families import check_families
from vigil.spec.rules.log_groups import check_log_groups
from vigil.spec.rules.namespaces import check_namespaces
from vigil.spec.rules.pagerduty import check_pagerduty
from vigil.spec.rules.paging import check_paging
from vigil.spec.rules.queries import check_queries
from vigil.spec.rules.regions import check_regions
from vigil.spec.rules.routing import check_routing
from vigil.spec.rules.widget_alarms import check_widget_alarms
from vigil.spec.rules.wording import check_wording
from vigil.spec.sources import Sources

RULES = (
    check_regions,
    check_emf_names,
    check_log_groups,
    check_chat_ids,
    check_dashboard_limits,
    check_namespaces,
    check_alarms,
    check_alarm_actions,
    check_dashboards,
    check_routing,
    check_pagerduty,
    check_endpoints,
    check_paging,
    check_coverage,
    check_alerting,
    check_queries,
    check_wording,
    check_widget_alarms,
    check_families,
)


def validate_project(project: Project, sources: Sources, root: str | Path = ".") -> list[SpecError]:
    """Every project-wide problem, located through ``sources``.

    >>> from vigil.spec import load_project
    >>> load_project(".", stack="dev").ok  # doctest: +SKIP
    True
    """
    ctx = Context(project=project, sources=sources, root=Path(root))
    for rule in RULES:
        rule(ctx)
    return ctx.errors
