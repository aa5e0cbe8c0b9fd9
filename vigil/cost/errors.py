"""Errors of the cost model."""

from __future__ import annotations


class CostError(Exception):
    """The price table is missing or malformed; the message names the file and the bad field."""
