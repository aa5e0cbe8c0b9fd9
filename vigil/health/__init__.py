"""Health checks for applications: liveness, readiness and startup probes served as ``application/health+json``.

>>> from vigil.health import HealthRegistry, HealthApp
>>> from vigil.health.checks import tcp_check
>>> registry = HealthRegistry(service_id="api", version="1.0.0")
>>> registry.register("db", tcp_check("127.0.0.1", 5432), component_type="datastore", timeout=1.0)
>>> app = HealthApp(registry, tokens=["s3cret"])  # serves /health, /health/live, /health/ready, /health/startup
"""

from __future__ import annotations

from vigil.health.asgi import HealthApp
from vigil.health.auth import TokenAuthorizer
from vigil.health.check import Check, CheckFunc
from vigil.health.errors import CheckConfigError, HealthError, UnknownKindError
from vigil.health.metrics import MetricsEmitter, emit_result
from vigil.health.registry import HealthRegistry
from vigil.health.report import MEDIA_TYPE, HealthReport, aggregate
from vigil.health.threads import run_blocking
from vigil.health.types import CheckResult, HealthDocument, Kind, Observation, Status

__all__ = [
    "MEDIA_TYPE",
    "Check",
    "CheckConfigError",
    "CheckFunc",
    "CheckResult",
    "HealthApp",
    "HealthDocument",
    "HealthError",
    "HealthRegistry",
    "HealthReport",
    "Kind",
    "MetricsEmitter",
    "Observation",
    "Status",
    "TokenAuthorizer",
    "UnknownKindError",
    "aggregate",
    "emit_result",
    "run_blocking",
]
