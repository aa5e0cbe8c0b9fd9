"""Services whose API lives outside the stack's region get an explicit provider of that region.

Built under the mock engine from the fixture project moved to a stack region Chatbot does not serve
(us-east-1) and to one it serves (eu-west-1, where the fixture lives): the Chatbot configuration is created by a
``pulumi:providers:aws`` provider of the region from :data:`vigil.spec.regions.CONTROL_PLANES`; the Route 53
health check by one of us-east-1; everything else by the stack's default provider.
"""

from __future__ import annotations

import pulumi
import pytest
from plan_fixture import FIXTURE_CONFIG, FIXTURE_SECRET_KEYS, fixture_project_data
from pulumi_mocks import Recorder, install

from vigil.components.monitoring_stack import MonitoringStack, MonitoringStackArgs
from vigil.plan.stack import plan_stack
from vigil.spec.models import Project
from vigil.spec.regions import CONTROL_PLANES

REGIONAL_TYPES = {
    "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration": "chatbot",
    "aws:route53/healthCheck:HealthCheck": "route53",
}


def build(region: str, chatbot_region: str | None = None) -> Recorder:
    data = fixture_project_data()
    data["alarms"]["disabled-in-stack"]["enabled"] = False
    data["stack"]["region"] = region
    if chatbot_region:
        data["stack"]["chatbot_region"] = chatbot_region
    rec = install("dev", dict(FIXTURE_CONFIG), list(FIXTURE_SECRET_KEYS), region=region)

    @pulumi.runtime.test
    def run() -> None:
        MonitoringStack("vigil", MonitoringStackArgs(plan=plan_stack(Project.model_validate(data))))

    run()
    return rec


@pytest.mark.parametrize(
    ("region", "setting", "chatbot", "route53"),
    [
        ("us-east-1", None, "us-east-2", "us-east-1"),  # Chatbot has no API in us-east-1: its console region
        ("eu-west-1", None, "eu-west-1", "us-east-1"),  # served in the stack's region: stay there
        ("eu-west-1", "us-west-2", "us-west-2", "us-east-1"),  # vigil:chatbot_region wins
    ],
)
def test_out_of_region_services_carry_their_own_provider(
    region: str, setting: str | None, chatbot: str, route53: str
) -> None:
    rec = build(region, setting)
    expected = {"chatbot": chatbot, "route53": route53}
    regional = [r for r in rec.resources if r.type in REGIONAL_TYPES]
    assert {REGIONAL_TYPES[r.type] for r in regional} == {"chatbot", "route53"}
    for resource in regional:
        assert resource.provider, f"{resource.name} uses the stack's default provider"
        assert rec.region_of(resource) == expected[REGIONAL_TYPES[resource.type]], resource.name
    for resource in rec.resources:  # everything else stays with the stack's default provider
        if resource.type not in REGIONAL_TYPES and not resource.type.startswith("pulumi:providers:"):
            assert not resource.provider or rec.region_of(resource) == region, resource.name


def test_chatbot_regions_of_the_table_are_where_its_api_is_served() -> None:
    # https://docs.aws.amazon.com/general/latest/gr/chatbot.html lists exactly these endpoints
    assert CONTROL_PLANES["chatbot"].regions == ("us-east-2", "us-west-2", "eu-west-1", "ap-southeast-1")
