"""``vigil init`` service kinds (HTTP API, queue worker, scheduled job), mixed in one project, and where the
project installs Vigil from (``--vigil-source``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from vigil.cli.main import main
from vigil.init import create_project
from vigil.init.source import VigilSource, installed_source, requirement

ROOT = Path(__file__).resolve().parents[2]
MIXED = ["--service", "payments:http", "--service", "settlement:queue-worker", "--service", "nightly:scheduled-job"]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kinds") / "shop"
    assert main(["init", str(root), *MIXED]) == 0
    return root


def test_each_kind_gets_its_own_alarms(mixed: Path) -> None:
    def alarms(service: str) -> set[str]:
        return set(yaml.safe_load((mixed / "alarms" / f"{service}.yaml").read_text())["alarms"])

    assert alarms("payments") == {"payments-error-rate", "payments-latency-p95"}
    assert alarms("settlement") == {
        "settlement-queue-backlog",
        "settlement-queue-age",
        "settlement-no-progress",
        "settlement-heartbeat",
    }
    assert alarms("nightly") == {"nightly-missed-run", "nightly-failed-run", "nightly-slow-run"}


def test_mixed_project_checks_clean(mixed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(mixed)]) == 0
    assert capsys.readouterr().out.strip() == "vigil check ok: 0 error(s), 0 warning(s) (stacks: dev, prod)"


def test_mixed_project_tests_pass(mixed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "--project", str(mixed)]) == 0
    assert "vigil test ok: 20 passed, 0 failed" in capsys.readouterr().out


@pytest.mark.parametrize(("stack", "queue"), [("dev", "settlement-dev"), ("prod", "settlement-prod")])
def test_preview_renders_the_queue_name_of_each_stack(
    mixed: Path, stack: str, queue: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["preview", str(mixed), "--stack", stack, "--format", "json"]) == 0
    resources = {r["name"]: r["inputs"] for r in json.loads(capsys.readouterr().out)["resources"]}
    backlog = resources[f"alarm-vigil-{stack}-settlement-queue-backlog"]
    assert backlog["dimensions"] == {"QueueName": queue}
    assert backlog["namespace"] == "AWS/SQS"


@pytest.mark.parametrize(
    ("alarm", "old", "new"),
    [
        ("settlement", "threshold: 1000\n", "threshold: 100000\n"),
        ("settlement", "threshold: 900\n", "threshold: 90000\n"),
        ("nightly", "threshold: 900000\n", "threshold: 90000000\n"),
        ("nightly", 'comparison: ">="\n    threshold: 1\n', 'comparison: ">="\n    threshold: 10\n'),
    ],
)
def test_generated_tests_catch_a_broken_threshold(
    tmp_path: Path, alarm: str, old: str, new: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "p"
    create_project(root, ["settlement:queue-worker", "nightly:scheduled-job"])
    spec = root / "alarms" / f"{alarm}.yaml"
    assert old in spec.read_text()
    spec.write_text(spec.read_text().replace(old, new, 1))
    capsys.readouterr()
    assert main(["test", "--project", str(root)]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_unknown_kind_is_a_usage_error_with_a_suggestion(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "p"), "--service", "settle:queue"]) == 2
    err = capsys.readouterr().err
    assert "unknown kind 'queue' (did you mean 'queue-worker'?)" in err
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("0.3.1", "vigil-monitoring[pulumi]==0.3.1"),
        (
            "git+https://github.com/example/vigil@v0.3.1",
            "vigil-monitoring[pulumi] @ git+https://github.com/example/vigil@v0.3.1",
        ),
        (str(ROOT), f"vigil-monitoring[pulumi] @ {ROOT.as_uri()}"),
    ],
)
def test_vigil_source_is_the_requirement(tmp_path: Path, source: str, line: str) -> None:
    assert main(["init", str(tmp_path / "p"), "--vigil-source", source]) == 0
    lines = [x for x in (tmp_path / "p" / "requirements.txt").read_text().splitlines() if not x.startswith("#")]
    assert lines == [line]


def test_a_vigil_source_that_is_none_of_the_three_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", str(tmp_path / "p"), "--vigil-source", str(tmp_path)]) == 2
    assert "--vigil-source" in capsys.readouterr().err
    assert not (tmp_path / "p").exists()


def test_default_source_is_what_runs_this_vigil() -> None:
    # The test venv installs this clone in editable mode: a new project installs Vigil from this directory.
    assert installed_source() == VigilSource("path", str(ROOT))
    assert requirement(installed_source()).endswith(ROOT.as_uri())
