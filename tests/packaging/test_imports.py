"""Nothing imports the top-level ``components`` package: installed, the components exist only as vigil.components.

The repository keeps ``components/`` at the top (setup.py maps it to ``vigil.components``); inside it modules import each
other relatively, so the same files work under both names, and everything else imports ``vigil.components``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIX = (
    "sed -i -E 's/^from components\\.([a-z_]+) import/from .\\1 import/' components/*.py && "
    "sed -i -E 's/\\bfrom components\\.([a-z_]+) import/from vigil.components.\\1 import/' "
    "$(git grep -lE 'from components\\.' -- vigil stacks tests examples benchmarks)"
)


def _imported(node: ast.AST) -> list[str]:
    """Absolute module names an import statement names (relative imports are not the top-level package)."""
    if isinstance(node, ast.ImportFrom):
        return [node.module or ""] if node.level == 0 else []
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    return []


def _top_level_components_imports(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        node.lineno  # type: ignore[attr-defined]
        for node in ast.walk(tree)
        if any(name.split(".")[0] == "components" for name in _imported(node))
    ]


def test_no_code_imports_the_top_level_components_package() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for folder in ("vigil", "components", "stacks", "examples", "benchmarks", "tests")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "vigil/components" not in path.relative_to(ROOT).as_posix()
        for line in _top_level_components_imports(path)
    ]
    assert not offenders, (
        "these import `components`, which the installed wheel does not have (it is `vigil.components`): "
        f"{', '.join(offenders)}. Fix: {FIX}"
    )
