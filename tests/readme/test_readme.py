"""Every shell command and Python snippet of README.md runs verbatim, top to bottom, as a reader would.

The blocks run in a scratch copy of the repository (files git knows, ``.venv`` linked), so a block that creates
files cannot dirty the checkout. A failure names the README line of the block, its exit code and its output.
Conventions for writing blocks: ``readme_blocks`` and the README's "Conventions of this README".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from readme_blocks import NO_RUN, parse_blocks
from readme_runner import copy_repository, run_all

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

#: Blocks that are shown but not run; each one's reason is in the README next to the fence. Adding one is a
#: decision, so this test lists them by their first line.
ALLOWED_NO_RUN = {
    "make demo",  # make test runs this test: the block would recurse; make demo has its own test
}
#: The README is a front page: the reference and the tutorials live in docs/ (tests/readme/test_docs.py).
MAX_LINES = 200


@pytest.mark.slow
def test_every_readme_block_runs(tmp_path: Path) -> None:
    blocks = parse_blocks(README.read_text(encoding="utf-8"))
    copy = copy_repository(ROOT, tmp_path / "vigil")
    failures = run_all(blocks, copy)
    assert not failures, "README blocks that fail as written:\n\n" + "\n\n".join(map(str, failures))


def test_no_run_blocks_are_the_known_few() -> None:
    blocks = parse_blocks(README.read_text(encoding="utf-8"))
    skipped = {b.text.strip().splitlines()[0].split("#")[0].strip(): b for b in blocks if b.kind and NO_RUN in b.tags}
    unexpected = {first: b.where() for first, b in skipped.items() if first not in ALLOWED_NO_RUN}
    assert not unexpected, (
        f"README blocks marked {NO_RUN} that are not in ALLOWED_NO_RUN: {unexpected}; make them run here, or add "
        "them to ALLOWED_NO_RUN in tests/readme/test_readme.py with the reason"
    )
    assert all(b.reason for b in skipped.values())


def test_readme_is_a_short_front_page() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) < MAX_LINES, f"README.md has {len(lines)} lines: move reference and tutorials into docs/"
    text = "".join(b.text for b in parse_blocks("\n".join(lines)) if b.runs)
    for command in ("vigil init", "vigil check", "vigil test", "vigil preview"):
        assert command in text, f"no README block runs `{command}`"
