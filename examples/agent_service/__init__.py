"""The Vigil example agent platform: a pure ASGI API with a worker thread, instrumented with vigil.emf and
served health checks from vigil.health. Run it with ``python -m examples.agent_service --port 8000``.

>>> from examples.agent_service import ServiceConfig, create_app
>>> app = create_app(ServiceConfig(sink="memory"))
"""

from __future__ import annotations

from examples.agent_service.app import AgentService, create_app
from examples.agent_service.incidents import KINDS as INCIDENT_KINDS
from examples.agent_service.state import ServiceConfig
from examples.agent_service.worker import WorkerConfig

__all__ = ["INCIDENT_KINDS", "AgentService", "ServiceConfig", "WorkerConfig", "create_app"]
