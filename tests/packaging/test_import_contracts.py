"""Every top-level package of ``vigil`` is placed by an import-linter contract (pyproject ``[tool.importlinter]``).

A new package that no contract names would be free to import anything; this test makes adding it to a layer (or to
the app side) part of adding it. ``make lint`` runs the contracts themselves (``lint-imports``).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def named_in_contracts() -> set[str]:
    """``vigil.<package>`` names that a layers contract or a forbidden contract's sources mention."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    names: set[str] = set()
    for contract in config["contracts"]:
        for entry in [*contract.get("layers", []), *contract.get("source_modules", [])]:
            names |= {m.group(1) for m in re.finditer(r"\b(vigil\.[a-z_]+)", entry)}
    return names


def test_every_vigil_package_is_in_a_contract() -> None:
    packages = {f"vigil.{p.name}" for p in (ROOT / "vigil").iterdir() if (p / "__init__.py").is_file()}
    missing = sorted(packages - named_in_contracts())
    assert missing == [], f"add these to a contract in pyproject.toml [tool.importlinter]: {missing}"
