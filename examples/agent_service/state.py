"""Configuration and shared state of one example service instance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from examples.agent_service.incidents import Incidents
from examples.agent_service.store import Store
from examples.agent_service.telemetry import Telemetry
from examples.agent_service.worker import Worker, WorkerConfig
from vigil.emf.sinks.base import Sink

if TYPE_CHECKING:
    from vigil.tracing import Tracing


@dataclass
class ServiceConfig:
    """Knobs of the example service.

    ``dependencies`` are extra TCP dependencies (name -> (host, port)) checked by readiness, e.g. a cache;
    ``health_token`` unlocks health details; ``sink`` is an EMF sink or URL (``None``: ``$VIGIL_EMF_SINK``);
    ``tracing`` (from ``vigil.tracing.setup_tracing``) turns on spans; ``downstream`` is the base URL of another
    instance that runs the jobs of approved plans (two services, one trace).
    """

    environment: str = "dev"
    version: str = "0.1.0"
    sink: Sink | str | None = None
    health_token: str = ""
    public_health_details: bool = False
    heartbeat_max_age: float = 5.0
    queue_warn_depth: int = 100
    llm_check_ttl: float = 5.0
    dependencies: dict[str, tuple[str, int]] = field(default_factory=dict)
    worker: WorkerConfig = field(default_factory=WorkerConfig)
    seed: int = 7
    tracing: Tracing | None = None
    downstream: str | None = None


class ServiceState:
    """Everything the handlers, the worker and the health checks share."""

    def __init__(self, config: ServiceConfig) -> None:
        self.config = config
        self.store = Store()
        self.incidents = Incidents()
        self.telemetry = Telemetry(config.environment, config.sink)
        tracer = config.tracing.tracer if config.tracing is not None else None
        self.worker = Worker(self.store, self.telemetry, self.incidents, config.worker, seed=config.seed, tracer=tracer)
