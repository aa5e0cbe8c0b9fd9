"""When a composite alarm with an actions suppressor really notifies (CloudWatch's alarm suppression).

The API reference (CompositeAlarm: ActionsSuppressor, ActionsSuppressorWaitPeriod, ActionsSuppressorExtensionPeriod,
ActionsSuppressedBy) defines three suppressed phases: while the suppressor is in ALARM; for up to the wait period
after the composite goes to ALARM, waiting for the suppressor to go into ALARM ("after this time, the composite
alarm performs its actions"); and for the extension period after the suppressor leaves ALARM. So a composite that
is not suppressed still notifies only once its wait period has passed, if it is still in ALARM then.

>>> from vigil.emulator.timeline import AlarmTimeline
>>> composite = AlarmTimeline("c", "composite", "P1", times=[0, 60, 600], states=["OK", "ALARM", "ALARM"])
>>> quiet = AlarmTimeline("s", "static", "P1", times=[0], states=["OK"])
>>> action_time(60, composite, quiet, wait=120, extension=60)
180
>>> loud = AlarmTimeline("s", "static", "P1", times=[0, 120, 300], states=["OK", "ALARM", "OK"])
>>> action_time(60, composite, loud, wait=120, extension=60)
360
"""

from __future__ import annotations

from vigil.emulator.timeline import AlarmTimeline


def _alarm_spans(timeline: AlarmTimeline) -> list[tuple[int, float]]:
    """``(entered, left)`` of every stretch the timeline spent in ALARM (left = inf while it lasts)."""
    spans: list[tuple[int, float]] = []
    start: int | None = None
    for time, state in zip(timeline.times, timeline.states, strict=True):
        if state == "ALARM" and start is None:
            start = time
        elif state != "ALARM" and start is not None:
            spans.append((start, time))
            start = None
    if start is not None:
        spans.append((start, float("inf")))
    return spans


def action_time(
    went_to_alarm: int, composite: AlarmTimeline, suppressor: AlarmTimeline, *, wait: int, extension: int
) -> int | None:
    """When the composite's ALARM actions run for its transition at ``went_to_alarm``; None when they never do."""
    spans = _alarm_spans(suppressor)
    candidate: float = went_to_alarm + wait
    for entered, left in spans:
        if left + extension <= went_to_alarm:
            continue  # over before the composite fired
        if entered <= went_to_alarm + wait:
            candidate = max(candidate, left + extension)
    if candidate == float("inf"):
        return None
    moment = int(candidate)
    # The actions run only if the composite is still in ALARM (and has not re-entered it) at that moment.
    for time, state in zip(composite.times, composite.states, strict=True):
        if went_to_alarm < time <= moment and state != "ALARM":
            return None
    return moment
