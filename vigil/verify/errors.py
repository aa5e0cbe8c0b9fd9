"""Errors of ``vigil.verify``: what failed, against which endpoint, and what to do about it."""

from __future__ import annotations


class VerifyError(Exception):
    """A deployed stack could not be read or changed (bad endpoint, missing credentials, unknown alarm)."""


class UnknownAlarmError(VerifyError):
    """``vigil fire`` was given an alarm name that the stack's plan does not have."""
