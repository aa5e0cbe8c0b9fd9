"""Errors of the offline evaluator."""

from __future__ import annotations


class EvaluateError(Exception):
    """An alarm, expression or test that cannot be evaluated (the message says why and what to change)."""
