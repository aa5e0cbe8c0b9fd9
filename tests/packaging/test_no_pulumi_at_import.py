"""An application can install ``vigil`` without the Pulumi SDK: importing any module of ``vigil`` outside
``vigil.preview`` and ``vigil.components`` (which build resources) loads neither ``pulumi`` nor ``pulumi_aws``.

import-linter's ``no-pulumi`` contract forbids the direct imports; this test runs the imports and looks at
``sys.modules``, so a module-level import reached through any chain is caught too.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import importlib, pkgutil, sys
import vigil
names = [i.name for i in pkgutil.walk_packages(vigil.__path__, "vigil.")
         if not i.name.startswith(("vigil.preview", "vigil.components"))]
for name in names:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("pulumi", "pulumi_aws"))
print(len(names), ",".join(loaded[:5]))
"""


def test_importing_vigil_loads_no_pulumi() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, check=True, timeout=300
    ).stdout.split()
    assert int(out[0]) >= 200
    assert out[1:] == [], f"these vigil imports load pulumi at module level: {out[1:]}"
