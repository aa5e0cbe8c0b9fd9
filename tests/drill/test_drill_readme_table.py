"""The README's table of the shipped catalog's drill is what the command it names prints today: an alarm change that
moves a number makes this test fail until the table (and docs/alerting-design.md) are measured again."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from pathlib import Path

from vigil.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def _readme_drill() -> tuple[list[str], list[str]]:
    """The drill command the README names (in backticks) and the lines of the table that follows it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Measured: alerts on faults nobody tuned them on") :]
    command = re.search(r"`(vigil drill [^`]+)`", section)
    assert command is not None, "the README names the drill command that measured its table"
    block = re.search(r"```text\n(.*?)```", section, re.S)
    assert block is not None
    return shlex.split(command.group(1)), [line for line in block.group(1).splitlines() if line.strip()]


def test_the_readme_table_is_what_its_drill_prints_today() -> None:
    argv, table = _readme_drill()
    assert argv[:2] == ["vigil", "drill"]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        main([*argv[1:], "--project", str(ROOT)])
    printed = [line for line in out.getvalue().splitlines() if line.strip()]
    start = printed.index(table[0])
    assert printed[start : start + len(table)] == table
