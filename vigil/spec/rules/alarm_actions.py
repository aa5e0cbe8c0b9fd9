"""Rules on an alarm's ``actions:``: what CloudWatch accepts on each alarm kind and state, and per-stack values.

What AWS enforces (PutMetricAlarm / PutCompositeAlarm references, the alarm actions guide): a composite alarm
takes SNS, Lambda and OpsItem actions, its OpsItems without a category
(``arn:aws:ssm:<region>:<account>:opsitem:<sev>``), and no scaling action; OpsItems are only opened on ALARM (the
model refuses another ``on``); every state takes at most 5 actions. What a step scaling policy needs: a threshold to
measure its step from (an anomaly band alarm has none), and one scalable target per service, so the alarms that
scale a service agree on its capacity.

Example::

    >>> from vigil.spec import load_project
    >>> [e for e in load_project(".", stack="prod").errors if ".actions" in e.field]  # doctest: +SKIP
    []
"""

from __future__ import annotations

from vigil.spec.models.alarm_actions import (
    ECS_NAME_PATTERN,
    FUNCTION_PATTERN,
    MAX_ACTIONS_PER_STATE,
    LambdaAction,
    OpsItemAction,
    RestartAction,
    ScaleAction,
)
from vigil.spec.models.alarms import Alarm, AnomalyAlarm, CompositeAlarm
from vigil.spec.models.common import render_template, unknown_placeholders
from vigil.spec.rules.context import Context, Where, placeholder_message

_STATES = {"alarm": "ALARM", "ok": "OK", "insufficient_data": "INSUFFICIENT_DATA"}


def _rendered(ctx: Context, where: Where, value: str) -> str | None:
    """``value`` as this stack deploys it, or None after reporting why it cannot be rendered."""
    if unknown_placeholders(value):
        ctx.report(where, placeholder_message(value))
        return None
    if not ctx.config_refs_set(where, value):
        return None
    stack = ctx.project.stack
    if stack is None and "${config:" in value:
        return None  # no stack: the value is checked once a stack sets it
    return render_template(
        value,
        environment=ctx.project.environment,
        stack=stack.name if stack else "",
        ecs_cluster=(stack.ecs_cluster or "") if stack else "",
        config=ctx.stack_values(),
    )


def _composite_action(ctx: Context, name: str, index: int, action: object) -> None:
    def at(*fields: object) -> Where:
        return ("alarm", name, ("actions", index, *fields))

    if isinstance(action, ScaleAction):
        ctx.report(
            at("scale"),
            "a composite alarm cannot run a scaling policy (PutCompositeAlarm takes SNS, Lambda and OpsItem actions); "
            "put the 'scale' action on one of the metric alarms of its rule",
        )
    elif isinstance(action, OpsItemAction) and action.ops_item.category is not None:
        ctx.report(
            at("ops_item", "category"),
            "a composite alarm's OpsItem action takes a severity only (arn:...:opsitem:<severity>, "
            "PutCompositeAlarm); remove 'category'",
        )


def _topic_states(ctx: Context, alarm: Alarm) -> set[str]:
    """The states in which the alarm also notifies its severity's topic (what its route asks for)."""
    route = ctx.project.routing.get(alarm.severity)
    if not alarm.notify or route is None:
        return set()
    return (
        {"alarm"}
        | ({"ok"} if route.ok_actions else set())
        | ({"insufficient_data"} if route.insufficient_data_actions else set())
    )


def _per_state(ctx: Context, name: str, alarm: Alarm) -> None:
    topic = _topic_states(ctx, alarm)
    for state, shown in _STATES.items():
        on_state = [i for i, a in enumerate(alarm.actions) if a.on == state]
        notifies = state in topic
        used = len(on_state) + (1 if notifies else 0)
        if used > MAX_ACTIONS_PER_STATE:
            ctx.report(
                ("alarm", name, ("actions", on_state[-1])),
                f"{used} actions on {shown} ({len(on_state)} here"
                + (" and the severity's topic" if notifies else "")
                + f"); CloudWatch takes at most {MAX_ACTIONS_PER_STATE} per state: remove some",
            )


def _check_values(ctx: Context, name: str, index: int, action: object) -> tuple[str, str, ScaleAction] | None:
    """Check the per-stack values of one action; a scale action's rendered ``(cluster, service)``."""
    fields = ("actions", index)
    if isinstance(action, LambdaAction):
        where: Where = ("alarm", name, (*fields, "lambda", "function"))
        function = _rendered(ctx, where, action.lambda_.function)
        if function is not None and not FUNCTION_PATTERN.fullmatch(function):
            ctx.report(where, f"renders to {function!r}, which is not a Lambda function name or ARN")
        return None
    if not isinstance(action, ScaleAction | RestartAction):
        return None
    target = action.scale if isinstance(action, ScaleAction) else action.restart
    names: list[str] = []
    for key in ("cluster", "service"):
        where = ("alarm", name, (*fields, action.kind, key))
        value = _rendered(ctx, where, getattr(target, key))
        if value is not None and not ECS_NAME_PATTERN.fullmatch(value):
            ctx.report(where, f"renders to {value!r}, which is not an ECS {key} name (letters, digits, - and _)")
            value = None
        if value is None:
            return None
        names.append(value)
    return (names[0], names[1], action) if isinstance(action, ScaleAction) else None


def check_alarm_actions(ctx: Context) -> None:
    """Located errors for actions CloudWatch or Application Auto Scaling would refuse in this stack."""
    targets: dict[tuple[str, str], tuple[str, ScaleAction]] = {}
    for name, alarm in sorted(ctx.project.enabled_alarms().items()):
        actions = alarm.actions
        if not actions:
            continue
        _per_state(ctx, name, alarm)
        for index, action in enumerate(actions):
            if isinstance(alarm, CompositeAlarm):
                _composite_action(ctx, name, index, action)
                if isinstance(action, ScaleAction):
                    continue
            elif isinstance(alarm, AnomalyAlarm) and isinstance(action, ScaleAction):
                ctx.report(
                    ("alarm", name, ("actions", index, "scale")),
                    "a step scaling policy measures its step from the alarm's threshold, and an anomaly band alarm "
                    "has none; scale from a static or math alarm on the same metric",
                )
                continue
            scaled = _check_values(ctx, name, index, action)
            if scaled is None:
                continue
            cluster, service, scale = scaled
            first = targets.setdefault((cluster, service), (name, scale))
            a, b = first[1].scale, scale.scale
            if (a.min_capacity, a.max_capacity) != (b.min_capacity, b.max_capacity):
                ctx.report(
                    ("alarm", name, ("actions", index, "scale", "max_capacity")),
                    f"service {cluster}/{service} has one scalable target, and alarm '{first[0]}' gives it capacity "
                    f"{a.min_capacity}..{a.max_capacity}, this one {b.min_capacity}..{b.max_capacity}: use the same "
                    "min_capacity and max_capacity",
                )
