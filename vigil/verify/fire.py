"""``vigil fire``: an end-to-end routing test of one alarm.

On AWS, ``SetAlarmState`` to ALARM makes CloudWatch run the alarm's real actions (publish to its severity's
topic, which delivers to every subscription); the alarm is then set back to OK (OK actions run too, where the
severity has them), and CloudWatch's next evaluation restores the alarm's real state anyway.

On an emulator (moto), ``SetAlarmState`` changes the state but runs no action, so Vigil publishes the
notification to the topic itself, in CloudWatch's message format (:mod:`vigil.verify.message`), with a reason
that says so (and a ``vigil.published-by`` message attribute, which moto leaves out of HTTP deliveries).
"""

from __future__ import annotations

import difflib
import json
import time
from dataclasses import dataclass, field

from vigil.plan.types import CompositeAlarmPlan, MetricAlarmPlan, StackPlan
from vigil.verify.aws import AwsTarget, is_loopback_url
from vigil.verify.deployed import Subscription
from vigil.verify.errors import UnknownAlarmError, VerifyError
from vigil.verify.message import alarm_message, subject
from vigil.verify.state import action_topic, actions_fields, topic_arns

Alarm = MetricAlarmPlan | CompositeAlarmPlan
EMULATED = "Published by Vigil: the emulator does not evaluate alarms or run their actions"


@dataclass
class FireResult:
    """What ``vigil fire`` did: the topic, the states set, the messages published by Vigil, the subscriptions."""

    alarm: str
    topic_arn: str | None
    states: list[str] = field(default_factory=list)
    published: list[tuple[str, str]] = field(default_factory=list)  # (subject, message id)
    subscriptions: list[Subscription] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def find_alarm(plan: StackPlan, name: str) -> Alarm:
    """The planned alarm called ``name`` (its physical name, or its spec name when the stack prefixes names).

    :class:`UnknownAlarmError` with close names otherwise.
    """
    alarms: dict[str, Alarm] = {a.name: a for a in plan.alarms.metric_alarms}
    alarms.update({a.name: a for a in plan.alarms.composite_alarms})
    if name in alarms:
        return alarms[name]
    by_spec = [physical for physical in alarms if physical.endswith(f"-{name}")]  # spec name, stack prefix left off
    if len(by_spec) == 1:
        return alarms[by_spec[0]]
    close = difflib.get_close_matches(name, list(alarms), n=3)
    hint = f"did you mean {', '.join(repr(c) for c in close)}?" if close else "`vigil preview` lists every alarm"
    raise UnknownAlarmError(f"alarm {name!r} is not in stack {plan.context.stack!r} (or is disabled there): {hint}")


def subscriptions_of(target: AwsTarget, topic_arn: str) -> list[Subscription]:
    """Every subscription of a topic with its confirmation state."""
    sns = target.client("sns")
    name = topic_arn.rsplit(":", 1)[-1]
    subs: list[Subscription] = []
    for page in sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=topic_arn):
        for s in page.get("Subscriptions", []):
            pending = s["SubscriptionArn"] == "PendingConfirmation"
            if not pending:
                attrs = sns.get_subscription_attributes(SubscriptionArn=s["SubscriptionArn"])["Attributes"]
                pending = attrs.get("PendingConfirmation") == "true"
            subs.append(Subscription(name, s["Protocol"], s["Endpoint"], s["SubscriptionArn"], pending))
    return subs


