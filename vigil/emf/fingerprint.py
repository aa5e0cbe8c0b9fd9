"""Stable error fingerprints: the same bug gets the same fingerprint on every host, run and release.

The fingerprint hashes the exception's type and the stack it was raised through, as ``module:function``
pairs (no line numbers, no file paths, no message), plus the type of the exception it was raised from
(``raise ... from``) or during. So a bug keeps its fingerprint when unrelated lines move, when it runs in
another virtualenv, and when its message carries ids; two different call paths to the same exception type
get two fingerprints. This is the grouping Sentry applies by default (type plus in-app frames).

Example::

    >>> def fail():
    ...     raise KeyError("user-42")
    >>> prints = set()
    >>> for _ in range(2):
    ...     try:
    ...         fail()
    ...     except KeyError as exc:
    ...         prints.add(fingerprint(exc))
    >>> len(prints), len(prints.pop())
    (1, 16)
    >>> exception_type(KeyError()), exception_type(ValueError.__new__(type("Oops", (ValueError,), {"__module__": "app.jobs"})))
    ('KeyError', 'app.jobs.Oops')
"""

from __future__ import annotations

import hashlib
from types import TracebackType

#: Frames kept per exception: the innermost ones (where it was raised) are the identifying part.
MAX_FRAMES = 30


def exception_type(exc: BaseException) -> str:
    """``Name`` for builtins, ``module.QualName`` otherwise."""
    cls = type(exc)
    if cls.__module__ == "builtins":
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"


def _frames(tb: TracebackType | None) -> list[str]:
    frames: list[str] = []
    while tb is not None:
        frame = tb.tb_frame
        frames.append(f"{frame.f_globals.get('__name__', '?')}:{frame.f_code.co_name}")
        tb = tb.tb_next
    return frames[-MAX_FRAMES:]


def fingerprint(exc: BaseException) -> str:
    """16 hex digits identifying the kind of failure ``exc`` is (see the module docstring)."""
    digest = hashlib.sha256()
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        digest.update(exception_type(current).encode())
        for frame in _frames(current.__traceback__):
            digest.update(b"\0" + frame.encode())
        digest.update(b"\1")
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return digest.hexdigest()[:16]
