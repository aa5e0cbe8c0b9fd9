"""The built sdist and wheel, each installed into a fresh venv, run `vigil init`, `check` and `preview` outside
the repository. The sdist is installed by pip building a wheel from it, so a file the sdist forgets (the top-level
``components/`` that setup.py maps to ``vigil.components``) fails here.

Dependencies are not installed again: the fresh venv sees the test venv's site-packages through a plain path
entry (its ``.pth`` files, such as the editable install's import hook, are not executed), so only the built
artifact provides ``vigil``.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest
from repo_copy import copy_tracked

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    source = copy_tracked(tmp_path_factory.mktemp("source") / "vigil")  # pip builds in place: not in the checkout
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sdist")
    subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--outdir", str(out), str(ROOT)], check=True, capture_output=True
    )
    (built,) = out.glob("*.tar.gz")
    return built


@pytest.fixture(scope="module", params=["wheel", "sdist"])
def artifact(request: pytest.FixtureRequest) -> Path:
    """The wheel, then the sdist (pip builds a wheel from it when installing)."""
    built: Path = request.getfixturevalue(request.param)
    return built


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory, artifact: Path) -> Path:
    env_dir = tmp_path_factory.mktemp("fresh") / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "deps-from-test-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(artifact)],
        check=True,
        capture_output=True,
    )
    return env_dir


def test_sdist_contents(sdist: Path) -> None:
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    top = f"{sdist.name.removesuffix('.tar.gz')}/"
    assert f"{top}components/monitoring_stack.py" in names
    assert f"{top}setup.py" in names
    assert f"{top}vigil/init/templates/project/stacks/__main__.py.tmpl" in names
    assert not any("/vigil/components" in n for n in names), "the sdist carries no vigil/components link or copy"


def test_wheel_contents(wheel: Path) -> None:
    assert wheel.name.startswith("vigil_monitoring-")
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names}
    assert "components" not in top, "a top-level `components` package would clash with users' own"
    assert "vigil/components/monitoring_stack.py" in names
    assert "vigil/init/templates/services/http/alarms/tests/__service__.yaml.tmpl" in names
    assert "vigil/init/templates/project/dot-github/workflows/vigil.yml.tmpl" in names
    assert "vigil/cost/prices.json" in names
    assert any(n.endswith((".dist-info/licenses/LICENSE", ".dist-info/LICENSE")) for n in names)


def _run(fresh: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(fresh / "bin" / "vigil"), *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_installed_vigil_inits_checks_and_previews_a_project(fresh: Path, tmp_path: Path) -> None:
    where = subprocess.run(
        [fresh / "bin" / "python", "-c", "import vigil.components, vigil.cli; print(vigil.cli.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(fresh)), f"vigil was imported from {where}, not from the wheel"
    clash = subprocess.run([fresh / "bin" / "python", "-c", "import components"], cwd=tmp_path, capture_output=True)
    assert clash.returncode != 0, "the wheel installed a top-level `components` package"

    version = _run(fresh, tmp_path, "--version")
    assert version.returncode == 0
    assert version.stdout.startswith("vigil 0.")
    made = _run(fresh, tmp_path, "init", "shop", "--service", "api", "--service", "billing")
    assert made.returncode == 0, made.stderr
    project = tmp_path / "shop"
    checked = _run(fresh, project / "alarms", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 error(s), 0 warning(s) (stacks: dev, prod)" in checked.stdout
    previewed = _run(fresh, project, "preview", "--stack", "prod")
    assert previewed.returncode == 0, previewed.stderr
    assert "aws:cloudwatch/metricAlarm:MetricAlarm" in previewed.stdout
    assert "billing-error-rate" in previewed.stdout
    outside = _run(fresh, tmp_path, "check")
    assert outside.returncode == 2
    assert "no Vigil project" in outside.stderr
