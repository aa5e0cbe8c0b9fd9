"""A copy of the files git knows, for tests that build this project (pip builds a local directory in place and
leaves ``build/`` and ``*.egg-info`` there, whose metadata would then shadow the editable install's)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def copy_tracked(dest: Path) -> Path:
    """Copy the files git knows (tracked, or new and not ignored) into ``dest``; symlinks stay symlinks."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source, target = ROOT / name, dest / name
        if source.exists() or source.is_symlink():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target, follow_symlinks=False)
    return dest
