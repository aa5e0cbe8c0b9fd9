"""WebSocket metrics: connections, messages, message sizes, connection lifetimes and close reasons.

:class:`~vigil.middleware.VigilMiddleware` feeds a :class:`WebSocketMetrics` from the ASGI ``websocket`` scope
(``websocket.accept``, ``websocket.receive``/``send``, ``websocket.disconnect``/``close``), so a dashboard or chat
app behind the middleware emits the catalog's WebSocket metrics with no code of its own:

- ``ws.connections.opened`` (Count) at each accept;
- ``ws.connections.active`` (Count, a gauge) at each open and close, and at every :meth:`WebSocketMetrics.sample`:
  call it every minute, also when nothing is open, so the gauge's SampleCount says the app is alive;
- ``ws.messages`` (Count) and ``ws.message.size`` (Bytes, one value per message), both directions, accumulated
  and written at each :meth:`~WebSocketMetrics.sample` and when a connection closes (one EMF line, not one per
  message);
- ``ws.connection.duration`` (Seconds) and ``ws.disconnects`` (Count, dimension ``Reason``) when one closes.

The reason comes from the close code and who closed (:func:`close_reason`); pass ``reason_of`` for your own codes.

Example::

    >>> from vigil.emf import InMemorySink, MetricsLogger
    >>> sink = InMemorySink()
    >>> ws = WebSocketMetrics(MetricsLogger("Vigil/Dashboard", {"Service": "dashboard"}, sink))
    >>> ws.opened(); ws.message(120); ws.closed(1000, by_client=True, duration_s=2.5)
    >>> [e.get("Reason") for e in sink.events() if "ws.disconnects" in e]
    ['client_close']
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from vigil.emf.logger import MetricsLogger

#: The catalog's ``Reason`` values (``metrics/dashboard.yaml``).
REASONS: Final = ("client_close", "idle_timeout", "server_shutdown", "auth_expired", "error", "network")
#: Application close codes (RFC 6455 leaves 4000-4999 to applications) that mean an expired or refused login,
#: and an idle connection closed by the server.
AUTH_CODES: Final = frozenset({1008, 4401, 4403})
IDLE_CODES: Final = frozenset({1000, 4408})
#: Values of one metric in one EMF line (the EMF specification's limit).
MAX_VALUES: Final = 100


def close_reason(code: int | None, *, by_client: bool) -> str:
    """The ``Reason`` of a close: who closed and with which code (RFC 6455 section 7.4).

    A client's close is ``client_close``, except 1006 (no close frame: the connection dropped), which is
    ``network``. The server's 1001/1012 is ``server_shutdown``; 1008/4401/4403 ``auth_expired``; 1000/4408
    ``idle_timeout`` (a normal close the server starts); anything else, and an app that raised, ``error``.

    >>> close_reason(1006, by_client=True), close_reason(1001, by_client=False), close_reason(None, by_client=False)
    ('network', 'server_shutdown', 'error')
    """
    if by_client:
        return "network" if code == 1006 else "client_close"
    if code in (1001, 1012):
        return "server_shutdown"
    if code in AUTH_CODES:
        return "auth_expired"
    if code in IDLE_CODES:
        return "idle_timeout"
    return "error"


@dataclass(frozen=True)
class WebSocketMetricNames:
    """Catalog names of the WebSocket metrics."""

    opened: str = "ws.connections.opened"
    active: str = "ws.connections.active"
    messages: str = "ws.messages"
    size: str = "ws.message.size"
    duration: str = "ws.connection.duration"
    disconnects: str = "ws.disconnects"


class WebSocketMetrics:
    """Counts WebSocket connections and messages and writes them to ``logger`` (thread-safe; see the module)."""

    def __init__(
        self,
        logger: MetricsLogger,
        names: WebSocketMetricNames | None = None,
        reason_of: Callable[..., str] = close_reason,
    ) -> None:
        self.logger = logger
        self.names = names or WebSocketMetricNames()
        self.reason_of = reason_of
        self._lock = threading.Lock()
        self._active = 0
        self._sizes: list[int] = []

    @property
    def active(self) -> int:
        """Connections open now."""
        return self._active

    def opened(self) -> None:
        """A connection was accepted."""
        with self._lock:
            self._active += 1
            active = self._active
        self.logger.event().metric(self.names.opened, 1, "Count").metric(self.names.active, active, "Count").emit()

    def message(self, size: int) -> None:
        """A message of ``size`` bytes went either way (written at the next sample or close)."""
        with self._lock:
            self._sizes.append(size)

    def closed(self, code: int | None, *, by_client: bool, duration_s: float) -> None:
        """A connection closed with ``code`` (None: the app raised), after ``duration_s`` seconds."""
        reason = self.reason_of(code, by_client=by_client)
        with self._lock:
            self._active = max(0, self._active - 1)
        self.sample()
        event = self.logger.event().metric(self.names.disconnects, 1, "Count").dimensions(Reason=reason)
        base = tuple(self.logger.default_dimensions)
        event.dimension_sets(base, (*base, "Reason")).emit()
        self.logger.event().metric(self.names.duration, round(duration_s, 3), "Seconds").emit()

    def sample(self) -> None:
        """Write the active gauge and the messages since the last sample (call it every minute)."""
        with self._lock:
            sizes, self._sizes = self._sizes, []
            active = self._active
        event = self.logger.event().metric(self.names.active, active, "Count")
        if sizes:
            event.metric(self.names.messages, len(sizes), "Count")
        event.emit()
        for start in range(0, len(sizes), MAX_VALUES):  # EMF takes at most 100 values of a metric per line
            self.logger.event().metric(self.names.size, sizes[start : start + MAX_VALUES], "Bytes").emit()
