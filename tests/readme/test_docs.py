"""The documentation site: every page's shell and Python snippets run as written (each page top to bottom, in its
own scratch copy of the repository), and ``mkdocs build --strict`` passes (no broken link, no page left out of
the nav, no stale generated reference: the CLI and spec references are generated at build time).

Conventions for writing blocks: ``readme_blocks`` and docs/contributing.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from readme_blocks import NO_RUN, parse_blocks
from readme_runner import copy_repository, run_all

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in DOCS.rglob("*.md"))

#: Blocks shown but not run, by page and command (the first two words of the block's first line, without
#: ``.venv/bin/``); each one's reason is next to its fence. Adding one is a decision, so this test lists them.
ALLOWED_NO_RUN = {
    ("docs/recipes/deploy.md", "pulumi login"),  # the Pulumi CLI and AWS credentials do not exist here
    ("docs/recipes/pagerduty.md", "pulumi config"),  # the same
    ("docs/getting-started.md", "make demo"),  # make test runs this test: it would recurse; the demo has its own test
    ("docs/getting-started.md", "pip install"),  # installs into the reader's own environment
    ("docs/contributing.md", "mkdocs serve"),  # a server that runs until stopped
    ("docs/drill.md", "vigil drill"),  # the acceptance run takes minutes; the other needs the reader's logs
    ("docs/alerting-design.md", "vigil drill"),  # the acceptance run takes minutes
}


def command_of(block_text: str) -> str:
    """The first two words of a block's first line, without ``.venv/bin/`` (``vigil drill``)."""
    first = block_text.strip().splitlines()[0].split("#")[0].strip().removeprefix(".venv/bin/")
    return " ".join(first.split()[:2])


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES)
def test_every_block_of_the_page_runs(page: str, tmp_path: Path) -> None:
    blocks = parse_blocks((ROOT / page).read_text(encoding="utf-8"), page)
    if not any(b.runs or b.file_target for b in blocks):
        pytest.skip(f"{page} has no runnable block")
    copy = copy_repository(ROOT, tmp_path / "vigil")
    failures = run_all(blocks, copy, page)
    assert not failures, f"{page}: blocks that fail as written:\n\n" + "\n\n".join(map(str, failures))


def test_no_run_blocks_are_the_known_few() -> None:
    skipped = {
        (page, command_of(b.text)): b
        for page in PAGES
        for b in parse_blocks((ROOT / page).read_text(encoding="utf-8"), page)
        if b.kind and NO_RUN in b.tags
    }
    unexpected = sorted(key for key in skipped if key not in ALLOWED_NO_RUN)
    assert not unexpected, (
        f"blocks marked {NO_RUN} that are not in ALLOWED_NO_RUN: {unexpected}; make them run here, or add them to "
        "ALLOWED_NO_RUN in tests/readme/test_docs.py with the reason"
    )
    assert all(b.reason for b in skipped.values())


@pytest.mark.slow
def test_the_site_builds_strict(tmp_path: Path) -> None:
    done = subprocess.run(
        [Path(sys.executable).parent / "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stderr[-5000:]
    assert (tmp_path / "site" / "reference" / "cli" / "index.html").is_file()
    cli = (tmp_path / "site" / "reference" / "cli" / "index.html").read_text()
    assert "vigil init" in cli
    assert "--vigil-source" in cli


def test_every_command_runs_somewhere_in_the_docs() -> None:
    """Each `vigil` sub-command is run by a block of the README or a docs page, so its documentation is tested."""
    from vigil.cli.main import COMMANDS

    text = "".join(
        b.text
        for page in ["README.md", *PAGES]
        for b in parse_blocks((ROOT / page).read_text(encoding="utf-8"), page)
        if b.runs
    )
    missing = [c for c in COMMANDS if f"vigil {c}" not in text]
    assert not missing, f"no README or docs block runs: {', '.join('vigil ' + c for c in missing)}"


def test_fence_info_strings_have_no_backticks() -> None:
    """CommonMark ends a backtick fence's info string at a backtick: the block would render as inline code."""
    bad = [
        f"{page}:{b.line}"
        for page in ["README.md", *PAGES]
        for b in parse_blocks((ROOT / page).read_text(encoding="utf-8"), page)
        if "`" in b.reason or any("`" in t for t in b.tags)
    ]
    assert not bad, f"fences whose info string has a backtick: {bad}"
