"""Fixtures for vigil.health tests: real uvicorn servers and real TCP peers on loopback."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from vigil.health.serve import RunningServer, serve_in_thread

SCHEMA_PATH = Path(__file__).with_name("health_json_schema.json")


@dataclass
class TcpListener:
    """A loopback TCP server that accepts and closes connections; counts them."""

    sock: socket.socket
    accepted: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    port: int = 0

    def __post_init__(self) -> None:
        self.port = int(self.sock.getsockname()[1])

    def serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            conn.close()

    def stop(self) -> None:
        self._stop.set()
        # shutdown wakes the blocked accept() and stops listening (Linux); close alone may not
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


@pytest.fixture
def tcp_listener() -> Iterator[TcpListener]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    listener = TcpListener(sock)
    threading.Thread(target=listener.serve, daemon=True).start()
    yield listener
    listener.stop()


@pytest.fixture
def serve() -> Iterator[Callable[[Any], RunningServer]]:
    """Start ASGI apps under uvicorn on 127.0.0.1, port 0; stopped at teardown."""
    servers: list[RunningServer] = []

    def start(app: Any) -> RunningServer:
        server = serve_in_thread(app)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def _http_get(url: str, *, token: str | None = None, method: str = "GET", timeout: float = 20.0) -> Reply:
    """GET (or another method) without raising on 4xx/5xx."""
    request = urllib.request.Request(url, method=method)
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as err:
        return Reply(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())


@pytest.fixture(scope="session")
def http_get() -> Callable[..., Reply]:
    """``http_get(url, token=None, method="GET", timeout=20.0) -> Reply`` without raising on 4xx/5xx."""
    return _http_get


@pytest.fixture(scope="session")
def health_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
    return schema
