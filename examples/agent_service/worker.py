"""The worker loop: claims jobs, runs simulated LLM and tool calls, beats its heartbeat. Runs in a thread."""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from examples.agent_service.incidents import DEAD_WORKER, ERROR_BURST, QUEUE_BACKLOG, Incidents
from examples.agent_service.llm import (
    FALLBACK_MODEL,
    FALLBACK_PROVIDER,
    MODEL_BY_MODE,
    PROVIDER,
    LLMError,
    SimulatedLLM,
)
from examples.agent_service.names import MODES
from examples.agent_service.store import Job, Store
from examples.agent_service.telemetry import Telemetry
from vigil.audit import domain_event
from vigil.emf.process import ProcessMetrics
from vigil.middleware import trace_properties
from vigil.tracing import agent_loop, llm_call, process_job, record_llm_usage, span, tool_execution

if TYPE_CHECKING:
    from opentelemetry.trace import Tracer

log = logging.getLogger("examples.agent_service.worker")
EVENTS = "examples.agent_service.events"  # domain events (vigil.audit.domain_event)
TOOLS = (("planner", "read_file"), ("coder", "apply_patch"), ("tester", "run_tests"))
#: Tokens a job may spend before the worker stops it and hands it to a human (seed 003 token_cap, escalation).
TOKEN_CAP: dict[str, int] = {"mechanic": 20_000, "genius": 40_000}
#: Consecutive 401s from the provider after which the worker stops calling it (fails fast) for ``auth_cooldown``.
AUTH_FAILURES_TO_STOP = 3


class BudgetExceeded(Exception):
    """The job spent more tokens than its cap: it is stopped and escalated to a human."""


@dataclass
class Usage:
    """Tokens one job has spent so far."""

    tokens: int = 0
    calls: int = 0


@dataclass
class WorkerConfig:
    """Timings of the worker (seconds). ``time_scale`` shrinks simulated latencies into real sleeps."""

    tick: float = 0.05
    heartbeat_metric_interval: float = 60.0
    gauge_interval: float = 10.0
    time_scale: float = 0.01
    backlog_delay: float = 0.5
    auth_cooldown: float = 60.0


