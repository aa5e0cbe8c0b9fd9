"""The sender thread the network sinks share, closed at interpreter exit so queued lines are not lost."""

from __future__ import annotations

import atexit
import threading
import weakref
from collections.abc import Callable
from typing import Protocol


class _Closable(Protocol):
    def close(self) -> None: ...


def _close_at_exit(ref: weakref.ReferenceType[_Closable]) -> None:
    sink = ref()
    if sink is not None:
        sink.close()


def start_sender(owner: _Closable, target: Callable[[], None], name: str) -> threading.Thread:
    """Start ``target`` on a daemon thread and close ``owner`` at interpreter exit (held weakly).

    >>> class Sink:
    ...     def close(self) -> None: ...
    >>> start_sender(Sink(), lambda: None, "vigil-emf-doc").join()
    """
    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    atexit.register(_close_at_exit, weakref.ref(owner))
    return thread
