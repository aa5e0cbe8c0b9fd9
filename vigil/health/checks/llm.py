"""LLM provider reachability through an injected callable (a cheap models-list call, a ping endpoint, a stub)."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

from vigil.health.types import Observation, Status


def llm_reachability(probe: Callable[[], object], *, provider: str = "") -> Callable[[], Awaitable[Observation]]:
    """An async check calling ``probe`` (sync or async); raising or returning ``False`` means unreachable.

    >>> import asyncio
    >>> asyncio.run(llm_reachability(lambda: True, provider="openai")()).status
    <Status.PASS: 'pass'>
    """
    label = f"{provider} " if provider else ""

    async def check() -> Observation:
        returned = probe()
        if inspect.isawaitable(returned):
            returned = await returned
        if returned is False:
            return Observation(Status.FAIL, output=f"LLM provider {label}unreachable")
        return Observation(Status.PASS)

    return check
