"""Event times: datetimes, epoch seconds and epoch milliseconds to the EMF ``Timestamp`` (epoch ms, 1970-9999).

Example::

    >>> to_epoch_ms(1_700_000_000), to_epoch_ms(1_700_000_000_123), to_epoch_ms(-5)
    (1700000000000, 1700000000123, None)
"""

from __future__ import annotations

from typing import Any

from vigil.emf.constants import MAX_TIMESTAMP_MS, SECONDS_BELOW


def to_epoch_ms(when: Any) -> int | None:
    """Epoch milliseconds for ``when``, or ``None`` if it is not a usable time (never raises).

    A ``datetime`` (naive means UTC) is converted exactly; a real number below 100,000,000,000 is epoch
    seconds, a larger one epoch milliseconds. Times before 1970 or after 9999, NaN, bools and anything
    else (including a datetime whose ``tzinfo`` raises) give ``None``.
    """
    try:
        kind = type(when)
        if kind is int or kind is float:
            number = when
        elif isinstance(when, bool):
            return None
        elif isinstance(when, int | float):
            number = int.__index__(when) if isinstance(when, int) else float.__float__(when)
        else:
            return _datetime_ms(when)
        if not 0 <= number <= MAX_TIMESTAMP_MS:  # also refuses NaN
            return None
        ms = int(number * 1000) if number < SECONDS_BELOW else int(number)
        return ms if ms <= MAX_TIMESTAMP_MS else None
    except Exception:
        return None


def _datetime_ms(when: object) -> int | None:
    from datetime import UTC, datetime  # only when a datetime is passed: keeps ``import vigil.emf`` cheap

    if not isinstance(when, datetime):
        return None
    aware = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    delta = aware - datetime(1970, 1, 1, tzinfo=UTC)  # exact integer arithmetic, calls utcoffset() once
    ms = delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000
    return ms if 0 <= ms <= MAX_TIMESTAMP_MS else None
