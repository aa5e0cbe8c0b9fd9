"""Errors of ``vigil.report``."""

from __future__ import annotations


class ReportError(Exception):
    """A picture or the report could not be written (matplotlib missing, unwritable directory)."""