class Worker:
    """One worker with id ``worker_id`` (an EMF property, never a dimension)."""

    def __init__(
        self,
        store: Store,
        telemetry: Telemetry,
        incidents: Incidents,
        config: WorkerConfig,
        seed: int = 7,
        tracer: Tracer | None = None,
    ) -> None:
        self.store, self.telemetry, self.incidents, self.config = store, telemetry, incidents, config
        self.tracer = tracer  # None: the global tracer (a no-op unless an SDK is installed globally)
        self.rng = random.Random(seed)
        self.llm = SimulatedLLM(incidents, self.rng, time_scale=config.time_scale)
        self.worker_id = f"worker-{seed}"
        self.last_heartbeat: float | None = None
        self.started = threading.Event()
        self.jobs_processed = 0
        self._auth_failures = 0
        self._auth_stopped_until = 0.0
        # process.* for each service: the example runs API and worker in one process, so both report the same one
        self._process_metrics = [ProcessMetrics(logger) for logger in telemetry.loggers.values()]
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the loop in a daemon thread (idempotent)."""
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name=self.worker_id, daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the loop and wait for the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        next_beat = next_gauge = next_claim = 0.0
        self.started.set()
        while not self._stop.wait(self.config.tick):
            if self.incidents.active(DEAD_WORKER):
                continue  # a dead worker neither beats nor works
            now = time.monotonic()
            self.last_heartbeat = time.time()
            if now >= next_beat:
                self.telemetry.emit("worker.heartbeat", 1, {"WorkerId": self.worker_id})
                next_beat = now + self.config.heartbeat_metric_interval
            if now >= next_gauge:
                self.emit_queue_gauges()
                next_gauge = now + self.config.gauge_interval
            if now < next_claim:
                continue
            job = self.store.claim()
            if job is not None:
                self.process(job)
                if self.incidents.active(QUEUE_BACKLOG):  # a slow worker: the queue backs up, heartbeats go on
                    next_claim = time.monotonic() + self.config.backlog_delay

    def emit_queue_gauges(self) -> None:
        """queue.depth, queue.oldest_age and jobs.active per mode (zero for an empty mode, so alarms see data);
        the API's users.active and its database pool gauges (the example runs API and worker in one process)."""
        stats = self.store.queue_stats()
        running = self.store.running()
        self.telemetry.emit("users.active", self.store.active_users())
        in_use, size = self.store.pool.in_use(), self.store.pool.size
        self.telemetry.emit("db.connections", in_use)
        self.telemetry.emit("db.pool.utilization", round(100.0 * in_use / size, 1))
        for process in self._process_metrics:
            process.sample()
        for mode in MODES:
            self.telemetry.emit("jobs.active", running.get(mode, 0), Mode=mode)
            depth, age = stats.get(mode, (0, 0.0))
            self.telemetry.emit("queue.depth", depth, Mode=mode)
            self.telemetry.emit("queue.oldest_age", round(age, 3), Mode=mode)

    def process(self, job: Job) -> None:
        """Run one job in a ``process-job`` span continuing the trace of the request that queued it."""
        with process_job(job.id, job_type=job.job_type, mode=job.mode, tracer=self.tracer, parent=job.trace_headers):
            self._process(job)

    def _process(self, job: Job) -> None:
        """LLM call, tool calls, LLM call, patch; emit the job, LLM, tool, token and workspace metrics."""
        dims = {"Mode": job.mode, "JobType": job.job_type}
        props = {"WorkerId": self.worker_id, "job_id": job.id, **trace_properties()}
        self.telemetry.emit("job.claimed", 1, props, **dims)
        workspace = self._create_workspace(job)
        t0 = time.perf_counter()
        simulated_ms = 0.0
        usage = Usage()
        try:
            simulated_ms += self._llm_call(job, usage)
            for agent, tool in TOOLS:
                simulated_ms += self._tool_call(agent, tool)
            simulated_ms += self._llm_call(job, usage)
            simulated_ms += self._apply_patch(job)
            job.status = "completed"
        except BudgetExceeded:
            job.status = "escalated"
            cap = TOKEN_CAP.get(job.mode, TOKEN_CAP["mechanic"])
            self.telemetry.emit("budget.exceeded", 1, {**props, "token_cap": cap}, Mode=job.mode)
            self.telemetry.emit("escalation.total", 1, props, Mode=job.mode)
            log.warning("job %s stopped at its token cap (%d > %d), escalated", job.id, usage.tokens, cap)
        except Exception as exc:
            job.status = "failed"
            log.exception("job %s failed", job.id)  # error.type, fingerprint and trace id on the line
            self.telemetry.emit("agent.errors", 1, {**props, "error": str(exc)}, AgentType="orchestrator")
        real_ms = (time.perf_counter() - t0) * 1000.0
        with span("update-status", attributes={"job.id": job.id, "job.status": job.status}, tracer=self.tracer):
            self._record_outcome(job, workspace, props, dims, round(simulated_ms + real_ms, 1), usage)

    def _record_outcome(
        self, job: Job, workspace: str, props: dict[str, str], dims: dict[str, str], duration_ms: float, usage: Usage
    ) -> None:
        """The patch domain event, job.completed/job.failed, job.duration and one job-finished log line."""
        if job.status != "escalated":
            applied = job.status == "completed"
            domain_event(
                "patch.applied" if applied else "patch.rejected",
                resource=workspace,
                user_id=job.user_id,
                outcome="success" if applied else "failure",
                job_id=job.id,
                logger=EVENTS,
            )
            self.telemetry.emit(f"job.{job.status}", 1, props, **dims)
        self.telemetry.emit("job.duration", duration_ms, props, **dims)
        self.telemetry.emit("worker.jobs_processed", 1, {"WorkerId": self.worker_id}, Mode=job.mode)
        self.jobs_processed += 1
        log.info(  # seed 003: one structured line per job with its mode, duration and tokens (trace id on the line)
            "job %s %s",
            job.id,
            job.status,
            extra={"job_id": job.id, "mode": job.mode, "duration_ms": duration_ms, "tokens_used": usage.tokens},
        )

    def _create_workspace(self, job: Job) -> str:
        """Create the job's workspace: workspace.created, workspace.create.duration and the domain event."""
        workspace = f"workspace:{job.id}"
        duration_ms = round(self.rng.lognormvariate(5.0, 0.5), 1)  # about 150 ms median
        time.sleep(duration_ms / 1000.0 * self.config.time_scale)
        self.telemetry.emit("workspace.created", 1, {"workspace_id": job.id})
        self.telemetry.emit("workspace.create.duration", duration_ms, {"workspace_id": job.id})
        domain_event("workspace.created", resource=workspace, user_id=job.user_id, job_id=job.id, logger=EVENTS)
        return workspace

    def _apply_patch(self, job: Job) -> float:
        """Apply the job's patch: patch.apply.duration always, patch.failed or workspace.artifacts (files written)."""
        duration_ms = round(self.rng.lognormvariate(4.5, 0.6), 1)  # about 90 ms median
        time.sleep(duration_ms / 1000.0 * self.config.time_scale)
        self.telemetry.emit("patch.apply.duration", duration_ms, {"workspace_id": job.id})
        if self.incidents.active(ERROR_BURST) and self.rng.random() < 0.3:
            self.telemetry.emit("patch.failed", 1, {"workspace_id": job.id})
            self.telemetry.emit("tool.errors", 1, Tool="apply_patch")
            raise RuntimeError("patch did not apply")
        files = self.rng.randint(1, 8)
        self.telemetry.emit("workspace.artifacts", files, {"workspace_id": job.id})
        self.telemetry.emit(
            "workspace.size", sum(self.rng.randint(500, 40_000) for _ in range(files)), {"workspace_id": job.id}
        )
        return duration_ms

    def _llm_call(self, job: Job, usage: Usage) -> float:
        """One LLM call: fails fast while the provider refuses the key, falls back on a rate limit, caps tokens."""
        if time.monotonic() < self._auth_stopped_until:
            raise LLMError(f"{PROVIDER}: calls stopped after {AUTH_FAILURES_TO_STOP} refused API keys", kind="auth")
        model = MODEL_BY_MODE.get(job.mode, "gpt-4o-mini")
        try:
            latency_ms = self._call(job, PROVIDER, model, usage)
        except LLMError as err:
            if err.kind == "auth":
                self._auth_failures += 1
                if self._auth_failures >= AUTH_FAILURES_TO_STOP:  # fail fast instead of burning retries (seed 000)
                    self._auth_stopped_until = time.monotonic() + self.config.auth_cooldown
                    log.error("%s refused the API key %d times: calls stopped", PROVIDER, self._auth_failures)
            if err.kind != "rate_limited":
                raise
            self.telemetry.emit("llm.fallbacks", 1, Provider=PROVIDER)
            latency_ms = self._call(job, FALLBACK_PROVIDER, FALLBACK_MODEL, usage)
        else:
            self._auth_failures = 0
        if usage.tokens > TOKEN_CAP.get(job.mode, TOKEN_CAP["mechanic"]):
            raise BudgetExceeded(job.id)
        return latency_ms

    def _call(self, job: Job, provider: str, model: str, usage: Usage) -> float:
        """One call to ``provider``; emits the LLM metrics and, on a failure, a warning with the elapsed time."""
        dims = {"Provider": provider, "Model": model}
        with llm_call(provider, model, tracer=self.tracer) as span_:
            t0 = time.perf_counter()
            try:
                done = self.llm.complete(job.mode, model=model)
            except LLMError as err:
                self.telemetry.emit("llm.requests", 1, **dims)
                self.telemetry.emit("llm.errors", 1, **dims)
                if err.kind in ("rate_limited", "auth"):
                    self.telemetry.emit(
                        "llm.rate_limited" if err.kind == "rate_limited" else "llm.auth_failures", 1, Provider=provider
                    )
                elapsed_ms = round((time.perf_counter() - t0) * 1000.0 / max(self.config.time_scale, 1e-9), 1)
                log.warning(
                    "%s call failed after %.0f ms: %s",
                    provider,
                    elapsed_ms,
                    err,
                    extra={"provider": provider, "model": model, "elapsed_ms": elapsed_ms, "job_id": job.id},
                )
                raise
            if done.cached:
                self.telemetry.emit("llm.response_cache.hits", 1)
                return done.latency_ms
            self.telemetry.emit("llm.response_cache.misses", 1)
            record_llm_usage(span_, input_tokens=done.tokens_in, output_tokens=done.tokens_out, cost_usd=done.cost_usd)
        self.telemetry.emit("llm.requests", 1, **dims)
        self.telemetry.emit("llm.latency", done.latency_ms, **dims)
        self.telemetry.emit("llm.tokens.input", done.tokens_in, **dims)
        self.telemetry.emit("llm.tokens.output", done.tokens_out, **dims)
        tokens = done.tokens_in + done.tokens_out
        usage.tokens += tokens
        # One line per call with who, what it cost, how many tokens and how long it took (properties, not dimensions:
        # the ai-cost-by-user Contributor Insights rule sums cost_usd per user_id; the dot of llm.cost_usd is nesting).
        cost_props: dict[str, object] = {
            "user_id": job.user_id,
            "job_id": job.id,
            "cost_usd": done.cost_usd,
            "tokens_used": tokens,
            "elapsed_ms": done.latency_ms,
            **self._messages(usage),
        }
        self.telemetry.emit("llm.cost_usd", done.cost_usd, cost_props, **dims)
        self.telemetry.emit("tokens.used", tokens, Mode=job.mode)
        return done.latency_ms

    @staticmethod
    def _messages(usage: Usage) -> dict[str, int]:
        """Messages the call sent per role: the job's conversation grows by an answer and three tool results a call."""
        turns = usage.calls
        usage.calls += 1
        return {"messages_system": 1, "messages_user": 1, "messages_assistant": turns, "messages_tool": 3 * turns}

    def _tool_call(self, agent: str, tool: str) -> float:
        duration_ms = round(self.rng.lognormvariate(5.5, 0.6), 1)  # about 250 ms median
        with agent_loop(agent, tracer=self.tracer), tool_execution(tool, tracer=self.tracer):
            time.sleep(duration_ms / 1000.0 * self.config.time_scale)
        self.telemetry.emit("tool.calls", 1, Tool=tool, AgentType=agent)
        self.telemetry.emit("tool.duration", duration_ms, Tool=tool)
        return duration_ms
