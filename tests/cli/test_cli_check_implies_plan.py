"""Properties over generated valid specs, drawn around the limits of :mod:`vigil.spec.limits` (names, widget
sizes, dashboard bodies):

- ``vigil check`` never raises, and every error it reports is located;
- when the spec rules pass, the plan builds, or refuses only a limit on what the plan alone derives
  (:data:`vigil.spec.limits.PLAN_ONLY`): a limit the spec rules and the plan disagree on is found;
- when ``vigil check`` passes, the plan builds and (for a few) the Pulumi program runs under the mock engine.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigil.cli.check import collect
from vigil.plan.errors import PlanError
from vigil.plan.stack import load_stack_plan, plan_stack
from vigil.preview import run_preview
from vigil.spec import Project, limits, load_project

GOOD = Path(__file__).resolve().parents[1] / "spec" / "good" / "minimal"
METRIC = {"namespace": "Shop/API", "metric": "http.requests", "dimensions": {"Service": "api", "Environment": "x"}}

environments = st.from_regex(r"[a-z][a-z0-9-]{0,31}", fullmatch=True)
services = st.from_regex(r"[a-z][a-z0-9-]{0,62}", fullmatch=True)
graphs = st.builds(
    lambda n: {"type": "graph", "title": f"{n} metrics", "metrics": [METRIC] * n},
    st.sampled_from([1, 100, 101, 150, 499, 500, 501]),
)
singles = st.builds(
    lambda n: {"type": "single_value", "title": f"{n}", "metrics": [METRIC] * n}, st.sampled_from([1, 100, 101])
)
texts = st.builds(lambda n: {"type": "text", "markdown": "x" * n}, st.sampled_from([1, 1_000, 40_000]))
widgets = st.lists(st.one_of(graphs, singles, texts), min_size=1, max_size=30)


def make_project(root: Path, environment: str, service: str, board: list[dict[str, Any]], tracing: bool) -> Path:
    """The minimal project with a generated environment, service name, dashboard and tracing switch."""
    project = root / "p"
    shutil.copytree(GOOD, project)
    metrics = project / "metrics" / "api.yaml"
    metrics.write_text(metrics.read_text().replace("service: api\n", f"service: {service}\n", 1))
    stack = project / "stacks" / "Pulumi.dev.yaml"
    text = stack.read_text().replace("vigil:environment: dev", f"vigil:environment: {environment}")
    stack.write_text(text + ("" if tracing else "  vigil:tracing: {enabled: false}\n"))
    doc = {"version": "vigil/v1", "dashboards": {"generated": {"title": "Generated", "widgets": board}}}
    (project / "dashboards" / "generated.yaml").write_text(yaml.safe_dump(doc, width=1_000_000))
    return project


def refusal(project: Project) -> PlanError | None:
    """The plan's error on ``project``, or None when it builds."""
    try:
        plan_stack(project)
    except PlanError as exc:
        return exc
    return None


def check_then_plan(environment: str, service: str, board: list[dict[str, Any]], tracing: bool) -> Path | None:
    """Run ``vigil check``'s collection; when it passes, plan. Returns the project when it passed."""
    root = Path(tempfile.mkdtemp(prefix="vigil-prop-"))
    project = make_project(root, environment, service, board, tracing)
    loaded = load_project(project, stack="dev")
    if loaded.ok:  # the spec rules passed: only a limit on derived names or bodies may refuse
        refused = refusal(loaded.project)
        assert refused is None or refused.limit in limits.PLAN_ONLY, refused
    errors = [e for e in collect(project, ["dev"]) if e.severity == "error"]  # must not raise
    assert all(e.file != "(project)" and e.line >= 1 for e in errors), errors  # every error is located
    if errors:
        return None
    load_stack_plan(project, "dev")  # must not raise: check passed
    return project


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(environments, services, widgets, st.booleans())
def test_check_passing_implies_the_plan_builds(
    environment: str, service: str, board: list[dict[str, Any]], tracing: bool
) -> None:
    check_then_plan(environment, service, board, tracing)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(environments, services.filter(lambda s: len(s) <= 8), widgets.filter(lambda w: len(w) <= 3), st.booleans())
def test_check_passing_implies_the_pulumi_program_runs(
    environment: str, service: str, board: list[dict[str, Any]], tracing: bool
) -> None:
    project = check_then_plan(environment, service, board, tracing)
    if project is not None:
        result = run_preview(project, "dev")
        assert result.ok, result.errors
        assert result.counts["aws:cloudwatch/dashboard:Dashboard"] >= 1
