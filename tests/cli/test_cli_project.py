"""Project discovery: every command finds the project from any directory inside it and exits 2 outside one."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest

from vigil.cli.errors import ProjectNotFoundError
from vigil.cli.main import build_parser, main
from vigil.cli.project import find_project_root

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "tests" / "spec" / "good" / "minimal"


def _project_commands() -> list[str]:
    """Every registered sub-command that takes --project (the commands that read a project)."""
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(name for name, p in sub.choices.items() if any("--project" in a.option_strings for a in p._actions))


def test_the_commands_that_read_a_project_all_take_project() -> None:
    assert {"check", "cost", "preview", "schema", "test"} <= set(_project_commands())


@pytest.mark.parametrize("command", _project_commands())
def test_every_project_command_exits_2_outside_a_project(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    argv = [command, "--check"] if command == "schema" else [command]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"vigil {command}: no Vigil project in " in err
    assert "vigil init DIR" in err


def test_check_from_a_subdirectory_checks_the_whole_project(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT / "alarms" / "runbooks")
    assert main(["check"]) == 0
    assert "(stacks: dev, prod)" in capsys.readouterr().out


def test_find_project_root_walks_up_and_stops_at_the_nearest_root(tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    shutil.copytree(GOOD, outer)
    (outer / "Pulumi.yaml").write_text("name: outer\nruntime: python\n")
    deep = outer / "alarms" / "runbooks"
    assert find_project_root(deep).resolve() == outer.resolve()
    inner = outer / "nested"
    shutil.copytree(GOOD, inner)
    (inner / "Pulumi.yaml").write_text("name: inner\nruntime: python\n")
    assert find_project_root(inner / "metrics").resolve() == inner.resolve()


def test_pulumi_yaml_alone_is_not_a_vigil_project(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: other\nruntime: nodejs\n")
    (tmp_path / "stacks").mkdir()
    with pytest.raises(ProjectNotFoundError, match=r"Pulumi\.yaml next to metrics/ or alarms/"):
        find_project_root(tmp_path)


def test_a_named_spec_directory_without_pulumi_yaml_is_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(GOOD), "--stack", "dev"]) == 0
    assert "(stacks: dev)" in capsys.readouterr().out


def test_project_given_twice_differently_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(GOOD), "--project", str(tmp_path)]) == 2
    assert "PROJECT given twice" in capsys.readouterr().err
    assert main(["check", str(GOOD), "--project", str(GOOD), "--stack", "dev"]) == 0


def test_missing_directory_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", "--project", str(tmp_path / "nope")]) == 2
    assert f"'{tmp_path / 'nope'}' is not a directory" in capsys.readouterr().err


def test_schema_check_from_a_subdirectory_reads_the_project_schemas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT / "metrics")
    assert main(["schema", "--check"]) == 0
    project = tmp_path / "p"
    shutil.copytree(GOOD, project)
    (project / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    monkeypatch.chdir(project / "alarms")
    assert main(["schema", "--check"]) == 1
    out = capsys.readouterr().out
    assert "out of date; run `vigil schema`" in out
    assert main(["schema"]) == 0
    assert main(["schema", "--check"]) == 0
    assert (project / "schemas" / "alarms.schema.json").is_file()
    assert not (project / "alarms" / "schemas").exists()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("vigil 0.")


@pytest.mark.parametrize("command", _project_commands())
def test_help_names_the_project_argument_one_way(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = capsys.readouterr().out
    assert "--project PROJECT" in text
    assert "PROJECT_DIR" not in text
    assert "project directory" not in text


def test_one_name_for_the_project_argument_across_commands() -> None:
    """Every option or positional about the project is the one add_project_argument makes (metavar PROJECT)."""
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    odd = [
        f"vigil {name} {'/'.join(action.option_strings) or action.dest}"
        for name, command in sub.choices.items()
        for action in command._actions
        if "project" in action.dest and (action.dest not in ("project", "project_arg") or action.metavar != "PROJECT")
    ]
    assert not odd, (
        f"{odd}: take the project with vigil.cli.project.add_project_argument(parser) and find it with "
        "project_root(args, COMMAND), so it is found from subdirectories and named the same everywhere"
    )
