"""The one table of CloudWatch, X-Ray and EMF limits, read by ``vigil check`` (``vigil.spec.rules``) and the plan.

Each limit is a :class:`Limit` with its value, what it bounds and where AWS documents it, so a check and the plan
can never disagree about a number again (``check`` allowed 500 metrics per widget while the plan refused 100).
Rules that need a name or a body only the plan derives (an X-Ray group name, a rendered dashboard body) are
enforced while planning, with the same :class:`Limit`, and reported by ``vigil check`` at the spec's line.

>>> WIDGET_METRICS.value, DASHBOARD_METRICS.value, XRAY_NAME.value
(500, 2500, 32)
>>> print(WIDGET_METRICS.exceeded(501, "metrics in one graph widget"))
501 metrics in one graph widget; CloudWatch allows at most 500 metrics per dashboard widget
"""

from __future__ import annotations

from dataclasses import dataclass

QUOTAS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html"
DASHBOARD_BODY = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html"
)
PUT_ALARM = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html"
PUT_COMPOSITE = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html"
EMF_SPEC = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html"
METRIC_FILTER = "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_MetricTransformation.html"
XRAY_GROUP = "https://docs.aws.amazon.com/xray/latest/api/API_CreateGroup.html"


@dataclass(frozen=True)
class Limit:
    """A hard limit: at most ``value`` of ``unit``; ``source`` is where it is documented (or ``vigil``)."""

    value: int
    unit: str
    source: str
    owner: str = "CloudWatch"

    def exceeded(self, count: int, what: str) -> str | None:
        """The message for ``count`` of ``what`` when it is over the limit, else None.

        >>> ALARM_DESCRIPTION.exceeded(10, "characters") is None
        True
        """
        if count <= self.value:
            return None
        return f"{count} {what}; {self.owner} allows at most {self.value:,} {self.unit}"


#: CloudWatch quotas page: "Up to 500 widgets per dashboard. Up to 500 metrics per dashboard widget.
#: Up to 2,500 metrics per dashboard, across all widgets."
DASHBOARD_WIDGETS = Limit(500, "widgets per dashboard", QUOTAS)
WIDGET_METRICS = Limit(500, "metrics per dashboard widget", QUOTAS)
DASHBOARD_METRICS = Limit(2500, "metrics per dashboard, across all widgets", QUOTAS)
#: Not a CloudWatch limit: Vigil keeps a single-value or gauge widget readable (CloudWatch would take 500).
SINGLE_VALUE_METRICS = Limit(100, "metrics per single-value or gauge widget", "vigil", owner="Vigil")
#: Vigil's bound on an alarm status widget's alarms (each is a tile; CloudWatch documents no number).
ALARM_WIDGET_ALARMS = Limit(100, "alarms per alarm status widget", "vigil", owner="Vigil")
#: PutDashboard's DashboardBody (Vigil renders compact JSON and counts UTF-8 bytes).
DASHBOARD_BODY_BYTES = Limit(1_000_000, "bytes of dashboard body", DASHBOARD_BODY)
#: PutMetricAlarm / PutCompositeAlarm AlarmDescription.
ALARM_DESCRIPTION = Limit(1024, "characters of alarm description", PUT_ALARM)
#: PutCompositeAlarm AlarmRule, the alarms one rule names, the rules one alarm appears in.
ALARM_RULE_LENGTH = Limit(10_240, "characters of composite alarm rule", PUT_COMPOSITE)
ALARM_RULE_ALARMS = Limit(100, "alarms named by one composite rule", PUT_COMPOSITE)
ALARM_PARENTS = Limit(150, "composite rules one alarm appears in", PUT_COMPOSITE)
#: EMF: dimensions per dimension set, metrics per event.
EMF_DIMENSIONS = Limit(30, "dimensions per dimension set", EMF_SPEC, owner="EMF")
EMF_METRICS = Limit(100, "metrics per EMF event", EMF_SPEC, owner="EMF")
#: A metric filter's metric transformation.
FILTER_DIMENSIONS = Limit(3, "dimensions per metric filter", METRIC_FILTER, owner="CloudWatch Logs")
#: X-Ray sampling rule names (RuleName) and group names (GroupName): 1-32 characters.
XRAY_NAME = Limit(32, "characters in a sampling rule or group name", XRAY_GROUP, owner="X-Ray")


def widget_metrics(widget_type: str) -> Limit:
    """The metrics limit of a widget type (``graph``: CloudWatch's 500; single-value and gauge: Vigil's 100).

    >>> widget_metrics("graph").value, widget_metrics("single_value").value
    (500, 100)
    """
    return WIDGET_METRICS if widget_type == "graph" else SINGLE_VALUE_METRICS


#: Limits on what only the plan derives (a physical name, a rendered body): the plan enforces them and ``vigil
#: check`` reports its located error. Every other limit is checked on the specs before planning.
PLAN_ONLY: tuple[Limit, ...] = (XRAY_NAME, DASHBOARD_BODY_BYTES)

#: Every limit, by name (the docs page lists this table).
LIMITS: dict[str, Limit] = {
    name: value for name, value in sorted(globals().items()) if isinstance(value, Limit) and name.isupper()
}
