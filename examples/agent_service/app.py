"""``AgentService``: the example's pure ASGI app (API routes, /health/*, worker lifecycle) behind ``VigilMiddleware``.

The middleware does the request instrumentation: correlation id and trace context in and out, request
metrics by route template (from the catalog's dimension sets), error lines with fingerprints.
"""

from __future__ import annotations

import logging

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
from examples.agent_service.names import API_NAMESPACE
from examples.agent_service.routes import ROUTES, Route
from examples.agent_service.state import ServiceConfig, ServiceState
from examples.agent_service.telemetry import api_catalog
from vigil.health import HealthApp
from vigil.middleware import RequestMetrics, VigilMiddleware, set_route

log = logging.getLogger("examples.agent_service")


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
        metrics = RequestMetrics(self.state.telemetry.loggers[API_NAMESPACE], api_catalog())
        self.app = VigilMiddleware(self._handle, metrics=metrics, tracing=cfg.tracing, exclude=("/health", "/admin"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)

    async def _handle(self, scope: Scope, receive: Receive, send: Send) -> None:
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
        method: str = scope["method"]
        route, params = _find(method, path)
        if route is None:
            known_path = params is not None
            await send_json(
                send, 405 if known_path else 404, {"error": "method not allowed" if known_path else "not found"}
            )
            return
        set_route(scope, route.template, route.group)
        try:
            body = await read_body(receive)
            if not route.admin and self.state.incidents.active(ERROR_BURST) and self.state.worker.rng.random() < 0.5:
                raise HTTPError(500, "injected error (error_burst incident)")
            request = Request(method, path, params or {}, body, authorization(scope))
            response = await route.handler(self.state, request)
        except HTTPError as exc:
            if exc.status >= 500:
                log.error("%s %s answered %d: %s", method, route.template, exc.status, exc)
            response = Response(exc.status, {"error": str(exc)})
        except Exception:  # a bug in a handler: a 500 with metrics; the details go to the log, never to the caller
            log.exception("handler %s %s failed", method, route.template)  # error.type and fingerprint on the line
            response = Response(500, {"error": "internal error"})
        await send_json(send, response.status, response.body)

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
