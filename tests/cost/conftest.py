"""Fixtures of the cost model tests: the packaged price table and small project builders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from vigil.cost import PriceTable, load_prices
from vigil.spec.models import MetricNamespaceSpec, Project, StackSpec

NamespaceFactory = Callable[..., MetricNamespaceSpec]
ProjectFactory = Callable[..., Project]


@pytest.fixture(scope="session")
def prices() -> PriceTable:
    """The packaged us-east-1 price table."""
    return load_prices()


def _namespace(
    cardinalities: dict[str, int] | None = None,
    sets: dict[str, list[str]] | None = None,
    metrics: dict[str, dict[str, Any]] | None = None,
    log_group: dict[str, Any] | None = None,
    namespace: str = "Vigil/API",
) -> MetricNamespaceSpec:
    return MetricNamespaceSpec.model_validate(
        {
            "version": "vigil/v1",
            "namespace": namespace,
            "service": "api",
            "dimensions": {k: {"cardinality": v} for k, v in (cardinalities or {}).items()},
            "dimension_sets": sets or {"service": ["Service", "Environment"]},
            "metrics": metrics if metrics is not None else {"http.requests": {"unit": "Count"}},
            "log_group": log_group,
        }
    )


@pytest.fixture(scope="session")
def make_namespace() -> NamespaceFactory:
    """Build a namespace: ``make_namespace(cardinalities, sets, metrics, log_group, namespace)``."""
    return _namespace


def static_alarm(name: str = "x", period: int = 60, **extra: Any) -> dict[str, Any]:
    """A static alarm spec on ``Vigil/API:http.requests`` (module-level so Hypothesis strategies can use it)."""
    ref = {"namespace": "Vigil/API", "metric": "http.requests"}
    return {"kind": "static", "severity": "P2", "metric": ref, "threshold": 1, "period": period, **extra}


@pytest.fixture(scope="session")
def make_static() -> Callable[..., dict[str, Any]]:
    """Build a static alarm spec (a dict) with a given ``period`` and extra fields."""
    return static_alarm


@pytest.fixture(scope="session")
def make_project() -> ProjectFactory:
    """Build a project from plain dicts; ``stack`` takes :class:`StackSpec` fields (name/environment default)."""

    def build(stack: dict[str, Any] | None = None, **fields: Any) -> Project:
        stack_spec = StackSpec.model_validate({"name": "dev", "environment": "dev", **stack}) if stack else None
        return Project.model_validate({**fields, "stack": stack_spec})

    return build
