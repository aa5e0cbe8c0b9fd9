"""Minimal ASGI request/response plumbing for the example (no framework)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class HTTPError(Exception):
    """Raised by handlers to answer with ``status`` and a JSON error message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Request:
    """What a handler receives: method, path parameters and the parsed JSON body."""

    method: str
    path: str
    params: dict[str, str]
    body: bytes = b""
    authorization: bytes | None = None  # the raw Authorization header, if any

    def json(self) -> dict[str, Any]:
        """The body as a JSON object (400 if it is not one; an empty body is ``{}``)."""
        if not self.body:
            return {}
        try:
            data = json.loads(self.body)
        except ValueError:
            raise HTTPError(400, "body is not JSON") from None
        if not isinstance(data, dict):
            raise HTTPError(400, "body must be a JSON object")
        return data


@dataclass
class Response:
    """A JSON response."""

    status: int = 200
    body: Any = field(default_factory=dict)


def authorization(scope: Scope) -> bytes | None:
    """The raw ``Authorization`` header of an ASGI request (``None`` if absent)."""
    for key, value in scope.get("headers", ()):
        if bytes(key).lower() == b"authorization":
            return bytes(value)
    return None


async def read_body(receive: Receive, limit: int = 1_000_000) -> bytes:
    """Read the whole request body (413 above ``limit`` bytes)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise HTTPError(413, "body too large")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def send_json(send: Send, status: int, payload: Any) -> int:
    """Send ``payload`` as JSON; returns the body size."""
    body = json.dumps(payload, sort_keys=True).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
    return len(body)
