"""``vigil.emf``: a fast CloudWatch Embedded Metric Format logger that never breaks the application.

Importing it is cheap: no boto3, pydantic or pulumi (boto3 loads only with the CloudWatch Logs sink,
``vigil.spec`` only with :meth:`MetricsLogger.from_catalog`).

Example::

    >>> from vigil.emf import MetricsLogger, InMemorySink
    >>> sink = InMemorySink()
    >>> metrics = MetricsLogger("Vigil/API", {"Service": "api", "Environment": "dev"}, sink)
    >>> metrics.put("http.requests", 1, "Count", dimensions={"Endpoint": "/jobs"})
    >>> with metrics.event() as event:
    ...     _ = event.metric("tokens.in", 120, "Count").metric("tokens.out", 80, "Count").property("job_id", "j-1")
    >>> len(sink.lines)
    2
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vigil.emf.constants import STANDARD_UNITS
from vigil.emf.errors import CatalogError, ConfigError, EmfError, UnknownMetricError
from vigil.emf.event import EventBuilder
from vigil.emf.logger import MetricsLogger
from vigil.emf.sinks.base import Sink, SinkStats
from vigil.emf.sinks.memory import InMemorySink
from vigil.emf.sinks.select import resolve_sink, sink_from_url
from vigil.emf.sinks.stdout import StdoutSink
from vigil.emf.timing import Counter, Timer

if TYPE_CHECKING:
    from vigil.emf.catalog import MetricHandle
    from vigil.emf.sinks._background import close_on_sigterm
    from vigil.emf.sinks.agent import AgentSink
    from vigil.emf.sinks.cwlogs import CloudWatchLogsSink

__all__ = [
    "STANDARD_UNITS",
    "AgentSink",
    "CatalogError",
    "CloudWatchLogsSink",
    "ConfigError",
    "Counter",
    "EmfError",
    "EventBuilder",
    "InMemorySink",
    "MetricHandle",
    "MetricsLogger",
    "Sink",
    "SinkStats",
    "StdoutSink",
    "Timer",
    "UnknownMetricError",
    "close_on_sigterm",
    "resolve_sink",
    "sink_from_url",
]

_LAZY = {
    "AgentSink": "vigil.emf.sinks.agent",
    "CloudWatchLogsSink": "vigil.emf.sinks.cwlogs",
    "MetricHandle": "vigil.emf.catalog",
    "close_on_sigterm": "vigil.emf.sinks._background",
}


def __getattr__(name: str) -> Any:
    """Load the network sinks and the catalog binding on first use (keeps ``import vigil.emf`` cheap)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'vigil.emf' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
