"""``vigil check`` and ``vigil schema`` as a user runs them: exit codes, text and JSON output."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from vigil.cli.main import main
from vigil.spec.schema import KINDS, render

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "tests" / "spec" / "good" / "minimal"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_shipped_specs_are_clean_for_every_stack(stack: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(ROOT), "--stack", stack]) == 0
    out = capsys.readouterr().out
    assert "vigil check ok: 0 error(s)" in out


def test_all_stacks_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(ROOT)]) == 0
    assert "(stacks: dev, prod)" in capsys.readouterr().out


def test_errors_exit_1_and_json_lists_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "p"
    shutil.copytree(GOOD, project)
    text = (project / "alarms" / "api.yaml").read_text().replace("period: 300", "period: 45")
    (project / "alarms" / "api.yaml").write_text(text)
    assert main(["check", str(project), "--format", "json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload == [
        {
            "file": "alarms/api.yaml",
            "line": 40,
            "field": "alarms.latency-anomaly.period",
            "message": "period 45 s is invalid: use 10, 20, 30 or a multiple of 60",
            "severity": "error",
        }
    ]


def test_text_output_is_file_line_field_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "p"
    shutil.copytree(GOOD, project)
    (project / "dashboards" / "overview.yaml").write_text(
        "version: vigil/v1\ndashboards:\n  overview:\n    widgets: []\n"
    )
    assert main(["check", str(project)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("dashboards/overview.yaml:4: dashboards.overview.widgets: ")
    assert lines[-1] == "vigil check FAILED: 1 error(s), 0 warning(s) (stacks: dev)"


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "missing")]) == 2
    assert main(["check", str(GOOD), "--stack", "qa"]) == 2
    assert "known: dev" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["check", "--format", "xml"])
    assert exc.value.code == 2


def test_console_script_runs() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "vigil.cli.main", "check", str(GOOD)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_committed_schemas_are_current() -> None:
    for kind in KINDS:
        assert (ROOT / "schemas" / f"{kind}.schema.json").read_text() == render(kind), f"run `vigil schema` ({kind})"


def test_schema_check_flags_stale_files(tmp_path: Path) -> None:
    assert main(["schema", "--out", str(tmp_path)]) == 0
    assert main(["schema", "--out", str(tmp_path), "--check"]) == 0
    (tmp_path / "alarms.schema.json").write_text("{}")
    assert main(["schema", "--out", str(tmp_path), "--check"]) == 1


@pytest.mark.parametrize(
    ("kind", "pattern"),
    [("metrics", "metrics/*.yaml"), ("alarms", "alarms/*.yaml"), ("dashboards", "dashboards/*.yaml")],
)
def test_shipped_yaml_validates_against_its_schema_and_references_it(kind: str, pattern: str) -> None:
    schema = json.loads(render(kind))
    files = [p for p in ROOT.glob(pattern) if p.name != "routing.yaml"]
    assert files
    for path in files:
        text = path.read_text()
        assert text.startswith(f"# yaml-language-server: $schema=../schemas/{kind}.schema.json"), path
        jsonschema.validate(yaml.safe_load(text), schema)


def test_routing_yaml_validates_against_routing_schema() -> None:
    text = (ROOT / "alarms" / "routing.yaml").read_text()
    assert "$schema=../schemas/routing.schema.json" in text.splitlines()[0]
    jsonschema.validate(yaml.safe_load(text), json.loads(render("routing")))
