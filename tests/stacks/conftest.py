"""Stack tests run the real ``stacks/__main__.py`` under the mock engine used by the component tests."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "components"))
