"""The scenarios: a normal week and the seed incidents, each with its expected severity and incident window.

Incident scenarios run one Tuesday from 10:00 to two hours after the incident; the incident starts at 14:00 UTC.
The backtest reports from 10:00 (the first datapoint); each alarm is first evaluated once the N periods it
evaluates lie after 10:00, so short-window alarms have about four hours of normal traffic before the incident (the
anomaly baselines need ten datapoints) and windows longer than the log are reported as not evaluated. The normal
week runs Monday to Monday and contains one deploy blip (3 minutes of 5xx and slow responses on Wednesday at 15:00), which is not an incident.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from examples.scenarios.model import Conditions

WEEK_START = int(datetime(2026, 1, 5, tzinfo=UTC).timestamp())  # a Monday
DAY = 86400
INCIDENT_DAY = WEEK_START + DAY  # Tuesday
INCIDENT_AT = INCIDENT_DAY + 14 * 3600

Effect = Callable[[Conditions, float], Conditions]  # (normal conditions, seconds into the incident) -> conditions


@dataclass(frozen=True)
class Scenario:
    """One generated log set: its time range, the incident (if any) and what should catch it."""

    name: str
    title: str
    expected_severity: str | None
    start: int
    end: int
    incident_minutes: int = 0
    effect: Effect | None = None

    @property
    def incident(self) -> tuple[int, int] | None:
        """The incident window (epoch seconds), None for the normal week."""
        return None if self.effect is None else (INCIDENT_AT, INCIDENT_AT + self.incident_minutes * 60)


def _incident(name: str, title: str, severity: str, minutes: int, effect: Effect) -> Scenario:
    return Scenario(
        name, title, severity, INCIDENT_DAY + 10 * 3600, INCIDENT_AT + (minutes + 120) * 60, minutes, effect
    )


def _deploy_blip(c: Conditions, t: int) -> Conditions:
    blip = WEEK_START + 2 * DAY + 15 * 3600
    if blip <= t < blip + 180:
        return c.but(rate_5xx=0.03, latency_ms=c.latency_ms * 2)
    if t >= WEEK_START + 3 * DAY + 3 * 3600:  # Thursday 03:00: the worker service scales in from 4 tasks to 3
        return c.but(workers=3, workers_alive=3)
    return c


def _ramp(seconds: float, over: float) -> float:
    return min(1.0, seconds / over)


NORMAL_WEEK = Scenario(
    "normal-week",
    "A normal week (daily cycle, weekend dip, noise, one deploy blip, a worker scale-in from 4 to 3)",
    None,
    WEEK_START,
    WEEK_START + 7 * DAY,
)

SCENARIOS: tuple[Scenario, ...] = (
    NORMAL_WEEK,
    _incident(
        "api-5xx-burst", "15 % of API responses are 5xx for 20 minutes", "P1", 20, lambda c, s: c.but(rate_5xx=0.15)
    ),
    _incident(
        "api-total-outage",
        "The API process is gone for 30 minutes: no metrics, no logs",
        "P1",
        30,
        lambda c, s: c.but(api_up=False),
    ),
    _incident(
        "latency-drift",
        "API latency drifts up to 25x over 90 minutes and stays there",
        "P2",
        120,
        lambda c, s: c.but(latency_ms=c.latency_ms * (1 + 24 * _ramp(s, 5400))),
    ),
    _incident(
        "one-worker-dead",
        "One of the 4 workers dies for an hour and ECS cannot replace it (3 running, 4 desired; capacity -25 %)",
        "P1",
        60,
        lambda c, s: c.but(workers_alive=3, queue_depth=c.queue_depth * 1.5),
    ),
    _incident(
        "one-worker-hung",
        "One of the 4 workers hangs for an hour (ECS still runs its task; no heartbeat, capacity -25 %)",
        "P2",
        60,
        lambda c, s: c.but(workers_alive=3, tasks_running=4, queue_depth=c.queue_depth * 1.5),
    ),
    _incident(
        "all-workers-dead",
        "Every worker dies for 30 minutes: no worker metrics at all",
        "P1",
        30,
        lambda c, s: c.but(workers_alive=0, tasks_running=0),
    ),
    _incident(
        "token-spike", "Token consumption 4x normal for 45 minutes", "P3", 45, lambda c, s: c.but(token_multiplier=4.0)
    ),
    _incident(
        "cost-runaway",
        "LLM spend 6x normal for 3 hours (a prompt loop on the expensive model)",
        "P2",
        180,
        lambda c, s: c.but(cost_multiplier=6.0),
    ),
    _incident(
        "queue-backlog",
        "Jobs pile up: queue depth climbs to 400 over 20 minutes, for an hour",
        "P2",
        60,
        lambda c, s: c.but(queue_depth=8 + 392 * _ramp(s, 1200)),
    ),
    _incident(
        "llm-auth-failures",
        "The LLM provider key is revoked: every openai call fails with 401",
        "P1",
        30,
        lambda c, s: c.but(auth_failures=0.6, job_fail=0.3),
    ),
    _incident(
        "4xx-spike",
        "30 % of questionnaire requests fail with 4xx for 45 minutes (client contract)",
        "P4",
        45,
        lambda c, s: c.but(questionnaire_4xx=0.3),
    ),
    _incident(
        "websocket-storm",
        "500 new WebSocket connections per minute for 10 minutes (reconnect storm)",
        "P3",
        10,
        lambda c, s: c.but(ws_opened=500.0),
    ),
    _incident(
        "patch-failures",
        "40 % of workspace patch applications fail for 30 minutes",
        "P1",
        30,
        lambda c, s: c.but(patch_fail=0.4),
    ),
    _incident(
        "error-log-burst",
        "30 error log lines per minute from the worker for 15 minutes",
        "P2",
        15,
        lambda c, s: c.but(error_logs=30.0),
    ),
    # issue 18's fault classes, one scenario each
    _incident(
        "group-5xx",
        "Every plans request answers 5xx for 30 minutes (the service-wide rate stays near 15 %)",
        "P1",
        30,
        lambda c, s: c.but(failing_group="plans", failing_group_5xx=1.0),
    ),
    _incident(
        "p99-tail",
        "2 % of API requests take 40x longer for an hour (p95 unchanged)",
        "P2",
        60,
        lambda c, s: c.but(tail_share=0.02, tail_factor=40.0),
    ),
    _incident(
        "db-slow-20x",
        "Database queries 20x slower for an hour",
        "P2",
        60,
        lambda c, s: c.but(db_ms=c.db_ms * 20),
    ),
    _incident(
        "pool-saturated",
        "The database connection pool is full for 45 minutes",
        "P2",
        45,
        lambda c, s: c.but(pool_utilization=100.0),
    ),
    _incident(
        "jobs-stalled",
        "Workers heartbeat but complete nothing for 30 minutes while the queue grows",
        "P1",
        30,
        lambda c, s: c.but(stalled=True, queue_depth=c.queue_depth + 10 * s / 60),
    ),
    _incident(
        "dashboard-gone",
        "The dashboard app is gone for 30 minutes (no metrics)",
        "P1",
        30,
        lambda c, s: c.but(dashboard_up=False),
    ),
    _incident(
        "websockets-closed",
        "Every WebSocket is closed for 30 minutes (the dashboard is up)",
        "P1",
        30,
        lambda c, s: c.but(ws_factor=0.0),
    ),
    _incident(
        "half-traffic-lost",
        "Half the API traffic is lost before the API for an hour",
        "P2",
        60,
        lambda c, s: c.but(traffic_factor=0.5),
    ),
    _incident(
        "api-crash-loop",
        "The API is down one minute in ten for an hour (a crash loop)",
        "P2",
        60,
        lambda c, s: c.but(api_up=(s // 60) % 10 != 0),
    ),
    _incident(
        "worker-crash-loop",
        "Every worker is down one minute in ten for an hour (a crash loop)",
        "P2",
        60,
        lambda c, s: c.but(workers_alive=0, tasks_running=0) if (s // 60) % 10 == 0 else c,
    ),
)


def conditions(scenario: Scenario, t: int, base: Conditions) -> Conditions:
    """The conditions of minute ``t`` of ``scenario``."""
    current = _deploy_blip(base, t) if scenario is NORMAL_WEEK else base
    window = scenario.incident
    if window is not None and scenario.effect is not None and window[0] <= t < window[1]:
        current = scenario.effect(current, float(t - window[0]))
    return current


def by_name(name: str) -> Scenario:
    """The scenario called ``name`` (KeyError lists the names)."""
    for scenario in SCENARIOS:
        if scenario.name == name:
            return scenario
    raise KeyError(f"no scenario {name!r}; known: {', '.join(s.name for s in SCENARIOS)}")
