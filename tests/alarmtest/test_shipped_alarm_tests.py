"""The shipped alarm tests (alarms/tests/*.yaml) pass, and they catch a broken threshold in either direction.

For every alarm with a threshold that a shipped case names, the stack's threshold is overridden to 10x (at most
100 for a static alarm on a Percent metric) and to 1/10 of its value (a threshold of 0 becomes 1; it has no lower mutant, counts are never negative): the first mutant must miss a case that fires, the second must fire in
a case that stays quiet. A suite that passes both mutants would not notice the threshold at all.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from vigil.alarmtest.runner import run_tests
from vigil.spec import load_project
from vigil.spec.testfile import default_test_files, load_test_file

ROOT = Path(__file__).resolve().parents[2]
FILES = default_test_files(ROOT)


def _cases_by_alarm() -> dict[tuple[str, str], list[Path]]:
    """(stack, alarm) -> the shipped files whose cases name that alarm."""
    out: dict[tuple[str, str], list[Path]] = {}
    for path in FILES:
        parsed, _, _ = load_test_file(path)
        assert parsed is not None, path
        for case in parsed.tests:
            for expect in case.expect:
                files = out.setdefault((parsed.stack, expect.alarm), [])
                if path not in files:
                    files.append(path)
    return out


def _upper(project: Any, alarm: str, threshold: float) -> float:
    """The upper mutant: 10x, capped at 100 for a Percent metric (a threshold above 100 % is refused by check)."""
    spec = project.alarms.get(alarm)
    refs = [getattr(spec, "metric", None), *getattr(spec, "metrics", {}).values()]
    units = {
        project.namespaces[r.namespace].metrics[r.metric].unit
        for r in refs
        if r is not None and r.namespace in project.namespaces and r.metric in project.namespaces[r.namespace].metrics
    }
    return (
        min(threshold * 10, 100.0) if units == {"Percent"} and getattr(spec, "kind", "") == "static" else threshold * 10
    )


def _thresholds() -> list[tuple[str, str, float]]:
    out = []
    projects = {}
    for stack, alarm in sorted(_cases_by_alarm()):
        if stack not in projects:
            projects[stack] = load_project(ROOT, stack=stack).project
        spec = projects[stack].alarms.get(alarm)
        threshold = getattr(spec, "threshold", None)
        if threshold is not None:
            out.append((stack, alarm, float(threshold)))
    return out


def test_every_shipped_case_passes() -> None:
    report = run_tests(ROOT, FILES)
    failures = [
        f"{c.file}:{c.line} {c.name}: {[(f.alarm, f.expected, f.got) for f in c.failures]}"
        for c in report.cases
        if not c.passed
    ]
    assert report.errors == []
    assert failures == []
    assert report.passed >= 20


def _mutant(tmp_path: Path, stack: str, alarm: str, threshold: float) -> Path:
    project = tmp_path / "project"
    for part in ("metrics", "alarms", "dashboards", "stacks"):
        shutil.copytree(ROOT / part, project / part)
    stack_file = project / "stacks" / f"Pulumi.{stack}.yaml"
    data: dict[str, Any] = yaml.safe_load(stack_file.read_text(encoding="utf-8"))
    overrides = data["config"].setdefault("vigil:overrides", {}).setdefault("alarms", {})
    overrides[alarm] = {**overrides.get(alarm, {}), "threshold": threshold}
    stack_file.write_text(yaml.safe_dump(data), encoding="utf-8")
    return project


@pytest.mark.parametrize(("stack", "alarm", "threshold"), _thresholds(), ids=lambda v: str(v))
def test_a_broken_threshold_fails_a_shipped_case(tmp_path: Path, stack: str, alarm: str, threshold: float) -> None:
    files = _cases_by_alarm()[(stack, alarm)]
    upper = _upper(load_project(ROOT, stack=stack).project, alarm, threshold)
    for broken in (upper, threshold / 10) if threshold else (1.0,):
        project = _mutant(tmp_path / str(broken), stack, alarm, broken)
        report = run_tests(project, [project / f.relative_to(ROOT) for f in files])
        assert report.errors == [], report.errors
        assert report.failed > 0, f"{alarm} with threshold {broken} (instead of {threshold}) still passes every case"
