"""Every span carries the stack's environment as an X-Ray annotation, which the stack's X-Ray rules and groups
select on (so dev's and prod's traces in one account and region stay apart)."""

from __future__ import annotations

from pathlib import Path

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from vigil.plan import plan_project
from vigil.plan.naming import Naming
from vigil.spec import load_project
from vigil.tracing import TelemetrySettings, setup_tracing

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_spans_carry_the_annotation_the_stacks_xray_group_filters_on(stack: str) -> None:
    project = load_project(ROOT, stack=stack).project
    plan = plan_project(project, Naming.for_project(project), "123456789012")
    assert plan.tracing is not None
    exporter = InMemorySpanExporter()
    tracing = setup_tracing(TelemetrySettings.from_project(project, "api"), exporter=exporter, batch=False)
    assert tracing is not None
    with tracing.tracer.start_as_current_span("outer"), tracing.tracer.start_as_current_span("inner"):
        pass
    rule = next(r for r in plan.tracing.sampling_rules if r.service_name == "api")
    group = next(g for g in plan.tracing.groups if g.tags["service"] == "api")
    for span in exporter.get_finished_spans():
        attributes = dict(span.attributes or {})
        for key, value in rule.attributes.items():  # the rule matches the spans of its own stack
            assert attributes[key] == value
            assert key in attributes["aws.xray.annotations"]  # indexed as an annotation
            assert f'annotation.{key} = "{value}"' in group.filter_expression
