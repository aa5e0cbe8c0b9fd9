"""The worker loop: claims jobs, runs simulated LLM and tool calls, beats its heartbeat. Runs in a thread."""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from examples.agent_service.incidents import DEAD_WORKER, ERROR_BURST, QUEUE_BACKLOG, Incidents
from examples.agent_service.llm import PROVIDER, LLMError, SimulatedLLM
from examples.agent_service.names import MODES
from examples.agent_service.store import Job, Store
from examples.agent_service.telemetry import Telemetry
from vigil.audit import domain_event
from vigil.middleware import trace_properties
from vigil.tracing import agent_loop, llm_call, process_job, record_llm_usage, tool_execution

if TYPE_CHECKING:
    from opentelemetry.trace import Tracer

log = logging.getLogger("examples.agent_service.worker")
EVENTS = "examples.agent_service.events"  # domain events (vigil.audit.domain_event)
TOOLS = (("planner", "read_file"), ("coder", "apply_patch"), ("tester", "run_tests"))


@dataclass
class WorkerConfig:
    """Timings of the worker (seconds). ``time_scale`` shrinks simulated latencies into real sleeps."""

    tick: float = 0.05
    heartbeat_metric_interval: float = 60.0
    gauge_interval: float = 10.0
    time_scale: float = 0.01
    backlog_delay: float = 0.5


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
        """queue.depth, queue.oldest_age and jobs.active per mode (zero for an empty mode, so alarms see data)."""
        stats = self.store.queue_stats()
        running = self.store.running()
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
        """LLM call, tool calls, LLM call; emit the job, LLM, tool and token metrics (with the trace ids)."""
        dims = {"Mode": job.mode, "JobType": job.job_type}
        props = {"WorkerId": self.worker_id, "job_id": job.id, **trace_properties()}
        self.telemetry.emit("job.claimed", 1, props, **dims)
        workspace = f"workspace:{job.id}"
        domain_event("workspace.created", resource=workspace, user_id=job.user_id, job_id=job.id, logger=EVENTS)
        t0 = time.perf_counter()
        simulated_ms = 0.0
        try:
            simulated_ms += self._llm_call(job)
            for agent, tool in TOOLS:
                simulated_ms += self._tool_call(agent, tool)
            simulated_ms += self._llm_call(job)
            if self.incidents.active(ERROR_BURST) and self.rng.random() < 0.3:
                raise RuntimeError("patch did not apply")
            job.status = "completed"
        except Exception as exc:
            job.status = "failed"
            log.exception("job %s failed", job.id)  # error.type, fingerprint and trace id on the line
            self.telemetry.emit("agent.errors", 1, {**props, "error": str(exc)}, AgentType="orchestrator")
        real_ms = (time.perf_counter() - t0) * 1000.0
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
        self.telemetry.emit("job.duration", round(simulated_ms + real_ms, 1), props, **dims)
        self.telemetry.emit("worker.jobs_processed", 1, {"WorkerId": self.worker_id}, Mode=job.mode)
        self.jobs_processed += 1

    def _llm_call(self, job: Job) -> float:
        mode = job.mode
        model = "gpt-4o" if mode == "genius" else "gpt-4o-mini"
        with llm_call(PROVIDER, model, tracer=self.tracer) as span:
            try:
                done = self.llm.complete(mode)
            except LLMError:
                self.telemetry.emit("llm.requests", 1, Provider=PROVIDER, Model=model)
                self.telemetry.emit("llm.errors", 1, Provider=PROVIDER, Model=model)
                raise
            record_llm_usage(span, input_tokens=done.tokens_in, output_tokens=done.tokens_out, cost_usd=done.cost_usd)
        dims = {"Provider": PROVIDER, "Model": done.model}
        self.telemetry.emit("llm.requests", 1, **dims)
        self.telemetry.emit("llm.latency", done.latency_ms, **dims)
        self.telemetry.emit("llm.tokens.input", done.tokens_in, **dims)
        self.telemetry.emit("llm.tokens.output", done.tokens_out, **dims)
        # user_id and cost_usd are properties (no dimension per user): the ai-cost-by-user Contributor Insights
        # rule sums cost_usd per user_id (its JSON paths read the dot of llm.cost_usd as nesting).
        cost_props = {"user_id": job.user_id, "job_id": job.id, "cost_usd": done.cost_usd}
        self.telemetry.emit("llm.cost_usd", done.cost_usd, cost_props, **dims)
        self.telemetry.emit("tokens.used", done.tokens_in + done.tokens_out, Mode=mode)
        return done.latency_ms

    def _tool_call(self, agent: str, tool: str) -> float:
        duration_ms = round(self.rng.lognormvariate(5.5, 0.6), 1)  # about 250 ms median
        with agent_loop(agent, tracer=self.tracer), tool_execution(tool, tracer=self.tracer):
            time.sleep(duration_ms / 1000.0 * self.config.time_scale)
        self.telemetry.emit("tool.calls", 1, Tool=tool, AgentType=agent)
        self.telemetry.emit("tool.duration", duration_ms, Tool=tool)
        return duration_ms
