"""``AgentService``: the example's pure ASGI app (API routes, HTTP metrics, /health/*, worker lifecycle)."""

from __future__ import annotations

import logging
import time

from examples.agent_service.health import build_registry
from examples.agent_service.http import (
    HTTPError,
    Receive,
    Request,
    Response,
    Scope,
    Send,
    authorization,
    read_body,
    send_json,
)
from examples.agent_service.incidents import ERROR_BURST
from examples.agent_service.routes import ROUTES, Route
from examples.agent_service.state import ServiceConfig, ServiceState
from vigil.health import HealthApp


class AgentService:
    """The example agent platform API. The worker thread starts with the ASGI lifespan (or the first request).

    >>> app = AgentService(ServiceConfig(sink="memory"))  # uvicorn.run(app, port=8000)
    >>> sorted(app.health.registry.checks("readiness"))[0].name  # doctest: +SKIP
    """

    def __init__(self, config: ServiceConfig | None = None) -> None:
        self.state = ServiceState(config or ServiceConfig())
        cfg = self.state.config
        tokens = [cfg.health_token] if cfg.health_token else []
        self.health = HealthApp(build_registry(self.state), tokens=tokens, public_details=cfg.public_health_details)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        self.state.worker.start()
        path: str = scope["path"]
        if path == "/health" or path.startswith("/health/"):
            await self.health(scope, receive, send)
            return
        await self._serve(scope, receive, send, path)

    async def _serve(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        t0 = time.perf_counter()
        method: str = scope["method"]
        route, params = _find(method, path)
        if route is None:
            known_path = params is not None
            await send_json(
                send, 405 if known_path else 404, {"error": "method not allowed" if known_path else "not found"}
            )
            return
        size = 0
        try:
            body = await read_body(receive)
            size = len(body)
            if not route.admin and self.state.incidents.active(ERROR_BURST) and self.state.worker.rng.random() < 0.5:
                raise HTTPError(500, "injected error (error_burst incident)")
            request = Request(method, path, params or {}, body, authorization(scope))
            response = await route.handler(self.state, request)
        except HTTPError as exc:
            response = Response(exc.status, {"error": str(exc)})
        except Exception:  # a bug in a handler: a 500 with metrics; the details go to the log, never to the caller
            logging.getLogger("examples.agent_service").exception("%s %s failed", method, route.template)
            response = Response(500, {"error": "internal error"})
        await send_json(send, response.status, response.body)
        if not route.admin:
            self._record(route, method, response.status, (time.perf_counter() - t0) * 1000.0, size)

    def _record(self, route: Route, method: str, status: int, duration_ms: float, size: int) -> None:
        emit = self.state.telemetry.emit
        dims = {"Endpoint": route.template, "EndpointGroup": route.group, "StatusClass": f"{status // 100}xx"}
        emit("http.requests", 1, Method=method, **dims)
        emit("http.request.duration", round(duration_ms, 3), Endpoint=route.template)
        emit("http.request.size", size, Endpoint=route.template)
        if status >= 400:
            emit("http.errors", 1, **dims)
        if status >= 500:
            emit("error.total", 1, {"endpoint": route.template, "status": status})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.state.worker.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.state.worker.stop()
                self.health.registry.close()
                self.state.telemetry.flush()
                await send({"type": "lifespan.shutdown.complete"})
                return


def _find(method: str, path: str) -> tuple[Route | None, dict[str, str] | None]:
    """The route for ``method path``; ``(None, {})`` when the path exists under another method."""
    path_matched = False
    for route in ROUTES:
        params = route.match(path)
        if params is None:
            continue
        if route.method == method:
            return route, params
        path_matched = True
    return None, ({} if path_matched else None)


def create_app(config: ServiceConfig | None = None) -> AgentService:
    """The example service as an ASGI app.

    >>> app = create_app(ServiceConfig(sink="memory", health_token="s3cret"))
    """
    return AgentService(config)
