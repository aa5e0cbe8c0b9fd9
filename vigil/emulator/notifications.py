"""Who is notified, and when: alarm actions run over an evaluation, with actions suppression; what a page is.

The one definition of a **page**, shared by ``vigil test`` and ``vigil backtest``: an alarm's transition to ALARM
whose ALARM actions run (the alarm has them; for a composite with an actions suppressor, at
:func:`~vigil.emulator.suppression.action_time`, or never) and go to a topic with a PagerDuty or SMS
subscription (:func:`pages_someone`). A **notification** is any action that runs: ALARM, OK or INSUFFICIENT_DATA
actions of the alarm's severity topic (Vigil plans no INSUFFICIENT_DATA actions, so that state notifies nobody).

Example::

    >>> from vigil.emulator.timeline import AlarmTimeline, Evaluation, Transition
    >>> from vigil.plan.types import ActionsPlan, AlarmsPlan, KmsKeyPlan, RoutingPlan, SubscriptionPlan, TopicPlan
    >>> from vigil.plan.types import MetricAlarmPlan
    >>> from vigil.spec.models.common import Severity
    >>> pd = SubscriptionPlan("pagerduty", "https", "key", True)
    >>> pager = TopicPlan(Severity.P1, "p1", "arn:p1", "{}", (pd,), True, True, False)
    >>> routing = RoutingPlan(KmsKeyPlan("a", "", "{}"), (pager,))
    >>> alarm = MetricAlarmPlan("a", "static", Severity.P1, "", "GreaterThanThreshold", 1, 1, "missing",
    ...                         ActionsPlan(Severity.P1, alarm=True, ok=True), threshold=1)
    >>> timeline = AlarmTimeline("a", "static", "P1", times=[0, 60, 120], states=["OK", "ALARM", "OK"],
    ...     transitions=[Transition(0, "INSUFFICIENT_DATA", "OK", ""), Transition(60, "OK", "ALARM", ""),
    ...                  Transition(120, "ALARM", "OK", "")])
    >>> sent = notifications(Evaluation(0, 120, {"a": timeline}), AlarmsPlan((alarm,), ()), routing)
    >>> [(n.time, n.state, n.severity, n.pages) for n in sent]
    [(0, 'OK', 'P1', False), (60, 'ALARM', 'P1', True), (120, 'OK', 'P1', False)]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from vigil.emulator.alarm import State
from vigil.emulator.suppression import action_time
from vigil.emulator.timeline import AlarmTimeline, Evaluation
from vigil.plan.types import (
    AlarmsPlan,
    CompositeAlarmPlan,
    MetricAlarmPlan,
    RoutingPlan,
    SubscriptionPlan,
    SuppressorPlan,
)
from vigil.spec.models.common import Severity

#: Subscription kinds that wake a person up.
PAGING_KINDS = frozenset({"pagerduty", "sms"})


def is_paging_subscription(subscription: SubscriptionPlan) -> bool:
    """True when a notification to this subscription pages a person (PagerDuty or SMS)."""
    return subscription.kind in PAGING_KINDS


def pages_someone(routing: RoutingPlan, severity: Severity | None) -> bool:
    """True when an alarm action to ``severity``'s topic pages a person (the one definition of "paging")."""
    topic = routing.topic(severity) if severity is not None else None
    return topic is not None and topic.alarm_actions and any(is_paging_subscription(s) for s in topic.subscriptions)


@dataclass(frozen=True)
class Notification:
    """Actions that ran: ``alarm`` entered ``state`` and its topic (``severity``) was notified at ``time``.

    ``entered`` is when the alarm changed state (``time`` is later when a suppressor made it wait); ``pages`` is
    True when the notification reached PagerDuty or SMS.
    """

    alarm: str
    state: State
    entered: int
    time: int
    severity: str
    pages: bool


def alarm_action_time(
    evaluation: Evaluation, name: str, went_to_alarm: int, suppressor: SuppressorPlan | None
) -> int | None:
    """When the ALARM actions of ``name``'s transition at ``went_to_alarm`` run; None when suppressed throughout."""
    if suppressor is None:
        return went_to_alarm
    timeline = evaluation.timelines[name]
    # A suppressor that was not evaluated is never in ALARM: the composite still waits its wait period.
    held_by = evaluation.timelines.get(suppressor.alarm) or AlarmTimeline(suppressor.alarm, "", "")
    return action_time(
        went_to_alarm, timeline, held_by, wait=suppressor.wait_period, extension=suppressor.extension_period
    )


def page_times(
    evaluation: Evaluation, paging: set[str], suppressors: Mapping[str, SuppressorPlan] | None = None
) -> list[tuple[str, int]]:
    """``(alarm, time)`` of every page: transitions to ALARM of the ``paging`` alarms, when their actions run."""
    out = []
    for name, transition in evaluation.transitions():
        if transition.new != "ALARM" or name not in paging:
            continue
        time = alarm_action_time(evaluation, name, transition.time, (suppressors or {}).get(name))
        if time is not None:
            out.append((name, time))
    return sorted(out, key=lambda item: (item[1], item[0]))


def notifications(evaluation: Evaluation, alarms: AlarmsPlan, routing: RoutingPlan) -> list[Notification]:
    """Every notification the evaluated alarms send, in time order (see the module docstring)."""
    every: list[MetricAlarmPlan | CompositeAlarmPlan] = [*alarms.metric_alarms, *alarms.composite_alarms]
    plans = {a.name: a for a in every if a.name in evaluation.timelines}
    out: list[Notification] = []
    for name, transition in evaluation.transitions():
        alarm = plans.get(name)
        severity = alarm.actions.severity if alarm is not None else None
        if alarm is None or severity is None:
            continue
        actions = alarm.actions
        if not {"ALARM": actions.alarm, "OK": actions.ok, "INSUFFICIENT_DATA": actions.insufficient_data}[
            transition.new
        ]:
            continue
        time: int | None = transition.time
        if transition.new == "ALARM":
            suppressor = alarm.suppressor if isinstance(alarm, CompositeAlarmPlan) else None
            time = alarm_action_time(evaluation, name, transition.time, suppressor)
        if time is None:
            continue
        pages = transition.new == "ALARM" and pages_someone(routing, severity)
        out.append(Notification(name, transition.new, transition.time, time, severity.value, pages))
    return sorted(out, key=lambda n: (n.time, n.alarm))
