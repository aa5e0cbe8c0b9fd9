"""Where EMF lines go: stdout, the CloudWatch agent (TCP/UDP), CloudWatch Logs, or memory."""

from __future__ import annotations

from vigil.emf.sinks.base import Sink, SinkStats
from vigil.emf.sinks.memory import InMemorySink
from vigil.emf.sinks.select import resolve_sink, sink_from_url
from vigil.emf.sinks.stdout import StdoutSink

__all__ = ["InMemorySink", "Sink", "SinkStats", "StdoutSink", "resolve_sink", "sink_from_url"]
