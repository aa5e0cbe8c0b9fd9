"""CloudWatch's own SNS alarm notification: the JSON message and the subject, as CloudWatch sends them.

Shape (metric alarm): ``AlarmName``, ``AlarmDescription``, ``AWSAccountId``, ``AlarmConfigurationUpdatedTimestamp``,
``NewStateValue``, ``NewStateReason``, ``StateChangeTime`` (``2026-11-23T12:00:00.000+0000``), ``Region`` (the
region's long name, ``US East (N. Virginia)``), ``AlarmArn``, ``OldStateValue``, ``OKActions``, ``AlarmActions``,
``InsufficientDataActions`` and ``Trigger`` (``MetricName``, ``Namespace``, ``StatisticType``, ``Statistic`` in
capitals, ``Unit``, ``Dimensions`` as ``[{"value", "name"}]``, ``Period``, ``EvaluationPeriods``,
``DatapointsToAlarm``, ``ComparisonOperator``, ``Threshold``, ``TreatMissingData``,
``EvaluateLowSampleCountPercentile``; metric-math alarms carry ``Metrics`` instead of the metric fields).
Composite alarms carry ``AlarmRule`` and ``TriggeringChildren`` instead of ``Trigger``.
The subject is ``ALARM: "<name>" in <region long name>`` (at most 100 characters, as SNS allows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from vigil.plan.types import CompositeAlarmPlan, MetricAlarmPlan, MetricQueryPlan

Message = dict[str, Any]


def region_name(region: str) -> str:
    """The long name CloudWatch puts in ``Region`` and the subject (botocore's endpoint data).

    >>> region_name("us-east-1"), region_name("xx-nowhere-1")
    ('US East (N. Virginia)', 'xx-nowhere-1')
    """
    from botocore.loaders import Loader

    for partition in Loader().load_data("endpoints")["partitions"]:
        described = partition.get("regions", {}).get(region)
        if described and described.get("description"):
            return str(described["description"])
    return region


def cloudwatch_time(epoch: float) -> str:
    """``2026-11-23T12:00:00.000+0000``, CloudWatch's timestamp format in alarm messages.

    >>> cloudwatch_time(0)
    '1970-01-01T00:00:00.000+0000'
    """
    t = dt.datetime.fromtimestamp(epoch, tz=dt.UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}+0000"


def subject(state: str, alarm_name: str, region: str) -> str:
    """The subject CloudWatch gives the notification, cut to SNS's 100 characters.

    >>> subject("ALARM", "worker-down", "us-east-1")
    'ALARM: "worker-down" in US East (N. Virginia)'
    """
    return f'{state}: "{alarm_name}" in {region_name(region)}'[:100]


def _dimensions(pairs: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"value": v, "name": k} for k, v in sorted(pairs.items())]


def _query(q: MetricQueryPlan) -> dict[str, Any]:
    entry: dict[str, Any] = {"Id": q.id, "ReturnData": q.return_data}
    if q.expression is not None:
        entry["Expression"] = q.expression
    if q.label:
        entry["Label"] = q.label
    if q.metric is not None:
        m = q.metric
        metric = {"Dimensions": _dimensions(m.dimensions), "MetricName": m.metric_name, "Namespace": m.namespace}
        entry["MetricStat"] = {"Metric": metric, "Period": m.period, "Stat": m.stat}
    return entry


def trigger(alarm: MetricAlarmPlan) -> dict[str, Any]:
    """The ``Trigger`` object of a metric alarm's notification."""
    out: dict[str, Any] = {}
    if alarm.metric_queries:
        period = next((q.metric.period for q in alarm.metric_queries if q.metric is not None), 60)
        out["Metrics"] = [_query(q) for q in alarm.metric_queries]
        out["Period"] = period
    elif alarm.metric is not None:
        m = alarm.metric
        out.update(MetricName=m.metric_name, Namespace=m.namespace)
        if alarm.extended_statistic:
            out.update(StatisticType="ExtendedStatistic", ExtendedStatistic=alarm.extended_statistic)
        else:
            out.update(StatisticType="Statistic", Statistic=(alarm.statistic or "").upper())
        out.update(Unit=None, Dimensions=_dimensions(m.dimensions), Period=m.period)
    out.update(
        EvaluationPeriods=alarm.evaluation_periods,
        DatapointsToAlarm=alarm.datapoints_to_alarm or alarm.evaluation_periods,
    )
    out["ComparisonOperator"] = alarm.comparison_operator
    if alarm.threshold_metric_id:
        out["ThresholdMetricId"] = alarm.threshold_metric_id
    else:
        out["Threshold"] = alarm.threshold
    out.update(TreatMissingData=alarm.treat_missing_data, EvaluateLowSampleCountPercentile="")
    return out


def alarm_message(
    alarm: MetricAlarmPlan | CompositeAlarmPlan,
    *,
    region: str,
    account_id: str,
    old_state: str,
    new_state: str,
    reason: str,
    when: float,
    actions: Mapping[str, Sequence[str]],
    children_in_alarm: Sequence[str] = (),
) -> Message:
    """The notification CloudWatch publishes when ``alarm`` goes from ``old_state`` to ``new_state``.

    ``actions`` maps ``AlarmActions``/``OKActions``/``InsufficientDataActions`` to topic ARNs.

    >>> msg = alarm_message(alarm, region="us-east-1", account_id="123456789012", old_state="OK",  # doctest: +SKIP
    ...                     new_state="ALARM", reason="Threshold Crossed: ...", when=time.time(), actions={})
    >>> msg["Trigger"]["Statistic"]  # doctest: +SKIP
    'SUM'
    """
    arn = f"arn:aws:cloudwatch:{region}:{account_id}:alarm:{alarm.name}"
    message: Message = {
        "AlarmName": alarm.name,
        "AlarmDescription": alarm.description,
        "AWSAccountId": account_id,
        "AlarmConfigurationUpdatedTimestamp": cloudwatch_time(when),
        "NewStateValue": new_state,
        "NewStateReason": reason,
        "StateChangeTime": cloudwatch_time(when),
        "Region": region_name(region),
        "AlarmArn": arn,
        "OldStateValue": old_state,
        "OKActions": list(actions.get("OKActions", [])),
        "AlarmActions": list(actions.get("AlarmActions", [])),
        "InsufficientDataActions": list(actions.get("InsufficientDataActions", [])),
    }
    if isinstance(alarm, CompositeAlarmPlan):
        prefix = f"arn:aws:cloudwatch:{region}:{account_id}:alarm:"
        message["AlarmRule"] = alarm.alarm_rule
        message["TriggeringChildren"] = [
            {"Arn": prefix + child, "State": {"Value": "ALARM", "Timestamp": cloudwatch_time(when)}}
            for child in children_in_alarm
        ]
    else:
        message["Trigger"] = trigger(alarm)
    return message
