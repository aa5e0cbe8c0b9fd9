"""Fixtures for drift and routing tests: a moto server on 127.0.0.1 and the dev stack applied to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from vigil.plan.stack import LoadedStack, load_stack_plan
from vigil.verify import Applied, AwsTarget, apply_plan
from vigil.verify.emulator import EMULATOR_ACCOUNT, local_aws, reset, stand_in_for_services

ROOT = Path(__file__).resolve().parents[2]
#: Secret endpoints for drift tests (never published to: see apply_plan's subscribe_external).
SECRETS = {"pagerduty_p1_key": "KEY1", "pagerduty_p2_key": "KEY2", "chat_webhook_url": "https://127.0.0.1:9/chat"}


@pytest.fixture(scope="module")
def emulator_url() -> Iterator[str]:
    """One moto server per test module."""
    with local_aws() as url:
        yield url


@pytest.fixture
def target(emulator_url: str) -> AwsTarget:
    """A fresh (reset) emulator as a target."""
    reset(emulator_url)
    return AwsTarget("us-east-1", endpoint_url=emulator_url)


@pytest.fixture(scope="module")
def dev() -> LoadedStack:
    """The shipped dev stack, planned for the emulator's account."""
    return load_stack_plan(ROOT, "dev", account_id=EMULATOR_ACCOUNT)


@pytest.fixture
def applied(target: AwsTarget, dev: LoadedStack) -> Applied:
    """The dev plan applied to a fresh emulator, every subscription included, in a world with the worker service."""
    stand_in_for_services(target, dev.plan)
    return apply_plan(target, dev.plan, dev.config_value, SECRETS, subscribe_external=True)
