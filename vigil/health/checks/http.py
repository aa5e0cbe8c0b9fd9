"""HTTP GET check: status code and latency of a URL, with the standard library only."""

from __future__ import annotations

import http.client
import time
from collections.abc import Callable, Container
from urllib.parse import urlsplit

from vigil.health.errors import CheckConfigError
from vigil.health.types import Observation, Status

_OK = range(200, 400)


def http_check(
    url: str, *, timeout: float = 2.0, expect: Container[int] = _OK, headers: dict[str, str] | None = None
) -> Callable[[], Observation]:
    """A sync check (run in the probe's thread pool) that GETs ``url``; fails on a status not in ``expect``.

    Reports the response time in ms; the output of a failure names the status received.

    >>> registry.register("billing", http_check("http://billing.internal/health"))  # doctest: +SKIP
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CheckConfigError(f"http_check: {url!r} is not an http(s) URL")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn_cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection

    def check() -> Observation:
        t0 = time.perf_counter()
        conn = conn_cls(parts.hostname or "", parts.port, timeout=timeout)
        try:
            conn.request("GET", target, headers=headers or {})
            response = conn.getresponse()
            response.read()
        finally:
            conn.close()
        elapsed_ms = round((time.perf_counter() - t0) * 1000.0, 3)
        if response.status in expect:
            return Observation(Status.PASS, value=elapsed_ms, unit="ms")
        return Observation(Status.FAIL, value=elapsed_ms, unit="ms", output=f"GET {url} returned {response.status}")

    return check
