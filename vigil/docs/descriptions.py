"""Alarm descriptions (the first thing a notification shows) state durations the plan deploys.

A description that says "for 10 minutes" must name a duration the alarm evaluates in every stack: its period,
its evaluation window (periods x period) or its datapoints to alarm x period. Thresholds are written with
``${threshold}`` and composite rules with ``${rule}``, which the plan fills in per stack.

Example::

    >>> durations_in("More than 5 % of jobs failed in 5 minutes (2 of the last 3 minutes)")
    [('5 minutes', 300), ('3 minutes', 180)]
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from vigil.docs.stacks import StackView
from vigil.docs.triggers import duration
from vigil.spec.errors import SpecError

_DURATION = re.compile(r"\b(\d+)\s*(seconds?|minutes?|min|hours?|days?)\b", re.IGNORECASE)
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}
#: Alarms Vigil writes itself (SLO windows, delivery failures): their descriptions are generated.
_GENERATED_KINDS = frozenset({"slo-window", "delivery"})


def durations_in(text: str) -> list[tuple[str, int]]:
    """``(as written, seconds)`` of every duration in ``text``."""
    return [(m.group(0), int(m.group(1)) * _UNIT[m.group(2)[0].lower()]) for m in _DURATION.finditer(text)]


def check_descriptions(views: Sequence[StackView]) -> list[SpecError]:
    """A description duration that some stack's alarm does not evaluate, at the description's line."""
    errors: dict[tuple[str, str], SpecError] = {}
    for view in views:
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
