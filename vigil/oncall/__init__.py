"""On-call health from real alarm history (CloudWatch DescribeAlarmHistory): seed 004's success metrics.

:func:`summarize` turns state-change history items into a report (pages per week, time to resolve, detection
delay, noisiest and flapping alarms); :func:`fetch_history` reads them from CloudWatch. ``vigil oncall-report``
runs both for a stack's planned alarms.
"""

from __future__ import annotations

from vigil.oncall.report import AlarmHealth, OncallReport, StateChange, parse_history_item, summarize

__all__ = ["AlarmHealth", "OncallReport", "StateChange", "parse_history_item", "summarize"]
