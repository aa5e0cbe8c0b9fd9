"""The CI workflow `vigil init` writes works as created: its commands run, in order, in a fresh environment that
installs Vigil from the project's requirements.txt (here `--vigil-source` this clone), and an editable install of
this clone prints no setuptools banner.

Offline: the fresh venv sees the test venv's site-packages through a plain path entry (dependencies, pip and
setuptools), pip is told to use no index and no build isolation, so only this clone is built and installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
import yaml
from repo_copy import copy_tracked

from vigil.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

OFFLINE = {"PIP_NO_INDEX": "1", "PIP_NO_BUILD_ISOLATION": "0", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def _fresh_venv(where: Path) -> Path:
    venv.EnvBuilder(with_pip=False).create(where)
    python = where / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "deps-from-test-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    shim = where / "bin" / "pip"  # `pip` as the workflow calls it, from the test venv's pip module
    shim.write_text('#!/bin/sh\nexec "$(dirname "$0")/python" -m pip "$@"\n')
    shim.chmod(0o755)
    return where


def _env(fresh: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIGIL_", "PIP_", "VIRTUAL_ENV"))}
    return {**env, **OFFLINE, "PATH": f"{fresh / 'bin'}:{env.get('PATH', '')}", "PYTHONDONTWRITEBYTECODE": "1"}


def test_the_generated_workflow_runs_as_created(tmp_path: Path) -> None:
    project = tmp_path / "shop"
    services = ["--service", "payments", "--service", "settlement:queue-worker"]
    clone = copy_tracked(tmp_path / "vigil")
    assert main(["init", str(project), *services, "--vigil-source", str(clone)]) == 0
    workflow = yaml.safe_load((project / ".github" / "workflows" / "vigil.yml").read_text())
    steps = [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step]
    assert steps[0] == "pip install -r requirements.txt"
    fresh = _fresh_venv(tmp_path / "ci-venv")
    for command in steps:
        done = subprocess.run(
            ["bash", "-c", f"set -euo pipefail\n{command}"],
            cwd=project,
            env=_env(fresh),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, f"{command}: exit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    where = subprocess.run(
        [fresh / "bin" / "python", "-c", "import vigil; print(vigil.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env=_env(fresh),
    ).stdout
    assert where.startswith(str(fresh)), f"the workflow's vigil came from {where}, not from requirements.txt"


def test_an_editable_install_imports_from_the_clone_with_no_other_warning(tmp_path: Path) -> None:
    fresh = _fresh_venv(tmp_path / "dev-venv")
    clone = copy_tracked(tmp_path / "vigil")
    done = subprocess.run(
        [fresh / "bin" / "python", "-m", "pip", "install", "--quiet", "--no-deps", "-e", str(clone)],
        env=_env(fresh),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    # Known limitation: `vigil.components` is mapped from the top-level components/ (setup.py), which setuptools can
    # only install editable through its import hook, and the hook prints an "Editable installation" notice. Only
    # that notice is tolerated: any other warning fails.
    output = "\n".join(line for line in (done.stdout + done.stderr).splitlines() if "is ignored" not in line)
    assert "Warning" not in output.replace("BuildBackendWarning: Editable installation.", ""), output
    imported = subprocess.run(
        [fresh / "bin" / "python", "-c", "import vigil.components, vigil.cli; print(vigil.cli.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=_env(fresh),
    )
    assert imported.stdout.strip() == str(clone / "vigil" / "cli" / "__init__.py"), imported.stderr
    assert sys.prefix not in imported.stdout
