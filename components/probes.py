"""Route 53 health checks of the external probes (``kind: probe``).

A health check requests the probe's URL from several AWS regions; Route 53 publishes its ``HealthCheckStatus``
in us-east-1, where the probe's alarm reads it. ``vigil check`` refuses probes in stacks of other regions.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from vigil.plan.naming import Naming
from vigil.plan.types import HealthCheckPlan


def health_check(plan: HealthCheckPlan, tags: Mapping[str, str], parent: pulumi.Resource) -> aws.route53.HealthCheck:
    """One health check (a child of ``parent``), named by its ``Name`` tag as the Route 53 console shows it."""
    return aws.route53.HealthCheck(
        Naming.logical("health-check", plan.name),
        type=plan.type,
        fqdn=plan.fqdn,
        port=plan.port,
        resource_path=plan.resource_path,
        search_string=plan.search_string,
        request_interval=plan.request_interval,
        failure_threshold=plan.failure_threshold,
        regions=list(plan.regions) or None,
        enable_sni=plan.type.startswith("HTTPS") or None,
        measure_latency=True,
        tags={**tags, **plan.tags},
        opts=pulumi.ResourceOptions(parent=parent),
    )
