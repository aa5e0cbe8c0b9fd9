"""``HealthApp``: a pure ASGI application serving ``/health``, ``/health/live``, ``/health/ready``, ``/health/startup``.

Mount it anywhere (Starlette ``Mount("/health", app)``, FastAPI ``app.mount``, or route to it yourself): paths are
matched after the mount's ``root_path``, with or without the ``/health`` prefix.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from vigil.health.auth import TokenAuthorizer
from vigil.health.errors import CheckConfigError
from vigil.health.registry import HealthRegistry
from vigil.health.report import MEDIA_TYPE, HealthReport
from vigil.health.types import HealthDocument, Kind

_log = logging.getLogger("vigil.health")

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

    Anonymous callers (load balancers, anyone who can reach the port) get a report at most
    ``anonymous_cache_ttl`` seconds old, shared by all of them (one run at a time per probe kind), so
    they cannot drive dependency calls at their own rate; ``0`` runs the checks for every request.
    Authorized callers always get a fresh run (subject to each check's own ``cache_ttl``).

    >>> registry = HealthRegistry(service_id="api")
    >>> app = HealthApp(registry, tokens=["s3cret"])  # then: uvicorn.run(app) or Mount("/health", app)
    """

    def __init__(
        self,
        registry: HealthRegistry,
        *,
        tokens: Iterable[str] = (),
        public_details: bool = False,
        anonymous_cache_ttl: float = 1.0,
    ) -> None:
        if not (isinstance(anonymous_cache_ttl, int | float) and 0 <= anonymous_cache_ttl < float("inf")):
            raise CheckConfigError(
                f"anonymous_cache_ttl must be a finite number of seconds >= 0, got {anonymous_cache_ttl!r}"
            )
        self.registry = registry
        self.authorizer = TokenAuthorizer(tokens)
        self.public_details = public_details
        self.anonymous_cache_ttl = anonymous_cache_ttl
        self._anonymous: dict[Kind | None, tuple[float, asyncio.Task[HealthReport]]] = {}

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
        authorized = self.authorizer.is_authorized(_header(scope, b"authorization"))
        details = self.public_details or authorized
        report = await (self.registry.run(kind) if authorized else self._anonymous_report(kind))
        body = _render(report.to_document(details=details))
        await _respond(send, report.http_status, body if method == "GET" else b"", MEDIA_TYPE, length=len(body))

    async def _anonymous_report(self, kind: Kind | None) -> HealthReport:
        """A report shared by anonymous callers for ``anonymous_cache_ttl`` seconds (single-flight)."""
        if self.anonymous_cache_ttl <= 0:
            return await self.registry.run(kind)
        now = time.monotonic()
        loop = asyncio.get_running_loop()
        entry = self._anonymous.get(kind)
        if entry is None or entry[1].get_loop() is not loop or (entry[1].done() and now >= entry[0]):
            task = loop.create_task(self.registry.run(kind))
            entry = (float("inf"), task)
            self._anonymous[kind] = entry
            task.add_done_callback(functools.partial(self._expire_at, kind))
        return await asyncio.shield(entry[1])

    def _expire_at(self, kind: Kind | None, task: asyncio.Task[HealthReport]) -> None:
        entry = self._anonymous.get(kind)
        if entry is not None and entry[1] is task:
            self._anonymous[kind] = (time.monotonic() + self.anonymous_cache_ttl, task)


def _render(document: HealthDocument) -> bytes:
    """The JSON body; a document that strict JSON cannot carry degrades to its bare status (never a 500)."""
    try:
        return json.dumps(document, sort_keys=True, allow_nan=False).encode()
    except (TypeError, ValueError):
        _log.exception("health document could not be rendered as JSON; answering with the status only")
        return json.dumps({"status": str(document.get("status", "fail"))}).encode()


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value)
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
