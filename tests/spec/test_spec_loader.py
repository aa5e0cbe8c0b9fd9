"""The loader on real YAML: golden model of the good project, stack overrides, merging, robustness."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigil.spec import load_project
from vigil.spec.models import CompositeAlarm, StaticAlarm

HERE = Path(__file__).parent
GOOD = HERE / "good" / "minimal"
GOLDEN = HERE / "good" / "minimal.golden.json"


def test_loaded_model_matches_golden() -> None:
    """The whole loaded model, dumped deterministically; VIGIL_UPDATE_GOLDEN=1 rewrites the file."""
    result = load_project(GOOD, stack="dev")
    assert result.ok
    dumped = json.dumps(result.project.model_dump(mode="json", by_alias=True), indent=2, sort_keys=True) + "\n"
    if os.environ.get("VIGIL_UPDATE_GOLDEN"):
        GOLDEN.write_text(dumped, encoding="utf-8")
    assert dumped == GOLDEN.read_text(encoding="utf-8")


def test_stack_overrides_are_applied() -> None:
    project = load_project(GOOD, stack="dev").project
    latency = project.alarms["latency-p95"]
    assert isinstance(latency, StaticAlarm)
    assert latency.threshold == 8  # 5 in alarms/api.yaml, 8 in stacks/Pulumi.dev.yaml
    assert project.alarms["latency-anomaly"].enabled is False
    assert "latency-anomaly" not in project.enabled_alarms()
    log_group = project.namespaces["Shop/API"].log_group
    assert log_group is not None
    assert log_group.retention_days == 90
    assert project.stack is not None
    assert project.stack.region == "eu-west-1"


def test_without_stack_the_files_are_taken_as_written() -> None:
    project = load_project(GOOD).project
    latency = project.alarms["latency-p95"]
    assert isinstance(latency, StaticAlarm)
    assert latency.threshold == 5
    assert project.stack is None


def test_composite_rule_is_parsed_into_typed_nodes() -> None:
    alarm = load_project(GOOD).project.alarms["platform-down"]
    assert isinstance(alarm, CompositeAlarm)
    assert alarm.model_dump(mode="json", by_alias=True)["rule"] == {
        "any": [
            {"all": ["worker-down", "latency-p95"]},
            "availability",
            {"not": {"alarm": "errors-logged", "state": "OK"}},
        ]
    }


def test_every_error_of_a_run_is_reported(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(GOOD, project)
    (project / "alarms" / "one.yaml").write_text("version: vigil/v1\nalarms:\n  a:\n    kind: static\n    period: 7\n")
    (project / "dashboards" / "two.yaml").write_text(
        "version: vigil/v1\ndashboards:\n  b:\n    widgets: [{type: nope}]\n"
    )
    (project / "metrics" / "three.yaml").write_text("version: vigil/v1\nnamespace: X\nservice: x\nbogus: 1\n")
    errors = load_project(project, stack="dev").errors
    files = {e.file for e in errors}
    assert {"alarms/one.yaml", "dashboards/two.yaml", "metrics/three.yaml"} <= files
    assert any(e.field == "alarms.a.severity" and e.line == 3 for e in errors)
    assert any(e.field == "bogus" and e.line == 4 for e in errors)


def test_unknown_stack_is_an_error_with_suggestion() -> None:
    errors = load_project(GOOD, stack="deb").errors
    assert [e.message for e in errors if e.file == "stacks/Pulumi.deb.yaml"] == [
        "no stack file for stack 'deb' (did you mean 'dev'?); known stacks: dev"
    ]


def test_yaml_anchors_and_merge_keys_work(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(GOOD, project)
    (project / "alarms" / "anchors.yaml").write_text(
        "version: vigil/v1\n"
        "alarms:\n"
        "  base-a: &base\n"
        "    kind: static\n"
        "    severity: P3\n"
        "    metric: {namespace: Shop/API, metric: http.requests, dimensions: {Service: api, Environment: dev}}\n"
        "    threshold: 1\n"
        "  base-b:\n"
        "    <<: *base\n"
        "    threshold: 2\n"
    )
    result = load_project(project, stack="dev")
    assert result.ok, [str(e) for e in result.errors]
    b = result.project.alarms["base-b"]
    assert isinstance(b, StaticAlarm)
    assert b.threshold == 2
    assert b.severity.value == "P3"


_yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8))
_yaml_values = st.recursive(
    _yaml_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    content=st.one_of(
        st.text(max_size=200),
        st.dictionaries(st.sampled_from(["version", "alarms", "slos", "x"]), _yaml_values, max_size=3).map(json.dumps),
    ),
    where=st.sampled_from(["alarms/zz.yaml", "metrics/zz.yaml", "dashboards/zz.yaml", "alarms/routing.yaml"]),
)
def test_any_file_content_yields_errors_never_an_exception(content: str, where: str, tmp_path: Path) -> None:
    project = tmp_path / "fuzz"
    if project.exists():
        shutil.rmtree(project)
    shutil.copytree(GOOD, project)
    (project / where).write_text(content, encoding="utf-8")
    result = load_project(project, stack="dev")
    files = {str(p.relative_to(project)) for p in project.rglob("*.yaml")}
    for error in result.errors:
        assert error.line >= 1
        assert error.file in files or error.file == "(project)"
        assert error.field
        assert error.message


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_shipped_catalog_loads_clean(stack: str) -> None:
    root = HERE.parent.parent
    result = load_project(root, stack=stack)
    assert [str(e) for e in result.errors if e.severity == "error"] == []
    assert len(result.project.alarms) >= 20
    assert len(result.project.dashboards) >= 7
