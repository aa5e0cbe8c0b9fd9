"""What a new user trips over first: a closed pipe, an unknown stack, a missing optional dependency, install hints
that name the wrong distribution, and error tracking that only the example had."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from vigil.cli.main import build_parser, main
from vigil.init import create_project
from vigil.spec import load_project

ROOT = Path(__file__).resolve().parents[2]
VIGIL = Path(sys.executable).parent / "vigil"


@pytest.mark.parametrize(
    "command", [["test"], ["cost", "--stack", "prod"], ["check"], ["schema", "--check"], ["--help"], ["test", "--help"]]
)
def test_a_closed_pipe_ends_quietly(command: list[str]) -> None:
    """``vigil test | head``: the reader is gone before vigil writes; no BrokenPipeError traceback."""
    read, write = os.pipe()
    os.close(read)  # every write to `write` now fails with EPIPE, as after `head` has exited
    try:
        done = subprocess.run([VIGIL, *command], cwd=ROOT, stdout=write, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write)
    assert "Traceback" not in done.stderr, done.stderr
    assert "BrokenPipeError" not in done.stderr
    assert done.returncode in (0, 141), done.stderr


def _commands_with_stack() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return {
        name: p
        for name, p in sub.choices.items()
        if any("--stack" in a.option_strings for a in p._actions)  # every command that takes --stack
    }


def _argv(name: str, parser: argparse.ArgumentParser) -> list[str]:
    argv = [name]
    for action in parser._actions:
        if action.option_strings and action.required:
            argv += [action.option_strings[0], "x"]
        elif not action.option_strings and action.nargs is None:
            argv.append("x")  # a required positional, such as fire's ALARM
    if name == "backtest":
        argv += ["--logs", "missing.log"]
    return [*argv, "--stack", "staging"]


@pytest.mark.parametrize("name", sorted(_commands_with_stack()))
def test_every_command_refuses_an_unknown_stack_with_exit_2(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(_argv(name, _commands_with_stack()[name])) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"vigil {name}: no stack 'staging' (stacks/Pulumi.staging.yaml does not exist); known: dev, prod"
    )


def test_the_stack_check_covers_the_commands_users_name() -> None:
    assert {"check", "cost", "preview", "grafana", "backtest", "verify", "fire"} <= set(_commands_with_stack())


def test_plot_without_matplotlib_fails_before_the_backtest_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` raises ImportError
    out = tmp_path / "plots"
    # The log file does not exist: had the backtest started, that would be the error.
    assert main(["backtest", "--stack", "prod", "--logs", str(tmp_path / "none.log"), "--plot", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--plot needs matplotlib: pip install 'vigil-monitoring[plot]'" in err
    assert "none.log" not in err
    assert not out.exists()


_WRONG_HINT = re.compile("pip install ['\"]?vigil(?![-\\w])|(?<![-\\w])vigil" + re.escape("[") + "[a-z]")


def test_every_install_hint_names_the_distribution() -> None:
    """`vigil` on PyPI is an unrelated project: hints say `vigil-monitoring[extra]`."""
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    wrong = []
    for name in listed:
        path = ROOT / name
        if path.suffix not in (".py", ".md", ".tmpl", ".toml", ".yml", ".yaml", ".txt", ".part") or not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if _WRONG_HINT.search(line):
                wrong.append(f"{name}:{number}: {line.strip()}")
    assert not wrong, "install hints that install the unrelated `vigil` project:\n" + "\n".join(wrong)


def test_every_log_group_gets_error_tracking(tmp_path: Path) -> None:
    """The shipped catalog's and every `vigil init` kind's log groups count errors and list new fingerprints."""
    create_project(tmp_path / "p", ["api", "settle:queue-worker", "nightly:scheduled-job"])
    for root in (ROOT, tmp_path / "p"):
        project = load_project(root, stack="dev").project
        for namespace, spec in project.namespaces.items():
            assert spec.log_group is not None, namespace
            assert {"error-total", "errors-by-type"} <= set(spec.log_group.metric_filters), namespace
            assert "new-error-fingerprints" in spec.log_group.queries, namespace
