"""Expectations about notifications in ``vigil test``: pages counted and who is notified when, from the same
:func:`~vigil.emulator.notifications.notifications` that ``vigil backtest`` counts pages with.

>>> from vigil.emulator.notifications import Notification
>>> sent = [Notification("a", "ALARM", 300, 420, "P1", True)]
>>> describe(sent, 0)
['7m: a notified P1 (ALARM, entered at 5m; paged)']
"""

from __future__ import annotations

from vigil.alarmtest.checks import format_offset
from vigil.emulator.notifications import Notification
from vigil.spec.notation import parse_duration
from vigil.spec.testfile import Expectation


def _offset(seconds: float) -> str:
    return format_offset(seconds)


def describe(sent: list[Notification], start: int) -> list[str]:
    """One line per notification: when, to whom, for which state (and when the alarm entered it), paged or not."""
    rows = []
    for n in sent:
        held = "" if n.entered == n.time else f", entered at {_offset(n.entered - start)}"
        paged = "; paged" if n.pages else ""
        rows.append(f"{_offset(n.time - start)}: {n.alarm} notified {n.severity} ({n.state}{held}{paged})")
    return rows or ["(no notification during the case)"]


def check(expect: Expectation, sent: list[Notification], start: int) -> tuple[str, str] | None:
    """``(expected, got)`` when the expectation does not hold for the notifications ``sent``; None when it does.

    ``sent`` holds the notifications of the alarm the expectation names (of every alarm for ``pages`` without one).
    """
    if expect.pages is not None:
        pages = sum(n.pages for n in sent)
        return None if pages == expect.pages else (f"{expect.pages} page(s)", f"{pages} page(s)")
    relevant = [n for n in sent if expect.state is None or n.state == expect.state]
    what = f"{expect.state} " if expect.state else ""
    if expect.notifies == "nobody":
        if not relevant:
            return None
        return f"no {what}notification", f"{relevant[0].severity} notified at {_offset(relevant[0].time - start)}"
    wanted = expect.state or "ALARM"
    hits = [n for n in sent if n.state == wanted and n.severity == expect.notifies]
    if expect.between is None:
        return None if hits else (f"{expect.notifies} notified ({wanted})", _got(sent, start))
    low, high = (start + parse_duration(v) for v in expect.between)
    first = hits[0].time if hits else None
    if first is not None and low <= first <= high:
        return None
    window = f"first {wanted} notification to {expect.notifies} within [{expect.between[0]}, {expect.between[1]}]"
    return window, (_got(sent, start) if first is None else f"first at {_offset(first - start)}")


def _got(sent: list[Notification], start: int) -> str:
    if not sent:
        return "no notification"
    return "; ".join(f"{n.severity} {n.state} at {_offset(n.time - start)}" for n in sent[:4])
