"""The Makefile refuses a .venv made by a Python older than 3.11 (or whose Python is gone) and says `make clean`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")


def _fake_venv(tmp_path: Path, python_script: str | None) -> Path:
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "setup.py").write_text("")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (tmp_path / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    if python_script is not None:
        python = bin_dir / "python"
        python.write_text(python_script)
        python.chmod(0o755)
    return tmp_path


@pytest.mark.parametrize(
    "script",
    [
        "#!/bin/sh\necho 0\n",  # a Python older than 3.11 answers 0 to the version test
        None,  # the interpreter the venv was made with is gone
    ],
)
def test_wrong_python_venv_stops_with_a_make_clean_hint(tmp_path: Path, script: str | None) -> None:
    project = _fake_venv(tmp_path, script)
    done = subprocess.run(["make", "-n", "test"], cwd=project, capture_output=True, text=True)
    assert done.returncode != 0
    assert "run `make clean` and retry" in done.stderr


def test_good_venv_and_clean_are_not_blocked(tmp_path: Path) -> None:
    project = _fake_venv(tmp_path, "#!/bin/sh\necho 1\n")
    assert subprocess.run(["make", "-n", "test"], cwd=project, capture_output=True).returncode == 0
    broken = tmp_path / "broken"
    broken.mkdir()
    _fake_venv(broken, None)
    done = subprocess.run(["make", "clean"], cwd=broken, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not (broken / ".venv").exists()
