"""Offline CloudWatch alarm semantics: alarm unit tests (``vigil test``) and backtests, read from the plan.

Pure: no boto3 and no pulumi at import. The pieces:

- :mod:`vigil.evaluate.store`: raw samples per metric at CloudWatch's storage resolution, and the datapoints
  an alarm reads from them for any statistic and period;
- :mod:`vigil.evaluate.alarm`: the metric alarm state machine (evaluation range, M out of N, the four
  treat-missing-data modes);
- :mod:`vigil.evaluate.composite`: composite alarm rules;
- :mod:`vigil.evaluate.anomaly`: anomaly bands (a documented approximation);
- :mod:`vigil.evaluate.engine`: every alarm of a plan over a time range;
- :mod:`vigil.evaluate.statistics`: one period's datapoint for every statistic ``vigil check`` accepts;
- :mod:`vigil.evaluate.mathexpr`: metric math over aligned series (``evaluate_math``).

Example::

    >>> from vigil.evaluate import MetricKey, MetricStore, evaluate_alarms
    >>> from vigil.plan.stack import load_stack_plan
    >>> plan = load_stack_plan(".", "dev").plan  # doctest: +SKIP
    >>> result = evaluate_alarms(plan.alarms, MetricStore(), 0, 3600)  # doctest: +SKIP
"""

from __future__ import annotations

from vigil.evaluate.alarm import State
from vigil.evaluate.engine import evaluate_alarms
from vigil.evaluate.errors import EvaluateError
from vigil.evaluate.mathexpr import evaluate as evaluate_math
from vigil.evaluate.statistics import aggregate
from vigil.evaluate.store import MetricKey, MetricStore
from vigil.evaluate.timeline import AlarmTimeline, Evaluation, Transition

__all__ = [
    "AlarmTimeline",
    "EvaluateError",
    "Evaluation",
    "MetricKey",
    "MetricStore",
    "State",
    "Transition",
    "aggregate",
    "evaluate_alarms",
    "evaluate_math",
]
