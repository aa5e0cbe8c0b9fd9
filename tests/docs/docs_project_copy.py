"""Helpers of the docs tests: a copy of the shipped project that a test may break, and `vigil check` on it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from vigil.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
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


def check_errors(project: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    """The errors `vigil check` reports for every stack (it must fail)."""
    assert main(["check", str(project), "--format", "json"]) == 1
    return [e for e in json.loads(capsys.readouterr().out) if e["severity"] == "error"]
