"""Test helpers: a copy of the shipped project that a test may break, an edit located by line, and `vigil check`
on the copy (imported as ``project_copy``: pytest puts ``tests/`` on the path for its conftest)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from vigil.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
PROJECT_PARTS = ("Pulumi.yaml", "metrics", "alarms", "dashboards", "stacks", "docs/reference")


def copy_shipped(tmp_path: Path) -> Path:
    """The shipped project (specs, runbooks, stacks and the catalog reference) under ``tmp_path``."""
    project = tmp_path / "p"
    project.mkdir()
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, project / part)
        else:
            shutil.copy(source, project / part)
    return project


def edit(path: Path, old: str, new: str) -> int:
    """Replace ``old`` once in ``path``; the 1-based line where it started."""
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    path.write_text(text.replace(old, new))
    return text[: text.index(old)].count("\n") + 1


def check_errors(
    project: Path, capsys: pytest.CaptureFixture[str], stack: str | None = None
) -> list[dict[str, object]]:
    """The errors `vigil check` reports for ``stack`` (default: every stack); it must fail."""
    args = ["check", str(project), "--format", "json", *(["--stack", stack] if stack else [])]
    assert main(args) == 1
    return [e for e in json.loads(capsys.readouterr().out) if e["severity"] == "error"]
