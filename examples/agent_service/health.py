"""The example's health checks, named after the catalog's ``Check`` values of each namespace."""

from __future__ import annotations

import sqlite3

from examples.agent_service.state import ServiceState
from vigil.health import HealthRegistry, Observation, Status
from vigil.health.checks import event_loop_lag_check, heartbeat_check, llm_reachability, sql_ping, tcp_check


def build_registry(state: ServiceState) -> HealthRegistry:
    """Liveness: event-loop lag. Startup: worker started. Readiness: database, worker heartbeat, queue depth,
    LLM provider (non-critical, cached ``llm_check_ttl``) and every configured TCP dependency."""
    config = state.config
    registry = HealthRegistry(
        service_id="agent-service",
        version=config.version,
        description="Vigil example agent platform API and worker",
        emitter=state.telemetry.health_emitter(),
    )
    registry.register(
        "liveness",
        event_loop_lag_check(warn_ms=200, fail_ms=1000),
        kind="liveness",
        timeout=2.0,
        component="event-loop",
        measurement="lag",
        component_type="system",
    )
    registry.register("startup", state.worker.started.is_set, kind="startup", timeout=1.0, component="worker")
    registry.register(
        "database", sql_ping(lambda: sqlite3.connect(":memory:")), timeout=1.0, component_type="datastore"
    )
    registry.register(
        "readiness",
        heartbeat_check(lambda: state.worker.last_heartbeat, config.heartbeat_max_age),
        timeout=1.0,
        component="worker",
        measurement="heartbeatAge",
    )
    registry.register("queue", lambda: _queue_depth(state), critical=False, timeout=1.0, measurement="depth")
    registry.register(
        "llm-provider",
        llm_reachability(state.worker.llm.ping, provider="openai"),
        critical=False,
        timeout=1.0,
        cache_ttl=config.llm_check_ttl,
        component="openai",
    )
    for name, (host, port) in config.dependencies.items():
        registry.register(name, tcp_check(host, port), timeout=1.0, component_type="datastore")
    return registry


def _queue_depth(state: ServiceState) -> Observation:
    depth = sum(d for d, _ in state.store.queue_stats().values())
    if depth > state.config.queue_warn_depth:
        return Observation(Status.WARN, value=depth, unit="jobs", output=f"{depth} jobs queued")
    return Observation(Status.PASS, value=depth, unit="jobs")
