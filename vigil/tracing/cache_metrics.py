"""The catalog's ``cache.hits`` / ``cache.misses`` from the Redis instrumentation's own hooks.

OpenTelemetry's Redis instrumentation calls a request hook before each command and a response hook after it (on
every command, sampled or not). :class:`CacheHitHooks` remembers a read command's key in the first and, in the
second, counts the reply: ``None`` (a missing key) is a miss, anything else a hit; ``MGET``/``HMGET`` count each
key. The ``Cache`` dimension is the key's prefix before the first ``:`` (``session:42`` -> ``session``), or what
``cache_of`` returns; a key it maps to None is not counted. :func:`vigil.tracing.dependencies.instrument_dependencies`
installs the hooks when it is given the service's metrics logger.

Example::

    >>> from vigil.emf import MetricsLogger
    >>> from vigil.emf.sinks import InMemorySink
    >>> sink = InMemorySink()
    >>> hooks = CacheHitHooks(MetricsLogger(namespace="Vigil/API", sink=sink))
    >>> hooks.request_hook(None, None, ("GET", "session:42"), {})
    >>> hooks.response_hook(None, None, None)
    >>> '"cache.misses":1' in sink.lines[-1].replace(" ", ""), '"Cache":"session"' in sink.lines[-1].replace(" ", "")
    (True, True)
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vigil.emf.logger import MetricsLogger

#: Read commands whose reply says hit or miss: one key (GET ...) or a reply per key (MGET, HMGET).
SINGLE_READS = frozenset({"GET", "GETEX", "GETDEL", "HGET"})
MULTI_READS = frozenset({"MGET", "HMGET"})
_PENDING: ContextVar[tuple[str, str] | None] = ContextVar("vigil_cache_pending", default=None)


def key_prefix(key: str) -> str | None:
    """``session:42`` -> ``session``; a key without ``:`` is its own name.

    >>> key_prefix("plan:abc:v2"), key_prefix("ratelimit")
    ('plan', 'ratelimit')
    """
    return key.split(":", 1)[0] or None


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes | bytearray) else str(value)


class CacheHitHooks:
    """``request_hook`` / ``response_hook`` for ``RedisInstrumentor().instrument(...)`` (never raise)."""

    def __init__(self, metrics: MetricsLogger, cache_of: Callable[[str], str | None] = key_prefix) -> None:
        self.metrics = metrics
        self.cache_of = cache_of

    def request_hook(self, span: Any, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """Remember the command and cache of a read (``args``: the command and its arguments)."""
        command = _text(args[0]).upper() if args else ""
        cache = self.cache_of(_text(args[1])) if len(args) > 1 and command in SINGLE_READS | MULTI_READS else None
        _PENDING.set((command, cache) if cache else None)

    def response_hook(self, span: Any, instance: Any, response: Any) -> None:
        """Count the reply of the remembered read as hits and misses."""
        pending = _PENDING.get()
        _PENDING.set(None)
        if pending is None:
            return
        command, cache = pending
        replies = list(response) if command in MULTI_READS and isinstance(response, list | tuple) else [response]
        misses = sum(1 for reply in replies if reply is None)
        dimensions = {"Cache": cache}
        if len(replies) - misses:
            self.metrics.put("cache.hits", len(replies) - misses, "Count", dimensions=dimensions)
        if misses:
            self.metrics.put("cache.misses", misses, "Count", dimensions=dimensions)
