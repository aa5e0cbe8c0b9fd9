"""Errors of ``vigil oncall-report``: each names what is wrong and how to fix it."""

from __future__ import annotations


class OncallError(Exception):
    """Input or AWS trouble that ends the report: a bad time range, an endpoint without alarm history."""


class HistoryFetchError(OncallError):
    """DescribeAlarmHistory failed for a reason retrying does not fix (credentials, endpoint, unsupported call)."""
