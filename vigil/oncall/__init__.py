"""On-call health from CloudWatch's real alarm history: ``vigil oncall-report``.

Pages per week, time in ALARM, MTTR, noisiest and flapping alarms, and (with an incidents file) MTTD and false
pages, for the alarms of one stack, read with ``DescribeAlarmHistory``.

Example::

    >>> from vigil.oncall import Transition, summarise
    >>> t = [Transition("api", 0, "OK", "ALARM"), Transition("api", 300, "ALARM", "OK")]
    >>> summarise(t, start=0, end=86400, paging={"api"}, notifying={"api"}, names={"api"}).mttr_s
    300.0
"""

from __future__ import annotations

from vigil.oncall.errors import HistoryFetchError, OncallError
from vigil.oncall.history import History, Transition, fetch_transitions, make_client, parse_item
from vigil.oncall.render import render_text
from vigil.oncall.report import AlarmHealth, IncidentDetection, OncallReport, summarise

__all__ = [
    "AlarmHealth",
    "History",
    "HistoryFetchError",
    "IncidentDetection",
    "OncallError",
    "OncallReport",
    "Transition",
    "fetch_transitions",
    "make_client",
    "parse_item",
    "render_text",
    "summarise",
]
