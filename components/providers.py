"""Explicit AWS providers for the services created outside the stack's region.

:data:`vigil.spec.regions.CONTROL_PLANES` lists them (AWS Chatbot, Route 53 health checks); the plan gives each
such resource its ``region`` and the component creates it with the provider of that region, never with the
stack's default provider. A provider takes the region from the plan and the credentials profile from the stack
config (``aws:profile``), like the default provider; other ``aws:`` settings are not copied.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from vigil.plan.naming import Naming


class RegionalProviders:
    """One explicit provider per region, created on first use as a child of ``parent``.

    Example::

        >>> providers = RegionalProviders("chatbot", parent=routing)  # doctest: +SKIP
        >>> opts = pulumi.ResourceOptions(parent=routing, provider=providers.get("us-east-2"))  # doctest: +SKIP
    """

    def __init__(self, service: str, parent: pulumi.Resource) -> None:
        self._service = service
        self._parent = parent
        self._providers: dict[str, aws.Provider] = {}

    def get(self, region: str) -> aws.Provider:
        """The provider of ``region`` for this service."""
        if region not in self._providers:
            self._providers[region] = aws.Provider(
                Naming.logical("provider", self._service, region),
                region=region,
                profile=pulumi.Config("aws").get("profile"),
                opts=pulumi.ResourceOptions(parent=self._parent),
            )
        return self._providers[region]

    def options(self, region: str) -> pulumi.ResourceOptions:
        """Resource options for a child of ``parent`` created in ``region``."""
        return pulumi.ResourceOptions(parent=self._parent, provider=self.get(region))
