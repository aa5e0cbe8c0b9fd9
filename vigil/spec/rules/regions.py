"""Rules on regions: the stack's region is a real AWS region, and every service of
:data:`vigil.spec.regions.CONTROL_PLANES` the project uses is served where the plan would create it."""

from __future__ import annotations

from vigil.spec.errors import did_you_mean
from vigil.spec.models.routing import CHAT_KINDS
from vigil.spec.regions import CONTROL_PLANES, known_regions, partition_of, service_region
from vigil.spec.rules.context import Context


def _uses_chat(ctx: Context) -> bool:
    return any(s.kind in CHAT_KINDS for route in ctx.project.routing.values() for s in route.subscriptions)


def check_regions(ctx: Context) -> None:
    """``aws:region`` is known; ``vigil:chatbot_region`` serves Chatbot; chat is possible in the partition."""
    stack = ctx.project.stack
    if stack is None:
        return
    if partition_of(stack.region) is None:
        hint = did_you_mean(stack.region, known_regions())
        ctx.report(
            ("stack", stack.name, ("region",)),
            f"unknown AWS region '{stack.region}'{hint}; set aws:region to a region code such as us-east-1",
        )
        return
    plane = CONTROL_PLANES["chatbot"]
    if stack.chatbot_region is not None and stack.chatbot_region not in plane.regions:
        ctx.report(
            ("stack", stack.name, ("chatbot_region",)),
            f"{plane.title} is not served in '{stack.chatbot_region}'; its API answers only in "
            f"{', '.join(plane.regions)} ({plane.source}): pick one of them",
        )
    elif _uses_chat(ctx) and service_region("chatbot", stack.region, stack.chatbot_region) is None:
        ctx.report(
            ("stack", stack.name, ("region",)),
            f"routing has chat channels, but {plane.title} is not served in the partition of '{stack.region}' "
            f"(only in {', '.join(plane.regions)}); route these severities to email, SMS or a webhook instead",
        )
