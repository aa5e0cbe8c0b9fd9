"""The Pulumi program: plan this stack through the one entry point, build it, export its outputs.

``VIGIL_PROJECT_DIR`` points at another project directory (``vigil preview`` and the benchmarks use it);
by default the project is the repository this file lives in. ``vigil preview`` has already loaded and planned
the stack and passes it in as ``VIGIL_PRELOADED`` so a preview does not parse the YAML twice.
The body is :func:`vigil.components.program.build`, shared with the program ``vigil init`` writes.
"""

from __future__ import annotations

import os
from pathlib import Path

from vigil.components.program import build

project_dir = Path(os.environ.get("VIGIL_PROJECT_DIR") or Path(__file__).resolve().parent.parent)
build(project_dir, globals().get("VIGIL_PRELOADED"))
