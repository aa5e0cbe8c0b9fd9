"""``HealthApp``: a pure ASGI application serving ``/health``, ``/health/live``, ``/health/ready``, ``/health/startup``.

Mount it anywhere (Starlette ``Mount("/health", app)``, FastAPI ``app.mount``, or route to it yourself): paths are
matched after the mount's ``root_path``, with or without the ``/health`` prefix.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from vigil.health.auth import TokenAuthorizer
from vigil.health.registry import HealthRegistry
from vigil.health.report import MEDIA_TYPE
from vigil.health.types import Kind

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_ROUTES: dict[str, Kind | None] = {
    "": None,
    "/live": Kind.LIVENESS,
    "/livez": Kind.LIVENESS,
    "/ready": Kind.READINESS,
    "/readyz": Kind.READINESS,
    "/startup": Kind.STARTUP,
}


def route_kind(path: str) -> tuple[bool, Kind | None]:
    """Map a request path to ``(found, kind)``; ``kind`` None means every check.

    >>> route_kind("/health/ready"), route_kind("/health"), route_kind("/nope")
    ((True, <Kind.READINESS: 'readiness'>), (True, None), (False, None))
    """
    path = path.rstrip("/")
    if path == "/health" or path.startswith("/health/"):
        path = path[len("/health") :]
    if path in _ROUTES:
        return True, _ROUTES[path]
    return False, None


class HealthApp:
    """ASGI app answering health probes from a ``HealthRegistry``.

    Details (every check's result) are returned only to callers presenting one of ``tokens`` as a bearer
    token, or to everyone when ``public_details`` is true; others get ``{"status": "pass"|"warn"|"fail"}``.

    >>> registry = HealthRegistry(service_id="api")
    >>> app = HealthApp(registry, tokens=["s3cret"])  # then: uvicorn.run(app) or Mount("/health", app)
    """

    def __init__(self, registry: HealthRegistry, *, tokens: Iterable[str] = (), public_details: bool = False) -> None:
        self.registry = registry
        self.authorizer = TokenAuthorizer(tokens)
        self.public_details = public_details

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path: str = scope.get("path", "")
        root: str = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        found, kind = route_kind(path)
        if not found:
            await _respond(send, 404, b'{"error":"not found"}', "application/json")
            return
        method = scope.get("method", "GET")
        if method not in ("GET", "HEAD"):
            await _respond(send, 405, b'{"error":"method not allowed"}', "application/json", allow=True)
            return
        report = await self.registry.run(kind)
        details = self.public_details or self.authorizer.is_authorized(_header(scope, b"authorization"))
        body = json.dumps(report.to_document(details=details), sort_keys=True).encode()
        await _respond(send, report.http_status, body if method == "GET" else b"", MEDIA_TYPE, length=len(body))


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


async def _respond(
    send: Send, status: int, body: bytes, media_type: str, *, length: int | None = None, allow: bool = False
) -> None:
    headers = [
        (b"content-type", media_type.encode()),
        (b"content-length", str(len(body) if length is None else length).encode()),
        (b"cache-control", b"no-store"),
    ]
    if allow:
        headers.append((b"allow", b"GET, HEAD"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
