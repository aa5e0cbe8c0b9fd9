"""Slack ids in the stack file: AWS Chatbot refuses a workspace id that is not ``T...`` or a channel id that is not
a public (``C...``) or private (``G...``) channel id, and the failure shows only at ``pulumi up``.

The ids are upper-case letters and digits, 9 or more characters (Slack: right-click the channel, "Copy link";
the id is the last part of the link).
"""

from __future__ import annotations

import re

from vigil.spec.models.routing import SlackChannel
from vigil.spec.rules.context import Context

SLACK_IDS = {
    "workspace": (
        re.compile(r"^T[A-Z0-9]{8,20}$"),
        "a Slack workspace (team) id: 'T' and 8 or more upper-case letters or digits",
    ),
    "channel": (
        re.compile(r"^[CG][A-Z0-9]{8,20}$"),
        "a Slack channel id: 'C' (public) or 'G' (private) and 8 or more upper-case letters or digits",
    ),
}


def check_chat_ids(ctx: Context) -> None:
    """Every plain Slack workspace and channel id a chat subscription reads from the stack file."""
    stack = ctx.project.stack
    if stack is None:
        return
    reported: set[str] = set()
    for route in ctx.project.routing.values():
        for sub in route.subscriptions:
            if not isinstance(sub, SlackChannel):
                continue
            for field, (pattern, what) in SLACK_IDS.items():
                ref = getattr(sub, field)
                value = stack.values.get(ref.key)
                if not isinstance(value, str) or ref.key in reported or pattern.match(value):
                    continue  # unset or encrypted (reported elsewhere), or well-formed
                reported.add(ref.key)
                ctx.report(
                    ("stack", stack.name, (ref.key,)),
                    f"{value!r} is not {what}; copy it from the channel's link in Slack",
                )
