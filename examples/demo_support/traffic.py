"""The demo's scenario: steady traffic, a 5xx burst, recovery, a dead worker, recovery (real seconds per phase)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx

from examples.demo_support.clock import SimClock

#: (phase name, incident to inject or None, real seconds).
PHASES: tuple[tuple[str, str | None, float], ...] = (
    ("steady traffic", None, 22.0),
    ("5xx burst", "error_burst", 14.0),
    ("recovery", None, 12.0),
    ("dead worker", "dead_worker", 12.0),
    ("recovery", None, 12.0),
)

#: The same story in 26 s (tests, ``--quick``). A dead worker must outlast the heartbeat alarm's evaluation range
#: (3 minutes: CloudWatch reads 3 periods back before it treats a 1-period alarm's data as missing).
QUICK_PHASES: tuple[tuple[str, str | None, float], ...] = (
    ("steady traffic", None, 6.0),
    ("5xx burst", "error_burst", 5.0),
    ("recovery", None, 4.0),
    ("dead worker", "dead_worker", 7.0),
    ("recovery", None, 4.0),
)


@dataclass(frozen=True)
class Window:
    """An injected incident in simulated time (what the backtest scores detection against)."""

    name: str
    start: int
    end: int


@dataclass
class TrafficStats:
    """Requests sent and their outcomes."""

    requests: int = 0
    errors: int = 0
    by_phase: dict[str, int] = field(default_factory=dict)


def _call(
    http: httpx.Client, stats: TrafficStats, method: str, path: str, body: object = None
) -> dict[str, object] | None:
    response = http.request(method, path, json=body)
    stats.requests += 1
    stats.errors += response.status_code >= 500
    if response.status_code >= 300:
        return None
    parsed = response.json()
    return parsed if isinstance(parsed, dict) else None


def _one_round(http: httpx.Client, rng: random.Random, stats: TrafficStats) -> None:
    """One user: opens a session, reads the question and the plan; one in 25 also starts a job (about 25 jobs per simulated minute)."""
    created = _call(http, stats, "POST", "/sessions", {})
    if created is not None and created.get("id"):
        session = created["id"]
        asked = _call(http, stats, "GET", f"/sessions/{session}/question")
        question = asked.get("question") if asked else None
        if isinstance(question, dict) and question.get("options"):
            answer = {"questionId": question["id"], "answer": rng.choice(question["options"])}
            _call(http, stats, "POST", f"/sessions/{session}/answers", answer)
        _call(http, stats, "GET", f"/sessions/{session}/plan")
    if rng.random() < 0.04:
        _call(http, stats, "POST", "/jobs", {"mode": rng.choice(["mechanic", "genius"]), "type": "implement"})


def drive(
    base_url: str,
    clock: SimClock,
    progress: Callable[[str], None],
    *,
    rate_per_s: float = 25.0,
    phases: Sequence[tuple[str, str | None, float]] = PHASES,
    token: str = "",
) -> tuple[list[Window], TrafficStats]:
    """Run every phase against the service (``token``: the service token /admin needs).

    Returns the incident windows (simulated time) and the counts.
    """
    rng = random.Random(13)
    stats = TrafficStats()
    windows: list[Window] = []
    with httpx.Client(base_url=base_url, timeout=10) as http:
        for name, incident, seconds in phases:
            admin = {"Authorization": f"Bearer {token}"}  # /admin routes need the service token
            if incident:
                http.post(f"/admin/incidents/{incident}", headers=admin).raise_for_status()
            began, sent = time.time(), stats.requests
            progress(f"  {name:<15} {seconds:4.0f} s real = {seconds * clock.speed / 60:3.0f} min simulated"
                     + (f", incident {incident} injected" if incident else ""))  # fmt: skip
            while time.time() - began < seconds:
                tick = time.time()
                _one_round(http, rng, stats)
                time.sleep(max(0.0, 1.0 / rate_per_s - (time.time() - tick)))
            if incident:
                http.delete("/admin/incidents", headers=admin).raise_for_status()
                windows.append(Window(name, int(clock.sim(began)), int(clock.sim())))
            stats.by_phase[name] = stats.by_phase.get(name, 0) + stats.requests - sent
    return windows, stats
