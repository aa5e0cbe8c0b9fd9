"""The region table: known regions from botocore, and services planned outside the stack's region."""

from __future__ import annotations

import json

import pytest

from vigil.spec.aws_metrics import region_only
from vigil.spec.regions import (
    CONTROL_PLANES,
    DATA_FILE,
    extract_from_botocore,
    known_regions,
    partition_of,
    service_region,
)


def test_region_data_equals_the_installed_botocore() -> None:
    assert json.loads(DATA_FILE.read_text(encoding="utf-8")) == extract_from_botocore(), (
        "regenerate: python -m vigil.spec.regions"
    )


def test_route53_api_region_is_where_its_metrics_are_published() -> None:
    assert service_region("route53", "eu-west-1") == region_only("AWS/Route53") == "us-east-1"


@pytest.mark.parametrize("region", known_regions())
def test_every_stack_region_gets_a_chatbot_region_that_serves_it_or_none(region: str) -> None:
    found = service_region("chatbot", region)
    assert found is None or found in CONTROL_PLANES["chatbot"].regions
    assert (found is None) == (partition_of(region) != "aws")  # Chatbot exists in the aws partition only
