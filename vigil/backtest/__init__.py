"""``vigil backtest``: replay logs or CloudWatch history through every alarm of a stack.

- :mod:`.sources`: log events from plain files, JSON lines and CloudWatch Logs exports (gzip or not);
- :mod:`.emf`: metrics from EMF events exactly as CloudWatch extracts them, refusals counted by reason;
- :mod:`.filters`: the stack's metric filters applied to JSON log events;
- :mod:`.ingest`: the streaming reader filling a :class:`~vigil.emulator.store.MetricStore`;
- :mod:`.cloudwatch`: the same store filled from GetMetricData (boto3, imported lazily);
- :mod:`.report`: pages, incidents, the JSON contract and the text summary;
- :mod:`.plots`: one PNG per alarm and an ``index.html`` (matplotlib, the ``plot`` extra).

Example::

    >>> from vigil.backtest import backtest_logs, load_incidents
    >>> from vigil.plan.stack import load_stack_plan
    >>> result = backtest_logs(load_stack_plan(".", "dev").plan, ["week.log"], load_incidents("incidents.yaml"))  # doctest: +SKIP
"""

from __future__ import annotations

from vigil.backtest.errors import BacktestError, IncidentsError, LogReadError
from vigil.backtest.incidents import Incident, load_incidents, parse_time
from vigil.backtest.ingest import IngestStats, ingest
from vigil.backtest.report import BacktestResult, render_text
from vigil.backtest.run import backtest_logs, evaluate_store, wanted_keys
from vigil.emulator.notifications import pages_someone

__all__ = [
    "BacktestError",
    "BacktestResult",
    "Incident",
    "IncidentsError",
    "IngestStats",
    "LogReadError",
    "backtest_logs",
    "evaluate_store",
    "ingest",
    "load_incidents",
    "pages_someone",
    "parse_time",
    "render_text",
    "wanted_keys",
]
