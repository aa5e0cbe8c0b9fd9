"""Errors of the backtester: every message names the file (and line) and says how to fix it."""

from __future__ import annotations

from vigil.emulator.errors import EvaluateError


class BacktestError(EvaluateError):
    """Input that cannot be backtested: an unreadable log file, a bad incidents file, a bad time range."""


class LogReadError(BacktestError):
    """A log file that cannot be read (missing, not a file, broken gzip, truncated export)."""


class IncidentsError(BacktestError):
    """An incidents file that is not a YAML list of ``{name, start, end}``."""


class CloudWatchFetchError(BacktestError):
    """GetMetricData failed for a reason retrying does not fix (credentials, endpoint, bad query)."""
