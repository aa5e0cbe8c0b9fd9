"""``Dashboards``: CloudWatch dashboards from rendered bodies (deterministic JSON, laid out on the grid)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from vigil.plan.naming import Naming
from vigil.plan.types import DashboardPlan


@dataclass(frozen=True)
class DashboardsArgs:
    """The planned dashboards."""

    plan: Sequence[DashboardPlan]
    depends_on: Sequence[pulumi.Resource] = ()


class Dashboards(pulumi.ComponentResource):
    """One ``aws.cloudwatch.Dashboard`` per dashboard spec.

    Example::

        >>> boards = Dashboards("dashboards", DashboardsArgs(plan=stack_plan.dashboards))  # doctest: +SKIP
        >>> pulumi.export("dashboard_urls", boards.urls)  # doctest: +SKIP

    Attributes: ``names`` (spec name -> dashboard name output), ``urls`` (spec name -> console URL).
    """

    names: dict[str, pulumi.Output[str]]
    urls: dict[str, str]

    def __init__(self, name: str, args: DashboardsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("vigil:dashboards:Dashboards", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on))
        self.names, self.urls = {}, {}
        for d in args.plan:
            board = aws.cloudwatch.Dashboard(
                Naming.logical("dashboard", d.name), dashboard_name=d.name, dashboard_body=d.body, opts=child
            )
            self.names[d.spec_name], self.urls[d.spec_name] = board.dashboard_name, d.url
        self.register_outputs({"names": self.names, "urls": self.urls})
