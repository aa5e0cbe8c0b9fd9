"""The registered form of a health check: a callable plus its name, kinds, timeout, criticality and cache TTL."""

from __future__ import annotations

import inspect
import math
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from vigil.health.errors import CheckConfigError, UnknownKindError
from vigil.health.types import Kind, Observation

#: What a check callable may return: ``None`` or ``True`` (pass), ``False`` (fail) or an ``Observation``.
CheckReturn = Observation | bool | None
#: A check: a plain sync or async callable taking no arguments. Raising means "fail" with the error as output.
CheckFunc = Callable[[], CheckReturn] | Callable[[], Awaitable[CheckReturn]]
KindsArg = Kind | str | Iterable[Kind | str]

DEFAULT_TIMEOUT_S = 2.0


def parse_kinds(kinds: KindsArg) -> frozenset[Kind]:
    """Normalise a kind or a collection of kinds to a non-empty ``frozenset[Kind]``.

    >>> sorted(parse_kinds(["readiness", Kind.STARTUP]))
    [<Kind.READINESS: 'readiness'>, <Kind.STARTUP: 'startup'>]
    """
    items = [kinds] if isinstance(kinds, str) else list(kinds)
    parsed: set[Kind] = set()
    for item in items:
        try:
            parsed.add(Kind(item))
        except ValueError:
            raise UnknownKindError(f"unknown probe kind {item!r}; expected one of {[k.value for k in Kind]}") from None
    if not parsed:
        raise CheckConfigError("a check needs at least one kind")
    return frozenset(parsed)


def is_async_callable(func: object) -> bool:
    """True when calling ``func`` returns a coroutine (async functions and objects with ``async __call__``)."""
    return inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(getattr(func, "__call__", None))  # noqa: B004


@dataclass(frozen=True)
class Check:
    """A named health check.

    ``critical`` checks fail the probe when they fail; non-critical ones only turn it to ``warn``.
    ``cache_ttl`` (seconds) reuses the last result that long; concurrent probes always share one call.

    >>> Check("db", lambda: True, kinds=frozenset({Kind.READINESS}), timeout=1.0).component
    'db'
    """

    name: str
    func: CheckFunc
    kinds: frozenset[Kind] = frozenset({Kind.READINESS})
    timeout: float = DEFAULT_TIMEOUT_S
    critical: bool = True
    cache_ttl: float = 0.0
    component: str = ""
    measurement: str = "responseTime"
    component_type: str = "component"
    is_async: bool = field(init=False)

    def __post_init__(self) -> None:
        if not self.name or not self.name.strip():
            raise CheckConfigError("a check needs a non-empty name")
        if not callable(self.func):
            raise CheckConfigError(f"check {self.name!r}: func must be callable, got {type(self.func).__name__}")
        if not (math.isfinite(self.timeout) and self.timeout > 0):
            raise CheckConfigError(f"check {self.name!r}: timeout must be a positive number, got {self.timeout!r}")
        if not (math.isfinite(self.cache_ttl) and self.cache_ttl >= 0):
            raise CheckConfigError(f"check {self.name!r}: cache_ttl must be >= 0, got {self.cache_ttl!r}")
        if ":" in self.measurement:
            raise CheckConfigError(f"check {self.name!r}: measurement {self.measurement!r} must not contain ':'")
        if not self.component:
            object.__setattr__(self, "component", self.name)
        if ":" in self.component:
            raise CheckConfigError(f"check {self.name!r}: component {self.component!r} must not contain ':'")
        object.__setattr__(self, "is_async", is_async_callable(self.func))
