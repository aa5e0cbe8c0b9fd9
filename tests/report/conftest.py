"""Fixtures for the pictures and the HTML report: the dev plan, a filled store, a real evaluation, a browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigil.emulator.engine import evaluate_alarms
from vigil.emulator.store import MetricStore
from vigil.emulator.timeline import Evaluation
from vigil.plan.stack import load_stack_plan
from vigil.plan.types import StackPlan

from .cdp import find_or_install_chromium
from .report_data import END, START, filled_store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def dev_plan() -> StackPlan:
    """The shipped dev stack's plan."""
    return load_stack_plan(ROOT, "dev", account_id="123456789012").plan


@pytest.fixture(scope="session")
def store(dev_plan: StackPlan) -> MetricStore:
    """Two hours of data for every metric the dev dashboards and alarms read."""
    return filled_store(dev_plan)


@pytest.fixture(scope="session")
def evaluation(dev_plan: StackPlan, store: MetricStore) -> Evaluation:
    """Every alarm of the dev plan (metric, math, composite) evaluated over the store."""
    return evaluate_alarms(dev_plan.alarms, store, START, END)


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium (installed with apt-get when missing and possible), else skip with the reason."""
    path, why = find_or_install_chromium()
    if path is None:
        pytest.skip(f"headless Chromium is not available: {why}")
    return path