def publish_notification(
    target: AwsTarget,
    plan: StackPlan,
    alarm: Alarm,
    *,
    old_state: str,
    new_state: str,
    reason: str,
    when: float | None = None,
    children_in_alarm: tuple[str, ...] = (),
) -> tuple[str, str]:
    """Publish CloudWatch's notification of a state change to the alarm's topic; returns (subject, message id).

    For emulators only: on AWS, CloudWatch publishes it. Refuses topics with subscriptions outside loopback
    (the emulator really POSTs to http(s) endpoints).
    """
    ctx = plan.context
    actions = actions_fields(alarm.actions, topic_arns(plan))
    key = {"ALARM": "AlarmActions", "OK": "OKActions"}.get(new_state, "InsufficientDataActions")
    if not actions[key]:
        raise VerifyError(f"alarm {alarm.name!r} has no {new_state} action: its severity routes nowhere")
    topic_arn = actions[key][0]
    outside = [s.endpoint for s in subscriptions_of(target, topic_arn) if s.protocol in ("http", "https")]
    outside = [e for e in outside if not is_loopback_url(e)]
    if outside:
        raise VerifyError(f"refusing to publish: topic {topic_arn} has subscriptions outside 127.0.0.1: {outside}")
    message = alarm_message(
        alarm,
        region=ctx.region,
        account_id=ctx.account_id,
        old_state=old_state,
        new_state=new_state,
        reason=reason,
        when=time.time() if when is None else when,
        actions=actions,
        children_in_alarm=children_in_alarm,
    )
    title = subject(new_state, alarm.name, ctx.region)
    attributes = {"vigil.published-by": {"DataType": "String", "StringValue": "vigil (emulator)"}}
    response = target.client("sns").publish(
        TopicArn=topic_arn, Subject=title, Message=json.dumps(message), MessageAttributes=attributes
    )
    return title, str(response["MessageId"])


def fire(target: AwsTarget, plan: StackPlan, name: str, *, hold_seconds: float = 5.0) -> FireResult:
    """Put alarm ``name`` into ALARM and back to OK, so that its notifications go out through its topic.

    >>> result = fire(AwsTarget("us-east-1", "http://127.0.0.1:5000"), plan, "worker-down")  # doctest: +SKIP
    >>> [(s.protocol, s.pending) for s in result.subscriptions]  # doctest: +SKIP
    [('http', False)]
    """
    alarm = find_alarm(plan, name)
    topic_arn = action_topic(alarm.actions, topic_arns(plan)) if alarm.actions.any else None
    result = FireResult(alarm.name, topic_arn)
    if topic_arn is None:
        result.notes.append(
            f"{alarm.name} ({alarm.severity.value}) has no actions: nobody is notified; it shows on dashboards only"
        )
        return result
    result.subscriptions = subscriptions_of(target, topic_arn)
    cw = target.client("cloudwatch")
    if target.emulator:
        _fire_emulated(target, plan, alarm, result)
        return result
    reason = "vigil fire: end-to-end routing test (set by hand; the next evaluation restores the real state)"
    cw.set_alarm_state(AlarmName=alarm.name, StateValue="ALARM", StateReason=reason)
    result.states.append("ALARM")
    time.sleep(hold_seconds)  # let CloudWatch run the ALARM actions before the OK transition
    cw.set_alarm_state(AlarmName=alarm.name, StateValue="OK", StateReason=reason)
    result.states.append("OK")
    return result


def _fire_emulated(target: AwsTarget, plan: StackPlan, alarm: Alarm, result: FireResult) -> None:
    cw = target.client("cloudwatch")
    reason = f"{EMULATED} (vigil fire: end-to-end routing test)"
    if isinstance(alarm, CompositeAlarmPlan):
        result.notes.append("the emulator does not implement composite alarms: no state set, notification published")
    else:
        cw.set_alarm_state(AlarmName=alarm.name, StateValue="ALARM", StateReason=reason)
    result.states.append("ALARM")
    result.published.append(publish_notification(target, plan, alarm, old_state="OK", new_state="ALARM", reason=reason))
    if not isinstance(alarm, CompositeAlarmPlan):
        cw.set_alarm_state(AlarmName=alarm.name, StateValue="OK", StateReason=reason)
    result.states.append("OK")
    if alarm.actions.ok:
        result.published.append(
            publish_notification(target, plan, alarm, old_state="ALARM", new_state="OK", reason=reason)
        )
