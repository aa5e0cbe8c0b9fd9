"""A loopback HTTP receiver for SNS deliveries (the demo's and the tests' stand-in for a chat webhook)."""

from __future__ import annotations

import contextlib
import http.server
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Delivery:
    """One SNS POST: its envelope (``Type``, ``Subject``, ``Message``, ...) and when it arrived."""

    envelope: dict[str, Any]
    received_at: float

    @property
    def message(self) -> dict[str, Any]:
        """The notification's ``Message`` parsed as JSON (CloudWatch's alarm message), or {}."""
        try:
            parsed = json.loads(self.envelope.get("Message", ""))
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}


@dataclass
class WebhookReceiver:
    """Deliveries received so far at :attr:`url`."""

    url: str
    deliveries: list[Delivery] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def notifications(self) -> list[Delivery]:
        """Deliveries of ``Type: Notification``."""
        with self._lock:
            return [d for d in self.deliveries if d.envelope.get("Type") == "Notification"]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Delivery]:
        """Wait until ``count`` notifications arrived (or ``timeout``); returns them."""
        deadline = time.monotonic() + timeout
        while len(self.notifications()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.notifications()


@contextlib.contextmanager
def webhook_receiver(path: str = "/hook") -> Iterator[WebhookReceiver]:
    """Serve a receiver on 127.0.0.1 (free port) until the block ends.

    >>> with webhook_receiver() as hook:  # doctest: +SKIP
    ...     sns.subscribe(TopicArn=arn, Protocol="http", Endpoint=hook.url)
    """
    receiver: WebhookReceiver

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with contextlib.suppress(ValueError):
                envelope = json.loads(body)
                if isinstance(envelope, dict):
                    with receiver._lock:
                        receiver.deliveries.append(Delivery(envelope, time.time()))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver = WebhookReceiver(f"http://127.0.0.1:{httpd.server_address[1]}{path}")
    thread = threading.Thread(target=httpd.serve_forever, name="vigil-webhook", daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
