"""The one place where resource names are derived: physical names (what AWS shows) and Pulumi logical names.

Policy:

- Spec names are kebab-case and already valid everywhere, so alarms keep their spec names (what on-call
  sees in a page is what the YAML says), and dashboards get the stack's ``dashboard_prefix``.
- Names that are generic per account (topics, KMS aliases, SSM parameters, query folders) carry
  ``vigil`` and the environment, so two stacks can share an account.
- Pulumi logical names are ``<kind>-<physical-ish name>``: unique per stack and stable across runs.

No Pulumi import here: the plan (``vigil.plan``) takes a :class:`Naming` through its ``Namer`` protocol.

>>> n = Naming("prod")
>>> n.topic_name(Severity.P1), n.kms_alias("alarms"), n.query_definition_name("api", "slow-endpoints")
('vigil-prod-p1', 'alias/vigil-prod-alarms', 'vigil/prod/api/slow-endpoints')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vigil.spec.models.common import Severity
from vigil.spec.models.project import Project

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class Naming:
    """Names for one stack (environment ``environment``)."""

    environment: str
    dashboard_prefix: str = ""

    @classmethod
    def for_project(cls, project: Project) -> Naming:
        """Naming of a project loaded for a stack."""
        prefix = project.stack.dashboard_prefix if project.stack else ""
        return cls(project.environment, prefix)

    # physical names --------------------------------------------------------------------------
    def topic_name(self, severity: Severity) -> str:
        """``vigil-<env>-p1``."""
        return f"vigil-{self.environment}-{severity.value.lower()}"

    def alarm_name(self, spec_name: str) -> str:
        """The spec name itself."""
        return spec_name

    def dashboard_name(self, spec_name: str) -> str:
        """``<dashboard_prefix><spec name>``."""
        return f"{self.dashboard_prefix}{spec_name}"

    def query_definition_name(self, service: str, query: str) -> str:
        """``vigil/<env>/<service>/<query>`` (a folder per stack and service in the console)."""
        return f"vigil/{self.environment}/{service}/{query}"

    def metric_filter_name(self, service: str, filter_name: str) -> str:
        """``<service>-<filter>``."""
        return f"{service}-{filter_name}"

    def kms_alias(self, purpose: str) -> str:
        """``alias/vigil-<env>-<purpose>``."""
        return f"alias/vigil-{self.environment}-{purpose}"

    def agent_parameter_name(self, service: str) -> str:
        """``/vigil/<env>/<service>/cloudwatch-agent``."""
        return f"/vigil/{self.environment}/{service}/cloudwatch-agent"

    def trace_resource_name(self, service: str) -> str:
        """``vigil-<env>-<service>``: X-Ray sampling rule and group (X-Ray allows 32 characters)."""
        return f"vigil-{self.environment}-{service}"

    def anomaly_detector_name(self, service: str) -> str:
        """``vigil-<env>-<service>-logs``."""
        return f"vigil-{self.environment}-{service}-logs"

    # Pulumi logical names ----------------------------------------------------------------------
    @staticmethod
    def logical(kind: str, *parts: str) -> str:
        """A Pulumi resource name: ``kind`` and the parts, joined by ``-``, unsafe characters replaced.

        >>> Naming.logical("log-group", "/vigil/api")
        'log-group-vigil-api'
        """
        text = "-".join(p.strip("/") for p in (kind, *parts) if p)
        return _UNSAFE.sub("-", text).strip("-")
