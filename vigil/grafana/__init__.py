"""Grafana dashboards on the CloudWatch data source, from the plan's CloudWatch dashboards (``vigil grafana``).

Needs ``grafana-foundation-sdk`` (``pip install 'vigil-monitoring[grafana]'``); importing this package does not.

Example::

    >>> from vigil.grafana import write_dashboards  # doctest: +SKIP
    >>> write_dashboards(stack_plan, Path("out/grafana"), datasource_uid="cloudwatch")  # doctest: +SKIP
    [PosixPath('out/grafana/dev-api-performance.json'), ...]
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from vigil.grafana.errors import GrafanaExportError
from vigil.plan.types import StackPlan


def write_dashboards(plan: StackPlan, out: Path, *, datasource_uid: str = "cloudwatch") -> list[Path]:
    """Write one ``<dashboard name>.json`` per planned dashboard into ``out``; returns the paths."""
    if importlib.util.find_spec("grafana_foundation_sdk") is None:
        raise GrafanaExportError("grafana-foundation-sdk is not installed: pip install 'vigil-monitoring[grafana]'")
    from vigil.grafana.build import grafana_dashboard

    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for board in plan.dashboards:
        path = out / f"{board.name}.json"
        data = grafana_dashboard(board, datasource_uid=datasource_uid, stack=plan.context.stack)
        path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
        paths.append(path)
    return paths


__all__ = ["GrafanaExportError", "write_dashboards"]
