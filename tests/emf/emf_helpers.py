"""Helpers of the vigil.emf tests: the AWS EMF schema check and a loopback TCP listener.

(A uniquely named module, so importing it never collides with another directory's conftest.)
"""

from __future__ import annotations

import contextlib
import json
import math
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA = json.loads((Path(__file__).parent / "emf_schema.json").read_text())
_VALIDATOR = jsonschema.Draft7Validator(SCHEMA)


def assert_valid_emf(line: str) -> dict[str, Any]:
    """Check one written line against the AWS schema and the target-member rules; return it parsed."""
    assert "\n" not in line
    assert len(line.encode()) <= 1_048_576 - 26
    doc = json.loads(line)
    _VALIDATOR.validate(doc)
    for directive in doc["_aws"]["CloudWatchMetrics"]:
        for dim_set in directive["Dimensions"]:
            assert len(set(dim_set)) == len(dim_set)
            for dim in dim_set:
                value = doc[dim]
                assert isinstance(value, str), (dim, value)
                assert 1 <= len(value) <= 1024, (dim, value)
        names = [m["Name"] for m in directive["Metrics"]]
        assert len(set(names)) == len(names)
        for name in names:
            value = doc[name]
            values = value if isinstance(value, list) else [value]
            assert 1 <= len(values) <= 100
            for v in values:
                assert type(v) in (int, float), (name, v)
                assert math.isfinite(v), (name, v)
    return doc


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
    """Poll until ``condition`` holds (generous bound; never a timing assertion)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def free_port() -> int:
    """A loopback TCP port nobody listens on (bound and released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TcpListener:
    """A loopback TCP server that collects newline-terminated lines from every connection."""

    def __init__(self, port: int = 0) -> None:
        self.sock = socket.create_server(("127.0.0.1", port))
        self.port = self.sock.getsockname()[1]
        self.lines: list[str] = []
        self._conns: list[socket.socket] = []
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self._conns.append(conn)
            threading.Thread(target=self._read, args=(conn,), daemon=True).start()

    def _read(self, conn: socket.socket) -> None:
        buf = b""
        with conn:
            while True:
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    return
                if not chunk:
                    return
                buf += chunk
                *done, buf = buf.split(b"\n")
                self.lines.extend(d.decode() for d in done)

    def close(self) -> None:
        """Stop like a crashed agent: stop listening and drop every open connection."""
        self._stop = True
        for sock in [self.sock, *self._conns]:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
