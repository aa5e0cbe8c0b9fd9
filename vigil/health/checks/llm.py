"""LLM provider reachability through an injected callable (a cheap models-list call, a ping endpoint, a stub)."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

from vigil.health.check import CheckFunc, is_async_callable
from vigil.health.types import Observation, Status


def llm_reachability(probe: Callable[[], object], *, provider: str = "") -> CheckFunc:
    """A check calling ``probe``; raising or returning ``False`` means unreachable.

    An async ``probe`` gives an async check; a sync one gives a sync check (run in the probe's thread pool,
    so a slow provider never blocks the event loop).

    >>> llm_reachability(lambda: True, provider="openai")().status
    <Status.PASS: 'pass'>
    """
    label = f"{provider} " if provider else ""

    def verdict(returned: object) -> Observation:
        if returned is False:
            return Observation(Status.FAIL, output=f"LLM provider {label}unreachable")
        return Observation(Status.PASS)

    async def settle(awaitable: Awaitable[object]) -> Observation:
        return verdict(await awaitable)

    if is_async_callable(probe):

        async def async_check() -> Observation:
            return await settle(probe())  # type: ignore[arg-type]

        return async_check

    def check() -> Observation | Awaitable[Observation]:
        returned = probe()
        return settle(returned) if inspect.isawaitable(returned) else verdict(returned)

    return check  # type: ignore[return-value]
