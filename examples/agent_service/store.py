"""In-memory state of the example platform: sessions with a questionnaire, plans and the job queue."""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from examples.agent_service.db import Pool
from vigil.middleware import outgoing_headers

#: A user counts as active for this long after their last request (``users.active``).
ACTIVE_USER_WINDOW = 300.0

QUESTIONS: tuple[dict[str, Any], ...] = (
    {"id": "q1", "text": "What should the agent build?", "options": ["api", "cli", "library"]},
    {"id": "q2", "text": "Which language?", "options": ["python", "typescript", "go"]},
    {"id": "q3", "text": "How careful should it be?", "options": ["mechanic", "genius"]},
)


@dataclass
class Session:
    """A planning session: questionnaire answers, then a plan waiting for a decision."""

    id: str
    created_at: float
    answers: dict[str, str] = field(default_factory=dict)
    plan_id: str = ""
    plan_status: str = "draft"
    plan_created_at: float = 0.0
    user_id: str = "anonymous"  # who opened it (a property on EMF lines, never a dimension)


@dataclass
class Job:
    """An agent job in the queue."""

    id: str
    mode: str
    job_type: str
    enqueued_at: float
    status: str = "queued"
    session_id: str = ""
    synthetic: bool = False
    user_id: str = "anonymous"  # whose run it is: the worker's LLM lines carry it (cost per user)
    trace_headers: dict[str, str] = field(
        default_factory=dict
    )  # the enqueuing request's trace, continued by the worker


class Store:
    """Thread-safe store shared by the API handlers and the worker thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sessions: dict[str, Session] = {}
        self.plans: dict[str, str] = {}  # plan id -> session id
        self.jobs: dict[str, Job] = {}
        self.queue: deque[Job] = deque()
        self.pool = Pool(size=10)
        self._last_seen: dict[str, float] = {}
        self._ids = itertools.count(1)

    def touch(self, user_id: str) -> None:
        """Record a request by ``user_id`` (``anonymous`` is not a user)."""
        if user_id != "anonymous":
            with self.lock:
                self._last_seen[user_id] = time.time()

    def active_users(self, window: float = ACTIVE_USER_WINDOW) -> int:
        """Users with a request in the last ``window`` seconds (the ``users.active`` gauge)."""
        cutoff = time.time() - window
        with self.lock:
            for user in [u for u, seen in self._last_seen.items() if seen < cutoff]:
                del self._last_seen[user]
            return len(self._last_seen)

    def new_id(self, prefix: str) -> str:
        """A short unique id, e.g. ``s-12``."""
        return f"{prefix}-{next(self._ids)}"

    def create_session(self, user_id: str = "anonymous") -> Session:
        """Open a new session for ``user_id``."""
        with self.lock:
            session = Session(self.new_id("s"), time.time(), user_id=user_id)
            self.sessions[session.id] = session
            return session

    def enqueue(
        self, mode: str, job_type: str, *, session_id: str = "", synthetic: bool = False, user_id: str = "anonymous"
    ) -> Job:
        """Append a job to the queue, with the trace context of the request that queued it."""
        headers = outgoing_headers()
        with self.lock:
            job = Job(self.new_id("j"), mode, job_type, time.time(), session_id=session_id, synthetic=synthetic)
            job.user_id = user_id
            job.trace_headers = headers
            self.jobs[job.id] = job
            self.queue.append(job)
            return job

    def claim(self) -> Job | None:
        """Pop the oldest queued job, marking it running."""
        with self.lock:
            if not self.queue:
                return None
            job = self.queue.popleft()
            job.status = "running"
            return job

    def queue_stats(self) -> dict[str, tuple[int, float]]:
        """Per mode: (depth, age in seconds of the oldest queued job)."""
        now = time.time()
        stats: dict[str, tuple[int, float]] = {}
        with self.lock:
            for job in self.queue:
                depth, age = stats.get(job.mode, (0, 0.0))
                stats[job.mode] = (depth + 1, max(age, now - job.enqueued_at))
        return stats

    def running(self) -> dict[str, int]:
        """Per mode: jobs claimed by a worker and not finished yet."""
        counts: dict[str, int] = {}
        with self.lock:
            for job in self.jobs.values():
                if job.status == "running":
                    counts[job.mode] = counts.get(job.mode, 0) + 1
        return counts
