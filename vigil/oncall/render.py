"""The text form of an on-call report.

Example::

    >>> from vigil.oncall.report import summarise
    >>> print(render_text(summarise([], start=0, end=604800, paging=set(), notifying=set(), names={"a"})))
    On-call health 1970-01-01T00:00:00Z .. 1970-01-08T00:00:00Z (1 alarms)
      pages: 0 (0.0 per week)   MTTR: -   time in ALARM: 0s
      noisiest: none
      flapping (re-entered ALARM within 1h): none
"""

from __future__ import annotations

from vigil.backtest.report import iso
from vigil.oncall.report import OncallReport


def duration(seconds: float | None) -> str:
    """``1h05m``, ``4m10s``, ``30s``; ``-`` for None.

    >>> duration(3900), duration(250), duration(None)
    ('1h05m', '4m10s', '-')
    """
    if seconds is None:
        return "-"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def render_text(report: OncallReport) -> str:
    """Overall numbers, then noisy and flapping alarms, incidents, and one line per alarm that fired."""
    total = sum(a.seconds_in_alarm for a in report.alarms.values())
    lines = [
        f"On-call health {iso(report.start)} .. {iso(report.end)} ({len(report.alarms)} alarms)",
        f"  pages: {report.pages} ({report.pages_per_week:.1f} per week)   MTTR: {duration(report.mttr_s)}"
        f"   time in ALARM: {duration(total)}",
    ]
    noisy = report.noisiest()
    lines.append("  noisiest: " + (", ".join(f"{a.name} ({a.alarms})" for a in noisy) or "none"))
    flapping = report.flapping()
    lines.append(
        "  flapping (re-entered ALARM within 1h): "
        + (", ".join(f"{a.name} ({a.reentries})" for a in flapping) or "none")
    )
    if report.incidents:
        lines.append(f"  incidents: MTTD {duration(report.mttd_s)}, false pages: {report.false_pages}")
        for d in report.incidents:
            found = f"detected by {d.alarm} after {duration(d.mttd_s)}" if d.alarm else "MISSED"
            lines.append(f"    {d.incident.name}: {found}")
    fired = [a for _, a in sorted(report.alarms.items()) if a.alarms or a.seconds_in_alarm]
    if fired:
        lines.append("  alarm                                              ALARMs  in ALARM  MTTR    re-entries  pages")
        for a in fired:
            pages = a.alarms if a.paging else 0
            lines.append(
                f"  {a.name[:50]:<50} {a.alarms:>6}  {duration(a.seconds_in_alarm):>8}  {duration(a.mttr_s):>6}"
                f"  {a.reentries:>10}  {pages:>5}"
            )
    return "\n".join(lines)
