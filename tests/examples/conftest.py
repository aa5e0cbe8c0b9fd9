"""Fixtures for the example service tests: the service under uvicorn on 127.0.0.1 with fast timings."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if importlib.util.find_spec("examples") is None:  # `examples` is not an installed package; run from the checkout
    sys.path.insert(0, str(ROOT))

from examples.agent_service import ServiceConfig, WorkerConfig, create_app  # noqa: E402
from vigil.emf import InMemorySink  # noqa: E402
from vigil.health.serve import RunningServer, serve_in_thread  # noqa: E402

TOKEN = "example-token"


def fast_config(sink: InMemorySink, **overrides: Any) -> ServiceConfig:
    worker = WorkerConfig(tick=0.02, heartbeat_metric_interval=0.2, gauge_interval=0.1, time_scale=0.0005)
    fields: dict[str, Any] = {
        "sink": sink,
        "health_token": TOKEN,
        "heartbeat_max_age": 0.5,
        "llm_check_ttl": 0.2,
        "worker": worker,
    }
    return ServiceConfig(**{**fields, **overrides})


@pytest.fixture(scope="session")
def token() -> str:
    """The bearer token that unlocks health details of the services ``start_service`` starts."""
    return TOKEN


@pytest.fixture
def start_service() -> Iterator[Callable[..., tuple[RunningServer, InMemorySink]]]:
    servers: list[RunningServer] = []

    def start(**overrides: Any) -> tuple[RunningServer, InMemorySink]:
        sink = InMemorySink()
        server = serve_in_thread(create_app(fast_config(sink, **overrides)))
        servers.append(server)
        return server, sink

    yield start
    for server in servers:
        server.stop()
