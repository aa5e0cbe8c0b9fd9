"""Alarm descriptions (the first thing a notification shows) state durations the plan deploys.

A description that says "for 10 minutes" (a window: after for, in, over, within or last) must name a duration the alarm evaluates in every stack: its period,
its evaluation window (periods x period) or its datapoints to alarm x period. Thresholds are written with
``${threshold}`` and composite rules with ``${rule}``, which the plan fills in per stack.

Example::

    >>> durations_in("Jobs failed in 5 minutes (2 of the last 3 minutes); a run took longer than 15 minutes")
    [('in 5 minutes', 300), ('last 3 minutes', 180)]
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from vigil.docs.stacks import StackView
from vigil.docs.triggers import duration
from vigil.plan import CompositeAlarmPlan, MetricAlarmPlan
from vigil.spec.errors import SpecError

#: A window: "for 10 minutes", "in 5 minutes", "over 1 hour", "of the last 3 minutes" (not "longer than 15 minutes",
#: which is a threshold, not a window).
_DURATION = re.compile(
    r"\b(?:for|in|over|within|last)\s+(?:the\s+)?(\d+)\s*(seconds?|minutes?|min|hours?|days?)\b", re.IGNORECASE
)
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}
#: Alarms Vigil writes itself (SLO windows, delivery failures): their descriptions are generated.
_GENERATED_KINDS = frozenset({"slo-window", "delivery"})


def durations_in(text: str) -> list[tuple[str, int]]:
    """``(as written, seconds)`` of every duration in ``text``."""
    return [(m.group(0), int(m.group(1)) * _UNIT[m.group(2)[0].lower()]) for m in _DURATION.finditer(text)]


def check_descriptions(views: Sequence[StackView]) -> list[SpecError]:
    """A description duration that some stack's alarm does not evaluate, and a description the plan had to cut
    at CloudWatch's 1,024 characters, at the description's line."""
    errors: dict[tuple[str, str], SpecError] = {}
    for view in views:
        for name, message in _cut(view):
            if view.sources is not None and (name, "cut") not in errors:
                errors[(name, "cut")] = view.sources.error("alarm", name, ("description",), message)
        for alarm in view.plan.alarms.metric_alarms:
            if alarm.kind in _GENERATED_KINDS or view.sources is None:
                continue
            name = view.short(alarm.name)
            period = (
                alarm.metric.period
                if alarm.metric
                else next((q.metric.period for q in alarm.metric_queries if q.metric), 60)
            )
            allowed = {period, period * alarm.evaluation_periods, period * (alarm.datapoints_to_alarm or 1)}
            text = view.project.alarms[name].description if name in view.project.alarms else ""
            for written, seconds in durations_in(text):
                if seconds in allowed or (name, written) in errors:
                    continue
                shown = ", ".join(duration(s) for s in sorted(allowed))
                errors[(name, written)] = view.sources.error(
                    "alarm",
                    name,
                    ("description",),
                    f"says '{written}', but in stack {view.stack} the alarm evaluates {shown} (period, datapoints, "
                    "window); fix the description",
                )
    return list(errors.values())


def _cut(view: StackView) -> list[tuple[str, str]]:
    """Alarms whose planned description ends cut with '…' (text, rendered rule and links over 1,024 characters)."""
    out: list[tuple[str, str]] = []
    planned: list[MetricAlarmPlan | CompositeAlarmPlan] = [*view.plan.alarms.metric_alarms]
    planned += view.plan.alarms.composite_alarms
    for alarm in planned:
        name = view.short(alarm.name)
        spec = view.project.alarms.get(name)
        if spec is None or "…" not in alarm.description or "…" in spec.description:
            continue
        out.append(
            (
                name,
                f"in stack {view.stack} the description with its rendered values and links is over CloudWatch's "
                "1,024 characters and is cut ('…'); shorten it (or drop ${rule}: the runbook states the rule)",
            )
        )
    return out
