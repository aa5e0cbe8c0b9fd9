"""`vigil test` renders ``${environment}``, ``${service}``, ``${stack}`` and ``${ecs_cluster}`` in series
dimensions exactly as the plan does for the test's stack (one renderer, :meth:`StackContext.render`)."""

from __future__ import annotations

import shutil
from pathlib import Path

from vigil.alarmtest import run_tests
from vigil.alarmtest.runner import _series_key
from vigil.emulator import MetricKey
from vigil.plan.stack import load_stack_plan
from vigil.spec import load_project
from vigil.spec.testfile import SeriesMetric, SeriesSpec

GOOD = Path(__file__).resolve().parents[1] / "spec" / "good" / "minimal"
ROOT = Path(__file__).resolve().parents[2]
ALARM = """
  endpoint-slow:
    kind: static
    severity: P3
    metric: {namespace: Shop/API, metric: http.request.duration, statistic: Maximum,
             dimensions: {Service: api, Environment: "${environment}", Endpoint: "${ecs_cluster}-${stack}"}}
    comparison: ">"
    threshold: 500
"""
TEST = """version: vigil/v1
stack: dev
tests:
  - name: the series names the endpoint with the stack's placeholders
    series:
      - metric: {namespace: Shop/API, metric: http.request.duration,
                 dimensions: {Service: api, Environment: "${environment}", Endpoint: "${ecs_cluster}-${stack}"}}
        values: "100x3 900x3"
    expect:
      - {alarm: endpoint-slow, at: 3m, state: OK}
      - {alarm: endpoint-slow, at: 6m, state: ALARM}
"""


def test_a_project_with_ecs_cluster_set_passes_check_and_test(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(GOOD, root)
    stack = root / "stacks" / "Pulumi.dev.yaml"
    stack.write_text(
        stack.read_text().replace("  vigil:environment: dev\n", "  vigil:environment: dev\n  vigil:ecs_cluster: core\n")
    )
    alarms = root / "alarms" / "api.yaml"
    alarms.write_text(alarms.read_text() + ALARM)
    (root / "alarms" / "tests" / "endpoint.yaml").write_text(TEST)
    assert [e for e in load_project(root, stack="dev").errors if e.severity == "error"] == []
    plan = load_stack_plan(root, "dev").plan
    alarm = next(a for a in plan.alarms.metric_alarms if a.name.endswith("endpoint-slow"))
    assert alarm.metric is not None
    assert alarm.metric.dimensions["Endpoint"] == "core-dev"
    report = run_tests(root, [root / "alarms" / "tests" / "endpoint.yaml"])
    assert report.errors == []
    assert report.exit_code == 0, [f.message for c in report.cases for f in c.failures]


def test_every_shipped_alarm_metric_is_what_a_series_with_the_spec_dimensions_feeds() -> None:
    # The class: a series written with the same templates as the alarm feeds exactly the metric the plan reads.
    for stack in ("dev", "prod"):
        project = load_project(ROOT, stack=stack).project
        plan = load_stack_plan(ROOT, stack).plan
        by_spec = {a.name: a for a in plan.alarms.metric_alarms}
        for name, spec in project.alarms.items():
            ref = getattr(spec, "metric", None)
            physical = f"vigil-{plan.context.environment}-{name}"
            if ref is None or physical not in by_spec or by_spec[physical].metric is None:
                continue
            series = SeriesSpec(
                metric=SeriesMetric(namespace=ref.namespace, metric=ref.metric, dimensions=dict(ref.dimensions)),
                values="1",
            )
            planned = by_spec[physical].metric
            assert planned is not None
            expected = MetricKey.of(planned.namespace, planned.metric_name, planned.dimensions)
            assert _series_key(project, plan.context, series) == expected, (stack, name)
