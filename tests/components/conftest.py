"""Component tests use the plan tests' fixture project (``tests/plan/plan_fixture.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plan"))
