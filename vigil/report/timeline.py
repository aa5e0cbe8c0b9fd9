"""The alarm timeline picture (states over time, incidents shaded) and time to detect per incident."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from vigil.emulator.timeline import AlarmTimeline, Evaluation
from vigil.report.dates import date_number, time_axis
from vigil.report.style import MUTED, PAGE, STATE_COLOURS, TEXT

#: An incident counts as detected by an ALARM transition up to this long after it ends (alarms lag their data).
DETECTION_GRACE_S = 15 * 60


class IncidentLike(Protocol):
    """What the report needs of an incident (``vigil.backtest.Incident`` fits)."""

    @property
    def name(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


@dataclass(frozen=True)
class Detection:
    """The first notifying alarm to go into ALARM during an incident (or None), and how long that took."""

    incident: str
    start: int
    end: int
    alarm: str | None
    detected_at: int | None

    @property
    def seconds(self) -> int | None:
        """Time to detect in seconds, None when nothing paged."""
        return None if self.detected_at is None else self.detected_at - self.start


def detections(evaluation: Evaluation, incidents: Sequence[IncidentLike], paging: Collection[str]) -> list[Detection]:
    """Time to detect of each incident: the earliest transition to ALARM of a ``paging`` alarm in its window.

    The window is ``[start, end + DETECTION_GRACE_S]``; an alarm already in ALARM when the incident starts does not
    count as detecting it.
    """
    out = []
    for incident in incidents:
        best: tuple[int, str] | None = None
        for name in paging:
            timeline = evaluation.timelines.get(name)
            hit = timeline.first_alarm(incident.start, incident.end + DETECTION_GRACE_S) if timeline else None
            if hit is not None and (best is None or (hit, name) < best):
                best = (hit, name)
        out.append(
            Detection(incident.name, incident.start, incident.end, best[1] if best else None, best[0] if best else None)
        )
    return out


def _rows(evaluation: Evaluation, limit: int) -> tuple[list[AlarmTimeline], int]:
    fired = [t for t in evaluation.timelines.values() if "ALARM" in t.states]
    fired.sort(key=lambda t: (t.first_alarm() or 0, t.name))
    return fired[:limit], len(evaluation.timelines) - len(fired[:limit])


def render_timeline(evaluation: Evaluation, incidents: Sequence[IncidentLike], path: Path, *, limit: int = 24) -> Path:
    """One row per alarm that went into ALARM (colour = state over time), incidents shaded; writes a PNG."""
    rows, quiet = _rows(evaluation, limit)
    fig = Figure(figsize=(16, 1.6 + 0.36 * max(1, len(rows))), dpi=100, facecolor=PAGE)
    ax = fig.add_axes((0.2, 0.9 / fig.get_figheight(), 0.78, 1 - 1.45 / fig.get_figheight()))
    x0, x1 = date_number(evaluation.start), date_number(evaluation.end)
    for incident in incidents:
        a, b = date_number(incident.start), date_number(incident.end)
        ax.axvspan(a, b, color="#fdebd0", zorder=0)
        ax.text(a, len(rows) - 0.35, f" {incident.name}", fontsize=8, color="#9c640c", va="bottom", clip_on=False)
    for row, timeline in enumerate(reversed(rows)):
        _draw_row(ax, row, timeline, evaluation.end)
    ax.set_yticks(range(len(rows)), [t.name for t in reversed(rows)], fontsize=8, color=TEXT)
    ax.set_ylim(-0.6, max(1, len(rows)) - 0.4 + 0.5)
    ax.set_xlim(x0, x1)
    time_axis(ax.xaxis, max_ticks=12)
    ax.tick_params(labelsize=8, colors=MUTED)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    title = f"Alarm states over time (UTC): {len(rows)} alarm(s) went into ALARM; {quiet} other(s) did not"
    fig.text(0.01, 1 - 0.3 / fig.get_figheight(), title, fontsize=12, fontweight="bold", color=TEXT, va="center")
    x = 0.2
    for label, colour in [*STATE_COLOURS.items(), ("incident window", "#d68910"), ("▼ went into ALARM", "#d13212")]:
        marker = "" if label.startswith("▼") else "■ "
        fig.text(
            x,
            0.3 / fig.get_figheight(),
            f"{marker}{label}",
            fontsize=8,
            color=colour,
            va="center",
        )
        x += 0.012 + 0.0062 * len(label)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, facecolor=PAGE)
    return path


def _draw_row(ax: Axes, row: int, timeline: AlarmTimeline, end: int) -> None:
    times = [*timeline.times, end]
    segments: list[tuple[float, float]] = []
    colours: list[str] = []
    for i, state in enumerate(timeline.states):
        a, b = date_number(times[i]), date_number(times[i + 1])
        segments.append((a, b - a))
        colours.append(STATE_COLOURS.get(state, "#aab7b8"))
    ax.broken_barh(segments, (row - 0.32, 0.64), facecolors=colours, linewidth=0)
    for transition in timeline.transitions:
        if transition.new == "ALARM":
            ax.plot([date_number(transition.time)], [row + 0.42], marker="v", color="#d13212", markersize=5)
