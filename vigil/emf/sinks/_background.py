"""What the network sinks share: the sender thread, close at interpreter exit, opt-in close on SIGTERM.

A container stop sends SIGTERM; Python's default action ends the process at once, without ``atexit``,
so queued lines would be lost. ``flush_on_sigterm=True`` on a sink installs (once, from the main
thread) a handler that closes every such sink (bounded by its ``close`` timeout) and then hands the
signal on: to the handler that was installed before, or to the default action (the process still
terminates by SIGTERM). Servers that handle SIGTERM themselves (uvicorn re-raises it after its
graceful shutdown) reach the handler at the end of their shutdown.
"""

from __future__ import annotations

import atexit
import contextlib
import signal
import threading
import weakref
from collections.abc import Callable
from types import FrameType
from typing import Any, Protocol

from vigil.emf.errors import ConfigError


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


_SIGTERM_SINKS: list[weakref.ReferenceType[_Closable]] = []
_previous_handler: Any = None
_installed = False


def close_on_sigterm(sink: _Closable) -> None:
    """Close ``sink`` when the process receives SIGTERM, then let the signal take its previous course.

    Any sink works (``close_on_sigterm(metrics.sink)`` for one chosen by ``$VIGIL_EMF_SINK``); the network
    sinks' ``flush_on_sigterm=True`` calls this. The handler is installed once, from the main thread (Python
    only installs signal handlers there): ``ConfigError`` otherwise.

    >>> from vigil.emf import InMemorySink, close_on_sigterm
    >>> close_on_sigterm(InMemorySink())  # doctest: +SKIP
    """
    global _installed, _previous_handler
    if not _installed:
        if threading.current_thread() is not threading.main_thread():
            raise ConfigError("flush_on_sigterm=True needs the sink to be created in the main thread")
        _previous_handler = signal.signal(signal.SIGTERM, _on_sigterm)
        _installed = True
    _SIGTERM_SINKS.append(weakref.ref(sink))


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    for ref in list(_SIGTERM_SINKS):
        sink = ref()
        if sink is not None:
            with contextlib.suppress(Exception):  # a failing close must not keep the process from stopping
                sink.close()
    previous = _previous_handler
    if callable(previous):
        previous(signum, frame)
    elif previous != signal.SIG_IGN:  # the default action: terminate by this signal, as without us
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)
