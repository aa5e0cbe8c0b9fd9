"""The traffic model of the scenario library: what the platform does in one minute, and how incidents change it.

Everything is drawn from one seeded ``random.Random``, so a scenario is the same on every run and machine.
Rates are per minute at the daily peak; :func:`day_factor` scales them (a daily cycle with a night trough, and a
weekend dip).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, replace

MODES = {"mechanic": ("implement", 0.7), "genius": ("plan", 0.3)}
MODELS = {"gpt-4o": ("openai", 0.6, 0.000_000_3), "claude-sonnet": ("anthropic", 0.4, 0.000_000_4)}  # $ per token
GROUPS = {"sessions": 0.2, "questionnaire": 0.25, "plans": 0.15, "workspace": 0.2, "auth": 0.1, "health": 0.1}
TOOLS = ("apply_patch", "run_tests")


def day_factor(t: int) -> float:
    """Traffic relative to the weekday peak at epoch second ``t`` (UTC): night trough 0.3, weekend x0.55."""
    hour = (t % 86400) / 3600.0
    weekday = (t // 86400 + 3) % 7  # 1970-01-01 was a Thursday: 0 = Monday
    daily = 0.3 + 0.7 * max(0.0, math.sin(math.pi * (hour - 6.0) / 16.0)) if 6 <= hour <= 22 else 0.3
    return daily * (0.55 if weekday >= 5 else 1.0)


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth for small means, a rounded normal for large ones)."""
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def binomial(rng: random.Random, n: int, p: float) -> int:
    """Successes out of ``n`` trials of probability ``p`` (Poisson approximation for rare events)."""
    if n <= 0 or p <= 0:
        return 0
    if n > 50 and p < 0.1:
        return min(n, poisson(rng, n * p))
    return sum(1 for _ in range(n) if rng.random() < p)


@dataclass(frozen=True)
class Conditions:
    """What is true of the platform in one minute; incidents replace some fields."""

    api_up: bool = True
    requests_per_min: float = 400.0
    rate_5xx: float = 0.0002
    rate_4xx: float = 0.02
    questionnaire_4xx: float = 0.03
    latency_ms: float = 120.0
    db_ms: float = 20.0
    patch_attempts: float = 8.0
    patch_fail: float = 0.005
    workers: int = 4
    workers_alive: int = 4
    jobs_per_min: float = 20.0
    job_fail: float = 0.05
    queue_depth: float = 8.0
    llm_calls: float = 150.0
    tokens_per_call: float = 1500.0
    token_multiplier: float = 1.0
    cost_multiplier: float = 1.0
    auth_failures: float = 0.0
    error_logs: float = 0.05
    ws_opened: float = 20.0
    logins: float = 3.0
    login_failures: float = 0.05
    # issue 18's fault classes: one endpoint group failing, a slow tail, the pool, workers that live but do not
    # work, hung tasks ECS still counts, the dashboard and its WebSockets, traffic lost before the API.
    failing_group: str = ""
    failing_group_5xx: float = 0.0
    tail_share: float = 0.0
    tail_factor: float = 1.0
    pool_utilization: float = 30.0
    stalled: bool = False
    tasks_running: int | None = None
    dashboard_up: bool = True
    ws_factor: float = 1.0
    traffic_factor: float = 1.0
    notes: tuple[str, ...] = field(default_factory=tuple)

    def but(self, **changes: object) -> Conditions:
        """A copy with ``changes``."""
        return replace(self, **changes)  # type: ignore[arg-type]
