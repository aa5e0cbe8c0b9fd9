"""An offline CloudWatch: the alarm semantics ``vigil test``, ``vigil backtest`` and ``vigil drill`` share.

Pure: no boto3, no pulumi, no project files. It reads plan objects (:mod:`vigil.plan.types`) and samples, and
answers what CloudWatch would: the datapoints an alarm sees, its state at every evaluation, composite rules,
and when a suppressed composite really notifies. The pieces:

- :mod:`vigil.emulator.store`: raw samples per metric at CloudWatch's storage resolution, and the datapoints
  an alarm reads from them for any statistic and period;
- :mod:`vigil.emulator.statistics`: one period's datapoint for every statistic ``vigil check`` accepts;
- :mod:`vigil.emulator.mathexpr`: metric math over aligned series (:func:`evaluate_math`);
- :mod:`vigil.emulator.alarm`: the metric alarm state machine (evaluation range, M out of N, the four
  treat-missing-data modes);
- :mod:`vigil.emulator.composite`: composite alarm rules (:func:`parse_rule`);
- :mod:`vigil.emulator.anomaly`: anomaly bands (a documented approximation);
- :mod:`vigil.emulator.suppression`: composite actions suppression (:func:`action_time`);
- :mod:`vigil.emulator.logfilter`: CloudWatch Logs filter patterns and metric filters;
- :mod:`vigil.emulator.engine`: every alarm of a plan over a time range (:func:`evaluate_alarms`).

Example (a 3-of-3 alarm over errors that start at minute 4)::

    >>> from vigil.emulator import MetricKey, MetricStore, evaluate_alarms
    >>> from vigil.plan.types import AlarmsPlan, MetricAlarmPlan, MetricStatPlan, NO_ACTIONS
    >>> from vigil.spec.models.common import Severity
    >>> metric = MetricStatPlan("N", "errors", {}, 60, "Sum")
    >>> alarm = MetricAlarmPlan("errors-high", "static", Severity.P1, "", "GreaterThanThreshold", 3, 3,
    ...                         "missing", NO_ACTIONS, threshold=5, metric=metric, statistic="Sum")
    >>> store = MetricStore()
    >>> for minute in range(10):
    ...     store.add(MetricKey.of("N", "errors", {}), minute * 60, 10.0 if minute >= 4 else 1.0)
    >>> result = evaluate_alarms(AlarmsPlan((alarm,), ()), store, 0, 600)
    >>> result.timelines["errors-high"].state_at(600)
    'ALARM'
    >>> aggregate([120.0, 180.0, 240.0, 6200.0], "IQM")
    210.0
"""

from __future__ import annotations

from vigil.emulator.alarm import State, decide
from vigil.emulator.composite import Rule, parse_rule
from vigil.emulator.engine import alarm_period, evaluate_alarms, evaluate_composite, evaluate_metric_alarm
from vigil.emulator.errors import EvaluateError
from vigil.emulator.logfilter import compile_metric_filter, compile_pattern
from vigil.emulator.mathexpr import evaluate as evaluate_math
from vigil.emulator.statistics import aggregate
from vigil.emulator.store import MetricKey, MetricStore
from vigil.emulator.suppression import action_time
from vigil.emulator.timeline import AlarmTimeline, Evaluation, Transition

__all__ = [
    "AlarmTimeline",
    "EvaluateError",
    "Evaluation",
    "MetricKey",
    "MetricStore",
    "Rule",
    "State",
    "Transition",
    "action_time",
    "aggregate",
    "alarm_period",
    "compile_metric_filter",
    "compile_pattern",
    "decide",
    "evaluate_alarms",
    "evaluate_composite",
    "evaluate_math",
    "evaluate_metric_alarm",
    "parse_rule",
]
