"""Built-in health checks: factories returning plain callables to register with ``HealthRegistry.register``."""

from __future__ import annotations

from vigil.health.checks.disk import disk_space_check
from vigil.health.checks.heartbeat import heartbeat_check
from vigil.health.checks.http import http_check
from vigil.health.checks.llm import llm_reachability
from vigil.health.checks.loop_lag import event_loop_lag_check
from vigil.health.checks.sql import async_sql_ping, sql_ping
from vigil.health.checks.tcp import tcp_check

__all__ = [
    "async_sql_ping",
    "disk_space_check",
    "event_loop_lag_check",
    "heartbeat_check",
    "http_check",
    "llm_reachability",
    "sql_ping",
    "tcp_check",
]
