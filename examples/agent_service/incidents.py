"""Incident injection: switches the demo flips to produce realistic bad data for alarms and backtests."""

from __future__ import annotations

import threading
import time
from typing import Final

ERROR_BURST: Final = "error_burst"
SLOW_LLM: Final = "slow_llm"
DEAD_WORKER: Final = "dead_worker"
TOKEN_SPIKE: Final = "token_spike"
QUEUE_BACKLOG: Final = "queue_backlog"
LLM_AUTH: Final = "llm_auth"  # the provider refuses the API key (401) on every call
KINDS: Final = (ERROR_BURST, SLOW_LLM, DEAD_WORKER, TOKEN_SPIKE, QUEUE_BACKLOG, LLM_AUTH)


class Incidents:
    """Thread-safe set of active incidents with their start times.

    >>> incidents = Incidents()
    >>> incidents.start("slow_llm"); incidents.active("slow_llm")
    True
    """

    def __init__(self) -> None:
        self._active: dict[str, float] = {}
        self._lock = threading.Lock()

    def start(self, kind: str) -> None:
        """Activate ``kind`` (``KeyError`` for an unknown kind)."""
        if kind not in KINDS:
            raise KeyError(kind)
        with self._lock:
            self._active.setdefault(kind, time.time())

    def clear(self, kind: str | None = None) -> None:
        """Deactivate ``kind``, or every incident when ``None``."""
        with self._lock:
            if kind is None:
                self._active.clear()
            else:
                self._active.pop(kind, None)

    def active(self, kind: str) -> bool:
        """True while ``kind`` is active."""
        return kind in self._active

    def snapshot(self) -> dict[str, float]:
        """Active incidents and their start times (epoch seconds)."""
        with self._lock:
            return dict(self._active)
