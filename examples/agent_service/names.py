"""Every metric the example service emits, with its namespace, unit and dimension sets, in one place.

Kept in step with the shipped catalog (``metrics/api.yaml``, ``metrics/worker.yaml``); a test compares them.
Dimension sets list the dimensions beyond ``Service`` and ``Environment``, which are on everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

API_NAMESPACE: Final = "Vigil/API"
WORKER_NAMESPACE: Final = "Vigil/Worker"
SERVICES: Final = {API_NAMESPACE: "api", WORKER_NAMESPACE: "worker"}
BASE_DIMENSIONS: Final = ("Service", "Environment")


@dataclass(frozen=True)
class MetricDef:
    """A metric as the example emits it."""

    namespace: str
    unit: str
    sets: tuple[tuple[str, ...], ...] = ((),)


def _api(unit: str, *sets: tuple[str, ...]) -> MetricDef:
    return MetricDef(API_NAMESPACE, unit, ((), *sets))


def _worker(unit: str, *sets: tuple[str, ...]) -> MetricDef:
    return MetricDef(WORKER_NAMESPACE, unit, ((), *sets))


_HTTP_SETS = (("StatusClass",), ("Method",), ("Endpoint",), ("EndpointGroup",), ("EndpointGroup", "StatusClass"))
_JOB_SETS = (("Mode",), ("Mode", "JobType"))
_LLM_SETS = (("Provider",), ("Model",))

METRICS: Final[dict[str, MetricDef]] = {
    "http.requests": _api("Count", *_HTTP_SETS),
    "http.errors": _api("Count", ("StatusClass",), ("Endpoint",), ("EndpointGroup", "StatusClass")),
    "http.request.duration": _api("Milliseconds", ("Endpoint",)),
    "http.request.size": _api("Bytes", ("Endpoint",)),
    "session.created": _api("Count"),
    "session.questionnaire_completed": _api("Count"),
    "plan.approved": _api("Count"),
    "plan.rejected": _api("Count"),
    "plan.time_to_approval": _api("Seconds"),
    "db.query.duration": _api("Milliseconds"),
    "db.connections": _api("Count"),
    "db.pool.utilization": _api("Percent"),
    "users.active": _api("Count"),
    "workspace.created": _api("Count"),
    "workspace.create.duration": _api("Milliseconds"),
    "workspace.artifacts": _api("Count"),
    "workspace.size": _api("Bytes"),
    "feedback.rating": _api("None"),
    "patch.apply.duration": _api("Milliseconds"),
    "patch.failed": _api("Count"),
    "patch.invalid": _api("Count"),
    "phase.transition_violation": _api("Count"),
    "error.total": _api("Count"),
    "job.claimed": _worker("Count", *_JOB_SETS),
    "job.completed": _worker("Count", *_JOB_SETS),
    "job.failed": _worker("Count", *_JOB_SETS),
    "job.duration": _worker("Milliseconds", *_JOB_SETS),
    "queue.depth": _worker("Count", ("Mode",)),
    "jobs.active": _worker("Count", ("Mode",)),
    "queue.oldest_age": _worker("Seconds", ("Mode",)),
    "tool.calls": _worker("Count", ("Tool",), ("AgentType",)),
    "tool.duration": _worker("Milliseconds", ("Tool",)),
    "tool.errors": _worker("Count", ("Tool",)),
    "agent.errors": _worker("Count", ("AgentType",)),
    "llm.requests": _worker("Count", *_LLM_SETS),
    "llm.errors": _worker("Count", *_LLM_SETS),
    "llm.latency": _worker("Milliseconds", *_LLM_SETS),
    "llm.tokens.input": _worker("Count", *_LLM_SETS),
    "llm.tokens.output": _worker("Count", *_LLM_SETS),
    "llm.cost_usd": _worker("None", *_LLM_SETS),
    "tokens.used": _worker("Count", ("Mode",)),
    "llm.rate_limited": _worker("Count", ("Provider",)),
    "llm.auth_failures": _worker("Count", ("Provider",)),
    "llm.fallbacks": _worker("Count", ("Provider",)),
    "llm.response_cache.hits": _worker("Count"),
    "llm.response_cache.misses": _worker("Count"),
    "budget.exceeded": _worker("Count", ("Mode",)),
    "escalation.total": _worker("Count", ("Mode",)),
    "worker.heartbeat": _worker("Count"),
    "worker.jobs_processed": _worker("Count", ("Mode",)),
}

#: Health check names (the ``Check`` dimension), as the catalog enumerates them per namespace.
API_CHECKS: Final = ("liveness", "startup", "database", "cache")
WORKER_CHECKS: Final = ("readiness", "queue", "llm-provider")

#: Endpoint groups (the ``EndpointGroup`` dimension).
GROUPS: Final = ("sessions", "questionnaire", "plans", "workspace", "auth", "health")
MODES: Final = ("mechanic", "genius")
JOB_TYPES: Final = ("plan", "implement", "review", "fix", "test", "deploy")
