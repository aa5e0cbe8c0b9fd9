"""The demo's alarm side: backtest what CloudWatch Logs received, then play the alarm changes into the emulator."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from examples.demo_support.traffic import Window
from vigil.backtest import BacktestResult, Incident, evaluate_store, ingest
from vigil.backtest.filters import MetricFilters
from vigil.emulator.store import MetricStore
from vigil.emulator.timeline import Evaluation
from vigil.plan.types import CompositeAlarmPlan, StackPlan
from vigil.report.html import Notification
from vigil.verify import AwsTarget
from vigil.verify.fire import EMULATED, find_alarm, publish_notification
from vigil.verify.receiver import Delivery


def backtest(plan: StackPlan, log_file: Path, windows: Sequence[Window]) -> tuple[BacktestResult, MetricStore]:
    """One call: EMF lines (and metric filters) -> metric store -> every alarm evaluated, incidents scored."""
    store = MetricStore()
    stats = ingest([log_file], store, filters=MetricFilters(plan.namespaces))  # every metric: the pictures need them
    incidents = [Incident(w.name, w.start, w.end) for w in windows]
    span = store.time_range()
    # Evaluate from the first whole minute with data: a period before the service started would be "missing",
    # and a heartbeat alarm treating missing data as breaching would page about the demo's own start-up.
    start = None if span is None else int(span[0]) - int(span[0]) % 60 + 120
    return evaluate_store(plan, store, stats, incidents, start=start), store


@dataclass(frozen=True)
class Played:
    """One alarm state change set in the emulator and published to the alarm's topic."""

    alarm: str
    state: str
    time: int
    subject: str


def play_transitions(target: AwsTarget, plan: StackPlan, evaluation: Evaluation) -> list[Played]:
    """Set each ALARM (and the OK that ends it) in the emulator and publish CloudWatch's notification for it.

    Only changes into ALARM and the recoveries from ALARM are played: CloudWatch would also notify the
    first INSUFFICIENT_DATA -> OK of every alarm with OK actions, which says nothing about the incidents.
    """
    played: list[Played] = []
    in_alarm: set[str] = set()
    cloudwatch = target.client("cloudwatch")
    for name, change in evaluation.transitions():
        recovery = change.new == "OK" and name in in_alarm
        if change.new != "ALARM" and not recovery:
            continue
        (in_alarm.add if change.new == "ALARM" else in_alarm.discard)(name)
        alarm = find_alarm(plan, name)
        reason = f"{EMULATED}. {change.reason}"
        if not isinstance(alarm, CompositeAlarmPlan):
            cloudwatch.set_alarm_state(AlarmName=name, StateValue=change.new, StateReason=reason[:1023])
        wanted = alarm.actions.alarm if change.new == "ALARM" else alarm.actions.ok
        if not wanted:
            continue
        subject, _ = publish_notification(
            target, plan, alarm, old_state=change.old, new_state=change.new, reason=reason, when=change.time
        )
        played.append(Played(name, change.new, change.time, subject))
    return played


def _parse_time(text: str) -> float | None:
    """CloudWatch's ``2026-11-23T12:00:00.000+0000``."""
    try:
        return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
    except ValueError:
        return None


def notifications(deliveries: Sequence[Delivery]) -> list[Notification]:
    """Report rows of what the webhook received."""
    rows = []
    for delivery in deliveries:
        message = delivery.message
        rows.append(
            Notification(
                received_at=delivery.received_at,
                changed_at=_parse_time(str(message.get("StateChangeTime", ""))) or delivery.received_at,
                subject=str(delivery.envelope.get("Subject", "")),
                alarm=str(message.get("AlarmName", "?")),
                state=str(message.get("NewStateValue", "?")),
                topic=str(delivery.envelope.get("TopicArn", "")).rsplit(":", 1)[-1],
                published_by="Vigil (emulator)"
                if str(message.get("NewStateReason", "")).startswith(EMULATED)
                else "CloudWatch",
            )
        )
    return rows
