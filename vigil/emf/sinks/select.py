"""Sink choice: by object, by URL, or by the ``VIGIL_EMF_SINK`` environment variable (default ``stdout``).

URLs: ``stdout``, ``memory``, ``tcp://host:port`` and ``udp://host:port`` (CloudWatch agent),
``cwlogs://<log-group>/<log-stream>`` (the stream is the part after the last ``/``; ``{host}`` and
``{pid}`` in it are replaced). Example::

    >>> type(sink_from_url("memory")).__name__
    'InMemorySink'
"""

from __future__ import annotations

import os

from vigil.emf.constants import SINK_ENV_VAR
from vigil.emf.errors import ConfigError
from vigil.emf.sinks.base import Sink
from vigil.emf.sinks.memory import InMemorySink
from vigil.emf.sinks.stdout import StdoutSink


def sink_from_url(url: str) -> Sink:
    """Build the sink a URL names (``ConfigError`` for an unknown scheme or a malformed URL)."""
    text = url.strip()
    lowered = text.lower()
    if lowered in ("stdout", "stdout://", ""):
        return StdoutSink()
    if lowered in ("memory", "memory://"):
        return InMemorySink()
    if lowered.startswith(("tcp://", "udp://")):
        from vigil.emf.sinks.agent import AgentSink

        return AgentSink(text)
    if lowered.startswith("cwlogs://"):
        group, _, stream = text[len("cwlogs://") :].rpartition("/")
        if not group or not stream:
            raise ConfigError(f"sink URL {url!r}: expected cwlogs://<log-group>/<log-stream>")
        import socket

        stream = stream.replace("{host}", socket.gethostname()).replace("{pid}", str(os.getpid()))
        from vigil.emf.sinks.cwlogs import CloudWatchLogsSink

        return CloudWatchLogsSink(group, stream)
    raise ConfigError(f"unknown EMF sink {url!r}: use stdout, memory, tcp://, udp:// or cwlogs://")


def resolve_sink(sink: Sink | str | None) -> Sink:
    """The sink for a logger argument: an object as is, a URL, or ``$VIGIL_EMF_SINK`` when ``None``."""
    if sink is None:
        return sink_from_url(os.environ.get(SINK_ENV_VAR, "stdout"))
    if isinstance(sink, str):
        return sink_from_url(sink)
    if not all(callable(getattr(sink, attr, None)) for attr in ("write", "flush", "close")):
        raise ConfigError(f"{sink!r} is not a sink: it needs write(line), flush() and close()")
    return sink
