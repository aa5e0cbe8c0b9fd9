"""Route 53 health checks of the external probes (``kind: probe``).

A health check requests the probe's URL from several AWS regions; Route 53 publishes its ``HealthCheckStatus``
in us-east-1, where the probe's alarm reads it. ``vigil check`` refuses probes in stacks of other regions.
The check is created with an explicit provider of Route 53's API region (:mod:`vigil.spec.regions`).
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from vigil.plan.naming import Naming
from vigil.plan.types import HealthCheckPlan


def health_check(
    plan: HealthCheckPlan, tags: Mapping[str, str], opts: pulumi.ResourceOptions
) -> aws.route53.HealthCheck:
    """One health check, named by its ``Name`` tag as the Route 53 console shows it.

    ``opts`` carry the parent and the explicit provider of ``plan.region`` (Route 53's API region).
    """
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
        opts=opts,
    )
