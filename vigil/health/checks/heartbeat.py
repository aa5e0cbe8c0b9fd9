"""Worker heartbeat freshness: the age of the last heartbeat must stay under a bound."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from vigil.health.errors import CheckConfigError
from vigil.health.types import Observation, Status


def heartbeat_check(
    last_heartbeat: Callable[[], float | datetime | None],
    max_age_s: float,
    *,
    clock: Callable[[], float] = time.time,
) -> Callable[[], Observation]:
    """A check failing when the last heartbeat (epoch seconds or aware datetime) is older than ``max_age_s``.

    ``None`` (no heartbeat yet) fails. Observed value: the age in seconds.

    >>> heartbeat_check(lambda: 100.0, 30.0, clock=lambda: 110.0)().status
    <Status.PASS: 'pass'>
    """
    if max_age_s <= 0:
        raise CheckConfigError(f"heartbeat_check: max_age_s must be > 0, got {max_age_s!r}")

    def check() -> Observation:
        beat = last_heartbeat()
        if beat is None:
            return Observation(Status.FAIL, output="no heartbeat received yet")
        when = beat.timestamp() if isinstance(beat, datetime) else float(beat)
        age = round(max(0.0, clock() - when), 3)
        if age > max_age_s:
            return Observation(
                Status.FAIL, value=age, unit="s", output=f"last heartbeat {age:.1f} s ago (> {max_age_s:g} s)"
            )
        return Observation(Status.PASS, value=age, unit="s")

    return check
