"""Fixtures of the docs tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from project_copy import copy_shipped


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """The shipped project (specs, runbooks, stacks and the catalog reference) under ``tmp_path``."""
    return copy_shipped(tmp_path)
