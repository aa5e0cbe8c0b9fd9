"""Property: one random mutation of a valid project gives located errors or a clean check, never a traceback.

A mutation edits one line of one file of the good project (tests/spec/good/minimal) the way hostile runs do:
replace a value with a hostile scalar, delete or duplicate the line, change its indentation, or insert a new
key. Every error must name a file of the project and a line inside it; ``load_project`` must not raise.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigil.spec import load_project

HERE = Path(__file__).parent
GOOD = HERE / "good" / "minimal"
FILES = sorted(p.relative_to(GOOD).as_posix() for p in GOOD.rglob("*.yaml"))
HOSTILE = [
    "", "0", "-1", "1e400", ".nan", "true", "null", "~", '"250"', "':x'", ":Shop/API", "AWS/EC2", "aws/x", "$.x",
    "$", "x" * 300, "é", "[]", "{}", "[a, [b]]", "{a: {b: c}}", "*undefined", "&a x", "!!python/name:os.system",
    "alias/aws/logs", "../../etc/passwd.md", "C123", "T0", "us-east-7", "P9", "2024-01-01", "0x10", "- a", "? k",
]  # fmt: skip


@st.composite
def mutation(draw: st.DrawFn) -> tuple[str, int, str, str]:
    """(file, line index, operation, text)."""
    file = draw(st.sampled_from(FILES))
    lines = (GOOD / file).read_text(encoding="utf-8").splitlines()
    index = draw(st.integers(0, len(lines) - 1))
    op = draw(st.sampled_from(["value", "delete", "duplicate", "indent", "dedent", "insert"]))
    text = draw(st.one_of(st.sampled_from(HOSTILE), st.text(alphabet="ab:-[]{}$.'\" #/0", max_size=12)))
    return file, index, op, text


def mutate(text: str, index: int, op: str, value: str) -> str:
    lines = text.splitlines()
    line = lines[index]
    if op == "value":
        key, sep, _ = line.partition(": ")
        lines[index] = f"{key}: {value}" if sep else f"{line} {value}"
    elif op == "delete":
        del lines[index]
    elif op == "duplicate":
        lines.insert(index, line)
    elif op == "indent":
        lines[index] = "  " + line
    elif op == "dedent":
        lines[index] = line[2:] if line.startswith("  ") else line
    else:
        indent = line[: len(line) - len(line.lstrip())]
        lines.insert(index + 1, f"{indent}{value or 'x'}: {value}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mutations")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(change=mutation())
def test_one_mutation_gives_located_errors_or_a_clean_check(change: tuple[str, int, str, str], workdir: Path) -> None:
    file, index, op, value = change
    project = workdir / "project"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(GOOD, project)
    target = project / file
    target.write_text(mutate(target.read_text(encoding="utf-8"), index, op, value), encoding="utf-8")

    result = load_project(project, stack="dev")  # must not raise

    for error in result.errors:
        assert error.file != "(project)", f"unlocated: {error}"
        path = project / error.file
        assert path.is_file(), f"error names a file that is not in the project: {error}"
        assert 1 <= error.line <= len(path.read_text(encoding="utf-8").splitlines()) + 1, f"line out of file: {error}"
        assert error.field, f"no field: {error}"
    assert result.ok == (not [e for e in result.errors if e.severity == "error"])
