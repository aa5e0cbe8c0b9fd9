"""The one place where resource names are derived: physical names (what AWS shows) and Pulumi logical names.

Policy: every physical name carries ``vigil`` and the stack's environment, so two stacks (dev and prod)
can share one account and region without one overwriting (or, on destroy, deleting) the other's resources.

- Alarms: ``vigil-<env>-<spec name>`` (a page reads ``ALARM: "vigil-prod-platform-down"``).
- Log groups: the spec's name with the environment after its first segment (``/vigil/api`` becomes
  ``/vigil/prod/api``); a spec name that already contains ``${environment}`` is rendered as written.
- Dashboards (global per account, not per region): the stack's ``dashboard_prefix``, by default
  ``vigil-<env>-``, then the spec name.
- Topics, KMS aliases, SSM parameters, metric filters and query folders: ``vigil`` and the environment.
- Pulumi logical names are ``<kind>-<physical-ish name>``: unique per stack and stable across runs.

Pure code (no Pulumi): the plan (``vigil.plan``) derives every name here; ``components/`` only reads the plan's names
and uses :meth:`Naming.logical` for Pulumi resource names.

>>> n = Naming("prod")
>>> n.topic_name(Severity.P1), n.kms_alias("alarms"), n.query_definition_name("api", "slow-endpoints")
('vigil-prod-p1', 'alias/vigil-prod-alarms', 'vigil/prod/api/slow-endpoints')
>>> n.alarm_name("platform-down"), n.log_group_name("/vigil/api"), n.dashboard_name("system-overview")
('vigil-prod-platform-down', '/vigil/prod/api', 'vigil-prod-system-overview')
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from vigil.spec.models.common import Severity, render_template
from vigil.spec.models.project import Project

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
#: AWS length limits of the names below (IAM roles 64, S3 buckets 63, Chatbot configurations 128).
ROLE_MAX, BUCKET_MAX, CHAT_MAX = 64, 63, 128


def fit(name: str, limit: int) -> str:
    """``name`` if it fits in ``limit`` characters, else its head and an 8-character hash of the whole (stable).

    >>> fit("vigil-prod-api", 64), len(fit("x" * 100, 64)), fit("x" * 100, 64) == fit("x" * 100, 64)
    ('vigil-prod-api', 64, True)
    """
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: limit - 9].rstrip('-')}-{digest}"


@dataclass(frozen=True)
class Naming:
    """Names for one stack (environment ``environment``); ``dashboard_prefix`` empty means ``vigil-<env>-``."""

    environment: str
    dashboard_prefix: str = ""

    @classmethod
    def for_project(cls, project: Project) -> Naming:
        """Naming of a project loaded for a stack."""
        prefix = project.stack.dashboard_prefix if project.stack else ""
        return cls(project.environment, prefix)

    @property
    def prefix(self) -> str:
        """``vigil-<env>-``: the start of every per-stack name."""
        return f"vigil-{self.environment}-"

    # physical names --------------------------------------------------------------------------
    def topic_name(self, severity: Severity) -> str:
        """``vigil-<env>-p1``."""
        return f"{self.prefix}{severity.value.lower()}"

    def delivery_topic_name(self) -> str:
        """``vigil-<env>-delivery-failures``: the topic that reports failed notification deliveries."""
        return f"{self.prefix}delivery-failures"

    def dead_letter_queue_name(self) -> str:
        """``vigil-<env>-notifications-dlq``: undeliverable https notifications."""
        return f"{self.prefix}notifications-dlq"

    def chat_configuration_name(self, channel: str) -> str:
        """``vigil-<env>-<channel>``: an AWS Chatbot channel configuration."""
        return fit(f"{self.prefix}{channel}", CHAT_MAX)

    def role_name(self, owner: str, purpose: str) -> str:
        """``<owner>-<purpose>`` (``vigil-prod-smoke-flow-canary``), cut to IAM's 64 characters with a hash."""
        return fit(f"{owner}-{purpose}", ROLE_MAX)

    def health_check_name(self, probe: str) -> str:
        """``vigil-<env>-<probe>``: the Name tag of a Route 53 health check (its only human-readable name)."""
        return f"{self.prefix}{probe}"

    def canary_name(self, spec_name: str) -> str:
        """``vigil-<env>-<spec name>``: a Synthetics canary (lower-case, as Synthetics requires)."""
        return f"{self.prefix}{spec_name}".lower()

    def artifact_bucket_name(self, account_id: str, region: str) -> str:
        """``vigil-<env>-canaries-<account>-<region>``: S3 names are global, so the account and region are in it."""
        return fit(f"{self.prefix}canaries-{account_id}-{region}", BUCKET_MAX)

    def alarm_name(self, spec_name: str) -> str:
        """``vigil-<env>-<spec name>``."""
        return f"{self.prefix}{spec_name}"

    def log_group_name(self, spec_name: str) -> str:
        """``/vigil/api`` -> ``/vigil/<env>/api``; ``${environment}`` in the spec name is rendered instead."""
        if "${" in spec_name:
            return render_template(spec_name, environment=self.environment)
        head, sep, rest = spec_name.lstrip("/").partition("/")
        lead = "/" if spec_name.startswith("/") else ""
        return f"{lead}{head}/{self.environment}{sep}{rest}".rstrip("/")

    def dashboard_name(self, spec_name: str) -> str:
        """``<dashboard_prefix><spec name>``, the prefix defaulting to ``vigil-<env>-``."""
        return f"{self.dashboard_prefix or self.prefix}{spec_name}"

    def query_definition_name(self, service: str, query: str) -> str:
        """``vigil/<env>/<service>/<query>`` (a folder per stack and service in the console)."""
        return f"vigil/{self.environment}/{service}/{query}"

    def contributor_rule_name(self, service: str, rule: str) -> str:
        """``vigil-<env>-<service>-<rule>`` (Contributor Insights rule names: printable ASCII, 128 at most)."""
        return f"{self.prefix}{service}-{rule}"[:128]

    def metric_filter_name(self, service: str, filter_name: str) -> str:
        """``vigil-<env>-<service>-<filter>``."""
        return f"{self.prefix}{service}-{filter_name}"

    def kms_alias(self, purpose: str) -> str:
        """``alias/vigil-<env>-<purpose>``."""
        return f"alias/{self.prefix}{purpose}"

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
