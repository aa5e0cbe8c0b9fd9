"""Locks that a signal handler or a forked child can never deadlock on.

CPython runs a Python signal handler in the main thread between two bytecodes, possibly while that thread holds
a lock of ``vigil.emf`` (a drop counter's, the stdout sink's). A handler that emits through the same logger would
then wait forever on a lock its own thread holds. :class:`GuardedLock` is reentrant and marks when its holder is
inside its work: a call that finds its own thread already there gets ``False`` from :meth:`GuardedLock.enter` and
must defer its work (append to a list: one C call, safe between bytecodes) instead of waiting. A forked child gets every registered lock fresh (a lock held by another thread at ``fork()`` would
stay held forever in the child), and every registered object's ``_after_fork_in_child`` hook is called.

Example::

    >>> guard = GuardedLock()
    >>> guard.enter()
    True
    >>> guard.enter()  # the same thread again, as a signal handler would be
    False
    >>> guard.leave(False); guard.leave(True)
"""

from __future__ import annotations

import contextlib
import os
import weakref
from _thread import RLock
from typing import Protocol


class _ForkAware(Protocol):
    def _after_fork_in_child(self) -> None: ...


_FORK_AWARE: weakref.WeakSet[_ForkAware] = weakref.WeakSet()


def _reset_in_child() -> None:
    for obj in list(_FORK_AWARE):
        with contextlib.suppress(Exception):  # a child must start even if one object cannot be reset
            obj._after_fork_in_child()


def after_fork_in_child(obj: _ForkAware) -> None:
    """Call ``obj._after_fork_in_child()`` in every child this process forks (``obj`` held weakly)."""
    _FORK_AWARE.add(obj)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_in_child)


class GuardedLock:
    """A reentrant mutex plus a busy flag, so a reentrant call (a signal handler) is told to defer, never blocks.

    Another thread waits on the mutex as usual. The same thread (only a signal handler can re-enter) gets the
    mutex at once and finds the flag set while the interrupted call is doing its work: :meth:`enter` returns
    False and the caller defers. A signal landing before the flag is set or after it is cleared finds it clear
    and simply does its work first (the interrupted call has not started, or has finished, its own).
    """

    __slots__ = ("__weakref__", "_busy", "_lock")

    def __init__(self) -> None:
        self._lock = RLock()
        self._busy = False
        after_fork_in_child(self)

    def enter(self) -> bool:
        """Take the lock and return True; return False (lock not held) when this thread is already inside."""
        self._lock.acquire()
        if self._busy:
            self._lock.release()
            return False
        self._busy = True
        return True

    def leave(self, entered: bool = True) -> None:
        """Undo :meth:`enter` (``entered``: what it returned)."""
        if entered:
            self._busy = False
            self._lock.release()

    def _after_fork_in_child(self) -> None:
        self._lock = RLock()
        self._busy = False
