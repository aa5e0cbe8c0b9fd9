"""No code guards an import of the project's own modules, and no test skips when one is missing.

An ``except ImportError`` around ``vigil.*`` (or ``components``) turned a broken module into a silently missing
feature (the budget check, naming, the collision check, the price column); ``importorskip`` of a first-party
module turned it into a skipped test. Optional third-party extras (boto3, matplotlib, orjson, OpenTelemetry,
the Grafana SDK) may still be guarded: those are what an install may lack.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIRST_PARTY = ("vigil", "components")
GUARDS = {"ImportError", "ModuleNotFoundError"}


def _python_files(*folders: str) -> Iterator[Path]:
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


def _imported(node: ast.AST) -> list[str]:
    """Modules a statement imports: ``import x``, ``from x import y`` (relative: ``.``), ``import_module("x")``."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        return ["." if node.level else node.module or ""]
    if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module":
        return [a.value for a in node.args[:1] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return []


def _first_party(name: str) -> bool:
    return name == "." or name.split(".")[0] in FIRST_PARTY


def _catches_import_errors(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(k, ast.Name) and k.id in GUARDS for k in kinds)


def guarded_first_party_imports(path: Path) -> list[str]:
    """``file:line module`` of every first-party import inside a ``try`` that catches ImportError."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Try) and any(_catches_import_errors(h) for h in node.handlers):
            for inner in (n for stmt in node.body for n in ast.walk(stmt)):
                found += [f"{path.relative_to(ROOT)}:{inner.lineno} {m}" for m in _imported(inner) if _first_party(m)]
    return found


def first_party_importorskips(path: Path) -> list[str]:
    """``file:line module`` of every ``pytest.importorskip`` of a first-party module."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "importorskip" and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and _first_party(arg.value):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {arg.value}")
    return found


def test_no_first_party_import_is_guarded() -> None:
    found = [
        hit for path in _python_files("vigil", "components", "stacks") for hit in guarded_first_party_imports(path)
    ]
    assert found == [], "import these directly (a broken module must fail loudly): " + ", ".join(found)


def test_no_test_skips_a_missing_first_party_module() -> None:
    found = [hit for path in _python_files("tests", "examples") for hit in first_party_importorskips(path)]
    assert found == [], "import these directly: " + ", ".join(found)


def test_the_scan_sees_a_guard() -> None:
    """The detector itself: a guarded first-party import is found, a guarded extra is not."""
    sample = ROOT / "tests" / "packaging" / "_guard_sample.py"
    source = (
        "try:\n    from vigil.cost import estimate\nexcept ImportError:\n    estimate = None\n"
        "try:\n    import orjson\nexcept ImportError:\n    orjson = None\n"
        "try:\n    m = importlib.import_module('vigil.x')\nexcept (ValueError, ModuleNotFoundError):\n    m = None\n"
    )
    sample.write_text(source)
    try:
        assert [h.split(" ")[1] for h in guarded_first_party_imports(sample)] == ["vigil.cost", "vigil.x"]
    finally:
        sample.unlink()
