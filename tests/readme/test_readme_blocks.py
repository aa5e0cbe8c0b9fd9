"""The README block parser and runner: fences, tags, line numbers, and failure messages that point at the block."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from readme_blocks import Block, ReadmeFormatError, parse_blocks
from readme_runner import run_all, run_block


def test_lines_languages_and_tags() -> None:
    text = "# T\n\n```sh\necho a\n```\n\ntext\n````python no-run: needs AWS\nprint(1)\n````\n```yaml\nx: 1\n```\n"
    blocks = parse_blocks(text)
    assert [(b.line, b.lang, b.tags, b.runs) for b in blocks] == [
        (3, "sh", (), True),
        (8, "python", ("no-run",), False),
        (11, "yaml", (), False),
    ]
    assert blocks[1].reason == "needs AWS"
    assert blocks[0].text == "echo a\n"


def test_no_run_without_reason_is_an_error_naming_the_line() -> None:
    with pytest.raises(ReadmeFormatError, match=r"README.md:3: 'no-run' needs a reason"):
        parse_blocks("a\nb\n```sh no-run\nx\n```\n")


def test_unknown_tag_and_unclosed_fence_are_errors() -> None:
    with pytest.raises(ReadmeFormatError, match=r"README.md:1: unknown tag\(s\) norun"):
        parse_blocks("```sh norun\nx\n```\n")
    with pytest.raises(ReadmeFormatError, match=r"README.md:2: the ``` block opened here is never closed"):
        parse_blocks("x\n```sh\necho\n")


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["sh", "python", "yaml", "", "text"]),
            st.lists(st.text(alphabet="abc xyz=$()'\"#`", max_size=20).filter(lambda s: "```" not in s), max_size=4),
        ),
        max_size=5,
    )
)
def test_parse_finds_every_block_with_its_opening_line(spec: list[tuple[str, list[str]]]) -> None:
    lines: list[str] = ["intro"]
    expected: list[tuple[int, str, str]] = []
    for lang, body in spec:
        lines.append("")
        expected.append((len(lines) + 1, lang, "".join(b.strip("`") + "\n" for b in body)))
        lines.append(f"```{lang}")
        lines.extend(b.strip("`") for b in body)
        lines.append("```")
    blocks = parse_blocks("\n".join(lines) + "\n")
    assert [(b.line, b.lang, b.text) for b in blocks] == expected


def test_failure_names_the_line_exit_code_and_stderr(tmp_path: Path) -> None:
    block = Block(42, "sh", (), "echo fine\nls /no/such/dir\necho never\n")
    failure = run_block(block, tmp_path)
    assert failure is not None
    message = str(failure)
    assert message.startswith("README.md:42 (sh block): exit 2")
    assert "/no/such/dir" in message
    assert "fine" in message


def test_python_block_runs_with_the_venv_python(tmp_path: Path) -> None:
    (tmp_path / ".venv").symlink_to(Path(__import__("sys").prefix))
    assert run_block(Block(1, "python", (), "import vigil.cli.main\n"), tmp_path) is None
    failure = run_block(Block(7, "python", (), "run_job()\n"), tmp_path)
    assert failure is not None
    assert "NameError" in str(failure)
    assert "README.md:7" in str(failure)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_background_server_serves_the_following_blocks_and_is_stopped(tmp_path: Path) -> None:
    port = _free_port()
    serve = Block(1, "sh", ("background",), f"python3 -m http.server --bind 127.0.0.1 {port} # 127.0.0.1:{port}\n")
    fetch = Block(
        5, "sh", (), f"python3 -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:{port}/')\"\n"
    )
    assert run_all([serve, fetch], tmp_path) == []
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0, "the background server outlived the run"


def test_background_server_that_dies_is_reported(tmp_path: Path) -> None:
    port = _free_port()
    failures = run_all([Block(3, "sh", ("background",), f"echo boom >&2; exit 3 # --port {port}\n")], tmp_path)
    assert len(failures) == 1
    message = str(failures[0])
    assert "README.md:3" in message
    assert "exited (3)" in message
    assert "boom" in message
