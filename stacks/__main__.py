"""The Pulumi program: load the project for this stack, validate it, build the monitoring stack, export outputs.

``VIGIL_PROJECT_DIR`` points at another project directory (``vigil preview`` and the benchmarks use it);
by default the project is the repository this file lives in. ``vigil preview`` has already loaded the
project and passes it in as ``VIGIL_PRELOADED`` so a preview does not parse the YAML twice.
"""

from __future__ import annotations

import os
from pathlib import Path

import pulumi

from vigil.components.monitoring_stack import MonitoringStack, MonitoringStackArgs
from vigil.spec import load_project

project_dir = Path(os.environ.get("VIGIL_PROJECT_DIR") or Path(__file__).resolve().parent.parent)
result = globals().get("VIGIL_PRELOADED") or load_project(project_dir, stack=pulumi.get_stack())
if not result.ok:
    raise pulumi.RunError("the project has spec errors:\n" + "\n".join(str(e) for e in result.errors))

stack = MonitoringStack("vigil", MonitoringStackArgs(project=result.project))
pulumi.export("topic_arns", stack.topic_arns)
pulumi.export("log_group_names", stack.log_group_names)
pulumi.export("dashboard_urls", stack.dashboard_urls)
pulumi.export("app_policies", stack.app_policies)
pulumi.export("app_environment", stack.app_environment)
pulumi.export("collector_policy", stack.collector_policy)
