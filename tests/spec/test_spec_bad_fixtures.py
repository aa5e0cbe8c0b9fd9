"""Every malformed spec under tests/spec/bad/ is rejected at the exact file, line and field.

Each case is one YAML file whose header names where it goes in a copy of the good project and the
error it must produce::

    # target: alarms/zz.yaml
    # expect: alarms/zz.yaml:10: alarms.x.threshhold: unknown key 'threshhold' (did you mean 'threshold'?)

The message is matched as a prefix; no other error may appear (one rule per case).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from vigil.cli.check import collect
from vigil.spec import load_project

HERE = Path(__file__).parent
GOOD = HERE / "good" / "minimal"
CASES = sorted((HERE / "bad").glob("*.yaml"))
EXPECT = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<field>\S+): (?P<message>.*)$")


def _header(case: Path) -> tuple[str, str, int, str, str]:
    lines = case.read_text(encoding="utf-8").splitlines()
    target = lines[0].removeprefix("# target: ").strip()
    match = EXPECT.match(lines[1].removeprefix("# expect: "))
    assert match, f"{case.name}: bad '# expect:' header"
    return target, match["file"], int(match["line"]), match["field"], match["message"].strip()


def test_there_are_at_least_forty_distinct_cases() -> None:
    assert len(CASES) >= 40
    rules = {_header(case)[4].split("'")[0][:40] + _header(case)[3].split(".")[-1] for case in CASES}
    assert len(rules) >= 40


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_bad_spec_is_rejected_at_its_line(case: Path, tmp_path: Path) -> None:
    target, file, line, field, message = _header(case)
    project = tmp_path / "project"
    shutil.copytree(GOOD, project)
    (project / target).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(case, project / target)

    errors = collect(project, ["dev"])  # what `vigil check --stack dev` reports (spec rules, plan, budget)

    listing = "\n".join(str(e) for e in errors)
    hits = [e for e in errors if (e.file, e.line, e.field) == (file, line, field) and e.message.startswith(message)]
    assert hits, f"expected {file}:{line}: {field}: {message}...\ngot:\n{listing}"
    others = [e for e in errors if e.severity == "error" and not e.message.startswith(message)]
    assert not others, "case must break one rule only; also got:\n" + "\n".join(map(str, others))


def test_good_project_is_clean() -> None:
    result = load_project(GOOD, stack="dev")
    assert [str(e) for e in result.errors] == []
    assert result.ok
