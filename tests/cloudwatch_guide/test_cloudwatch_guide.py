"""The CloudWatch user guide's missing-data tables and premature-alarm examples, as `vigil test` files.

Each ``*.yaml`` here is a test file a user could write; it runs against a copy of the spec fixture project
(``tests/spec/good/minimal``) because its alarms are the cases' own. The rows must be the guide's: they are
checked against the tables the state machine's unit tests cite (tests/emulator/test_emulator_alarm.py).
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from vigil.alarmtest import run_tests

HERE = Path(__file__).parent
GOOD = HERE.parent / "spec" / "good" / "minimal"
FILES = sorted(HERE.glob("*.yaml"))
sys.path.insert(0, str(HERE.parent / "emulator"))
from test_emulator_alarm import TABLE_1, TABLE_2  # noqa: E402


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("guide") / "p"
    shutil.copytree(GOOD, root)
    for path in FILES:
        shutil.copy(path, root / "alarms" / "tests" / path.name)
    return root


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_guide_case_passes(project: Path, path: Path) -> None:
    report = run_tests(project, [project / "alarms" / "tests" / path.name])
    assert report.errors == []
    failures = [(c.name, f.alarm, f.expected, f.got) for c in report.cases for f in c.failures]
    assert failures == []
    assert report.cases


@pytest.mark.parametrize(
    ("name", "table", "m"), [("missing-data-3-of-3.yaml", TABLE_1, 3), ("missing-data-2-of-3.yaml", TABLE_2, 2)]
)
def test_the_files_hold_every_row_of_the_guide_tables(
    name: str, table: list[tuple[str, tuple[str, ...]]], m: int
) -> None:
    text = (HERE / name).read_text()
    rows = re.findall(r'- name: "(.+) \(N = 3, M = (\d)\)"', text)
    assert [r for r, _ in rows] == [row for row, _ in table]
    assert {int(k) for _, k in rows} == {m}
    for (row, expected), block in zip(table, text.split("  - name: ")[1:], strict=True):
        states = re.findall(r"alarm: t-(\w+), at: 5m, state: (\w+)", block)
        for (mode, state), want in zip(states, expected, strict=True):
            assert state == ("INSUFFICIENT_DATA" if want == "retain" else want), (row, mode)
