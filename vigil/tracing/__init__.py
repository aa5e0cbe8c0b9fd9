"""``vigil.tracing``: OpenTelemetry tracing set up from the stack, and spans for agent-platform work.

``import vigil.tracing`` loads no SDK; :func:`setup_tracing` (and :class:`Tracing`) import the OpenTelemetry
SDK and the OTLP exporter on first use (``pip install vigil-monitoring[tracing]``). The span helpers need only
``opentelemetry-api``.

Example::

    >>> from vigil.tracing import TelemetrySettings, setup_tracing
    >>> tracing = setup_tracing(TelemetrySettings.from_env("api", {"VIGIL_TRACING": "off"}))
    >>> tracing is None
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vigil.tracing.errors import TracingError
from vigil.tracing.settings import DEFAULT_OTLP_ENDPOINT, TelemetrySettings
from vigil.tracing.spans import agent_loop, llm_call, process_job, record_llm_usage, span, tool_execution

if TYPE_CHECKING:
    from vigil.tracing.setup import Tracing, setup_tracing

__all__ = [
    "DEFAULT_OTLP_ENDPOINT",
    "TelemetrySettings",
    "Tracing",
    "TracingError",
    "agent_loop",
    "llm_call",
    "process_job",
    "record_llm_usage",
    "setup_tracing",
    "span",
    "tool_execution",
]


def __getattr__(name: str) -> Any:
    if name in ("Tracing", "setup_tracing"):
        from vigil.tracing import setup

        return getattr(setup, name)
    raise AttributeError(f"module 'vigil.tracing' has no attribute {name!r}")
