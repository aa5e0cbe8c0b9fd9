"""Serve an ASGI app (a ``HealthApp`` or a whole service) with uvicorn in a background thread.

For processes that have no web server of their own (a queue worker exposing ``/health`` on a side port), for
``vigil smoke``, and for tests. Needs ``uvicorn`` (the ``vigil-monitoring[asgi]`` extra), imported only when called.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from vigil.health.errors import HealthError


@dataclass
class RunningServer:
    """A uvicorn server running in a daemon thread; a context manager that stops it on exit.

    >>> with serve_in_thread(app) as server:  # doctest: +SKIP
    ...     print(server.url)  # http://127.0.0.1:<port>
    """

    host: str
    port: int
    _server: Any
    _thread: threading.Thread

    @property
    def url(self) -> str:
        """Base URL, without a trailing slash."""
        return f"http://{self.host}:{self.port}"

    def stop(self, timeout: float = 10.0) -> None:
        """Ask uvicorn to exit and wait up to ``timeout`` seconds for the thread."""
        self._server.should_exit = True
        self._thread.join(timeout)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def serve_in_thread(
    app: Callable[..., Any], *, host: str = "127.0.0.1", port: int = 0, startup_timeout: float = 10.0
) -> RunningServer:
    """Start uvicorn serving ``app`` on ``host:port`` (0: any free port) and return once it accepts connections."""
    import uvicorn

    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"vigil-uvicorn-{host}:{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive():
            raise HealthError(f"uvicorn could not start on {host}:{port} (see its log above)")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise HealthError(f"uvicorn did not start on {host}:{port} within {startup_timeout:g} s")
        time.sleep(0.01)
    bound_port: int = server.servers[0].sockets[0].getsockname()[1]
    return RunningServer(host, bound_port, server, thread)
