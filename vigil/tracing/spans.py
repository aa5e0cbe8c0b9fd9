"""Spans for the work an agent platform does: ``process-job``, ``agent-loop``, ``llm-call``, ``tool-execution``.

Each helper is a context manager that starts a span as the current span (a child of whatever span is
current: the request's server span, or another helper's), with the OpenTelemetry semantic attributes for
the kind of work (``gen_ai.*`` for model calls), and binds the ids into the log context so log lines inside
carry them (``context.job_id``, ``context.agent_type``). An exception is recorded on the span, its status
set to ERROR, and re-raised. Only ``opentelemetry-api`` is needed; without a configured SDK the spans are
no-ops. Pass ``tracer=tracing.tracer`` to use a service's own tracer; the default is the global one.
Work taken from a queue continues the trace of the request that queued it: store ``outgoing_headers()``
with the job and pass them back as ``parent=``.

Example::

    >>> with process_job("j-42", job_type="implement", mode="genius"):
    ...     with llm_call("anthropic", "claude-sonnet") as span:
    ...         record_llm_usage(span, input_tokens=1200, output_tokens=300, cost_usd=0.0081)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from vigil.emf.log_formatter import log_context

if TYPE_CHECKING:
    from opentelemetry.trace import Span, Tracer

AttributeValue = str | bool | int | float


@contextmanager
def span(
    name: str,
    *,
    kind: str = "internal",
    attributes: Mapping[str, AttributeValue | None] | None = None,
    tracer: Tracer | None = None,
    parent: Mapping[str, str] | None = None,
) -> Iterator[Span]:
    """A current span named ``name`` (kind ``internal``, ``client``, ``server``, ``producer``, ``consumer``).

    ``parent``: W3C headers (``traceparent``) of the trace to continue, e.g. stored with a queued job;
    without them the span is a child of the current span.
    """
    from opentelemetry import propagate, trace
    from opentelemetry.trace import SpanKind

    chosen = tracer if tracer is not None else trace.get_tracer("vigil")
    clean = {k: v for k, v in (attributes or {}).items() if v is not None}
    context = propagate.extract(dict(parent)) if parent else None
    with chosen.start_as_current_span(name, context, kind=SpanKind[kind.upper()], attributes=clean) as current:
        yield current


@contextmanager
def process_job(
    job_id: str,
    *,
    job_type: str | None = None,
    mode: str | None = None,
    tracer: Tracer | None = None,
    parent: Mapping[str, str] | None = None,
) -> Iterator[Span]:
    """The whole processing of one queued job (a CONSUMER span; ``parent``: the enqueuing request's headers)."""
    attributes = {"vigil.job.id": job_id, "vigil.job.type": job_type, "vigil.job.mode": mode}
    with (
        log_context(job_id=job_id),
        span("process-job", kind="consumer", attributes=attributes, tracer=tracer, parent=parent) as s,
    ):
        yield s


@contextmanager
def agent_loop(agent_type: str, *, step: int | None = None, tracer: Tracer | None = None) -> Iterator[Span]:
    """One iteration (or the whole run) of an agent's plan-act loop."""
    attributes = {"gen_ai.agent.name": agent_type, "vigil.agent.step": step}
    with log_context(agent_type=agent_type), span("agent-loop", attributes=attributes, tracer=tracer) as s:
        yield s


@contextmanager
def llm_call(provider: str, model: str, *, operation: str = "chat", tracer: Tracer | None = None) -> Iterator[Span]:
    """One call to a model provider (a CLIENT span with ``gen_ai.*`` attributes); add usage with
    :func:`record_llm_usage`. Prompts and completions are never put on the span."""
    attributes = {"gen_ai.provider.name": provider, "gen_ai.request.model": model, "gen_ai.operation.name": operation}
    with span("llm-call", kind="client", attributes=attributes, tracer=tracer) as s:
        yield s


@contextmanager
def tool_execution(tool: str, *, tracer: Tracer | None = None) -> Iterator[Span]:
    """One tool call of an agent (``gen_ai.tool.name``)."""
    with span("tool-execution", attributes={"gen_ai.tool.name": tool}, tracer=tracer) as s:
        yield s


def record_llm_usage(
    current: Span, *, input_tokens: int | None = None, output_tokens: int | None = None, cost_usd: float | None = None
) -> None:
    """Token counts and cost of a model call, on its span."""
    values: dict[str, Any] = {
        "gen_ai.usage.input_tokens": input_tokens,
        "gen_ai.usage.output_tokens": output_tokens,
        "vigil.llm.cost_usd": cost_usd,
    }
    current.set_attributes({k: v for k, v in values.items() if v is not None})
