"""Probe a health endpoint over HTTP (standard library only) and explain the answer to a person or a CI job."""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from vigil.health.errors import HealthError
from vigil.health.report import MEDIA_TYPE
from vigil.health.types import Status

#: What each ``--expect`` value accepts.
ACCEPTS: dict[Status, frozenset[Status]] = {
    Status.PASS: frozenset({Status.PASS}),
    Status.WARN: frozenset({Status.PASS, Status.WARN}),
    Status.FAIL: frozenset({Status.FAIL}),
}


@dataclass(frozen=True)
class FailingCheck:
    """A check that did not pass, as the health document reports it."""

    key: str
    component_id: str
    status: str
    output: str


@dataclass(frozen=True)
class ProbeResult:
    """What one probe saw: HTTP status, health status, latency, failing checks, or the error that prevented it."""

    url: str
    http_status: int | None = None
    status: Status | None = None
    latency_ms: float = 0.0
    document: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    @property
    def has_details(self) -> bool:
        """True when the server returned the ``checks`` map (the caller was authorized)."""
        return "checks" in self.document

    def failing(self) -> list[FailingCheck]:
        """Checks whose status is not ``pass``, failures first."""
        found: list[FailingCheck] = []
        checks = self.document.get("checks")
        for key, entries in (checks if isinstance(checks, dict) else {}).items():
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, dict) and entry.get("status") != "pass":
                    output = str(entry.get("output", ""))
                    found.append(FailingCheck(key, str(entry.get("componentId", "")), str(entry.get("status")), output))
        return sorted(found, key=lambda f: (f.status != "fail", f.key, f.component_id))

    def meets(self, expect: Status) -> bool:
        """True when the probe got a health status that ``expect`` accepts (see ``ACCEPTS``)."""
        return self.status is not None and self.status in ACCEPTS[expect]


def probe(url: str, *, timeout: float = 5.0, token: str | None = None) -> ProbeResult:
    """GET ``url`` and parse its health document; network and format problems land in ``error``.

    Raises ``HealthError`` only for a URL that is not http(s) (a usage error).

    >>> probe("http://127.0.0.1:8000/health/ready", token="s3cret").meets(Status.PASS)  # doctest: +SKIP
    True
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise HealthError(f"{url!r} is not an http(s) URL")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn_cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    headers: dict[str, str | bytes] = {"Accept": f"{MEDIA_TYPE}, application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}".encode()  # UTF-8: a non-ASCII token is sent as is
    t0 = time.perf_counter()
    try:
        conn = conn_cls(parts.hostname, parts.port, timeout=timeout)
        try:
            conn.request("GET", target, headers=headers)
            response = conn.getresponse()
            body = response.read()
        finally:
            conn.close()
    except (OSError, http.client.HTTPException) as exc:
        return ProbeResult(url, error=f"cannot reach {url}: {type(exc).__name__}: {exc}".rstrip(": "))
    latency_ms = round((time.perf_counter() - t0) * 1000.0, 1)
    return _parse(url, response.status, body, latency_ms)


def _parse(url: str, http_status: int, body: bytes, latency_ms: float) -> ProbeResult:
    try:
        document = json.loads(body)
        status = Status(document["status"])
    except (ValueError, KeyError, TypeError):
        snippet = body[:120].decode("utf-8", "replace")
        error = f"HTTP {http_status} without a health document (body: {snippet!r})"
        return ProbeResult(url, http_status, latency_ms=latency_ms, error=error)
    return ProbeResult(url, http_status, status, latency_ms, document)


def explain(result: ProbeResult, expect: Status) -> list[str]:
    """Human-readable lines: the verdict first, then each failing check with its output.

    >>> explain(ProbeResult("http://h/health", 200, Status.PASS, 3.0), Status.PASS)
    ['PASS http://h/health: HTTP 200, status pass in 3.0 ms']
    """
    ok = result.meets(expect)
    if result.error:
        return [f"FAIL {result.url}: {result.error}"]
    head = f"{'PASS' if ok else 'FAIL'} {result.url}: HTTP {result.http_status}, status {result.status}"
    head += f" in {result.latency_ms:.1f} ms" + ("" if ok else f" (expected {expect.value})")
    lines = [head]
    for check in result.failing():
        detail = f": {check.output}" if check.output else ""
        lines.append(f"  {check.status:<4} {check.key} ({check.component_id}){detail}")
    if not ok and result.status is not Status.PASS and not result.has_details:
        lines.append("  no check details in the answer: pass --token (or VIGIL_HEALTH_TOKEN) to see which check failed")
    return lines
