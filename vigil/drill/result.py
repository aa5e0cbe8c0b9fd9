"""What a drill found, per fault class and over the normal days; the JSON contract and the text table.

Per class: **recall** is the share of incidents paged within the deadline (P1/P2 classes); **time to page** the
median and 90th percentile (nearest rank) of first page minus fault start over the paged incidents; **pages per
incident** every page from the fault's start to 30 minutes after its end, divided by the incidents. A P3/P4 class
meets its target when it never pages. **False pages per normal day**: pages on the noisy normal days.

The JSON (``vigil drill --format json``, ``schema: vigil-drill/v1``) is documented in docs/drill.md; its keys are
stable, and new keys may be added.

Example::

    >>> percentile([60, 120, 180, 240, 300, 360, 420, 480, 540, 600], 0.9)
    540
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import Any

from vigil.backtest.report import Page, iso
from vigil.drill.draws import Draw, NormalDay
from vigil.drill.drill_spec import DrillFile

SCHEMA = "vigil-drill/v1"


def percentile(values: list[int], q: float) -> int | None:
    """Nearest-rank percentile (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


@dataclass
class IncidentOutcome:
    """One incident and its pages (each owned by it)."""

    draw: Draw
    pages: list[Page]
    seed: int = 0

    @property
    def first(self) -> Page | None:
        """The first page, None when nobody was paged."""
        return self.pages[0] if self.pages else None

    @property
    def after_s(self) -> int | None:
        """Seconds from the fault's start to the first page."""
        return None if self.first is None else self.first.time - self.draw.occurrence.start

    @property
    def in_deadline(self) -> bool:
        """Paged within the class's deadline (False for classes that must not page)."""
        deadline = self.draw.deadline
        return deadline is not None and self.after_s is not None and self.after_s <= deadline

    def to_json(self) -> dict[str, Any]:
        """One entry of ``incidents`` in the JSON contract."""
        occ = self.draw.occurrence
        first = self.first
        return {
            "seed": self.seed,
            "index": self.draw.index,
            "class": self.draw.fault,
            "start": iso(occ.start),
            "end": iso(occ.end),
            "intensity": occ.intensity,
            "where": {e.signal or e.service: e.where for e in occ.effects if e.where},
            "first_page": None
            if first is None
            else {
                "alarm": first.alarm,
                "severity": first.severity,
                "time": iso(first.time),
                "after_s": self.after_s,
                "because": list(first.because),
            },
            "pages": len(self.pages),
        }


@dataclass
class DayOutcome:
    """One normal day and its pages (all false)."""

    day: NormalDay
    pages: list[Page]
    seed: int = 0

    def noise_at(self, time: int) -> list[str]:
        """The noise of this day active from an hour before ``time`` until ``time`` (what a false page may be
        blamed on), by name, without duplicates."""
        active = [o.name for o in self.day.occurrences if o.start - 3600 <= time and o.end + 3600 >= time]
        return sorted(set(active))


@dataclass
class ClassStats:
    """The per-class row of the report."""

    name: str
    severity: str
    deadline_s: int | None
    incidents: int
    in_deadline: int
    paged: int
    pages: int
    times: list[int] = field(default_factory=list)
    met: bool = True

    @property
    def recall(self) -> float | None:
        """Share of incidents paged within the deadline (None for classes that must not page)."""
        return None if self.deadline_s is None or not self.incidents else self.in_deadline / self.incidents

    @property
    def pages_per_incident(self) -> float:
        """Pages per incident."""
        return self.pages / self.incidents if self.incidents else 0.0

    def to_json(self) -> dict[str, Any]:
        """One entry of ``classes`` in the JSON contract."""
        return {
            "name": self.name,
            "severity": self.severity,
            "deadline_s": self.deadline_s,
            "incidents": self.incidents,
            "paged_in_deadline": self.in_deadline,
            "paged": self.paged,
            "recall": None if self.recall is None else round(self.recall, 4),
            "median_s": None if not self.times else int(statistics.median(self.times)),
            "p90_s": percentile(self.times, 0.9),
            "pages": self.pages,
            "pages_per_incident": round(self.pages_per_incident, 3),
            "met": self.met,
        }


@dataclass
class DrillResult:
    """Everything ``vigil drill`` reports."""

    spec: DrillFile
    seeds: list[int]
    incidents: list[IncidentOutcome]
    days: list[DayOutcome]
    not_drilled: dict[str, str]
    stack: str = ""

    def merged(self, other: DrillResult) -> DrillResult:
        """This result and ``other`` (another seed's) as one."""
        return DrillResult(
            self.spec,
            [*self.seeds, *other.seeds],
            [*self.incidents, *other.incidents],
            [*self.days, *other.days],
            {**self.not_drilled, **other.not_drilled},
            self.stack,
        )

    def classes(self) -> list[ClassStats]:
        """Per-class statistics, in class-name order, each marked met or not against the drill file's targets."""
        targets = self.spec.targets
        out = []
        for name in sorted({o.draw.fault for o in self.incidents}):
            mine = [o for o in self.incidents if o.draw.fault == name]
            draw = mine[0].draw
            stats = ClassStats(
                name,
                draw.severity,
                draw.deadline,
                len(mine),
                sum(o.in_deadline for o in mine),
                sum(1 for o in mine if o.pages),
                sum(len(o.pages) for o in mine),
                [o.after_s for o in mine if o.after_s is not None],
            )
            if stats.deadline_s is None:
                stats.met = stats.pages == 0
            else:
                stats.met = (
                    stats.recall or 0.0
                ) >= targets.recall and stats.pages_per_incident <= targets.pages_per_incident
            out.append(stats)
        return out

    @property
    def false_pages(self) -> int:
        """Pages on normal days."""
        return sum(len(d.pages) for d in self.days)

    @property
    def false_pages_per_day(self) -> float:
        """Pages per normal day."""
        return self.false_pages / len(self.days) if self.days else 0.0

    @property
    def met(self) -> bool:
        """Every class meets its target and the normal days page no more than allowed."""
        days_ok = not self.days or self.false_pages_per_day <= self.spec.targets.false_pages_per_day
        return days_ok and all(c.met for c in self.classes())

    def to_json(self) -> dict[str, Any]:
        """The JSON contract of ``vigil drill --format json`` (docs/drill.md)."""
        targets = self.spec.targets
        return {
            "schema": SCHEMA,
            "stack": self.stack,
            "seeds": self.seeds,
            "targets": {
                "recall": targets.recall,
                "pages_per_incident": targets.pages_per_incident,
                "false_pages_per_day": targets.false_pages_per_day,
            },
            "classes": [c.to_json() for c in self.classes()],
            "normal_days": {
                "days": len(self.days),
                "false_pages": self.false_pages,
                "false_pages_per_day": round(self.false_pages_per_day, 3),
                "pages": [
                    {
                        "alarm": p.alarm,
                        "severity": p.severity,
                        "time": iso(p.time),
                        "day": iso(d.day.start)[:10],
                        "seed": d.seed,
                        "noise": d.noise_at(p.time),
                        "because": list(p.because),
                    }
                    for d in self.days
                    for p in d.pages
                ],
            },
            "incidents": [o.to_json() for o in self.incidents],
            "not_drilled": dict(sorted(self.not_drilled.items())),
            "met": self.met,
        }


def _minutes(seconds: int | None) -> str:
    return "-" if seconds is None else f"{seconds / 60:.1f}"


def _misses(result: DrillResult) -> list[str]:
    """The incidents behind the MISSED rows: paged late or never, paged more than once, or paged although they must
    not (with when, how strong, and the alarms behind the first page), so a miss can be reproduced and read."""
    out: list[str] = []
    for outcome in result.incidents:
        draw, first = outcome.draw, outcome.first
        late = draw.deadline is not None and not outcome.in_deadline
        noisy = bool(outcome.pages) if draw.deadline is None else len(outcome.pages) > 1
        if not (late or noisy):
            continue
        paged = "never paged" if first is None else f"first page after {_minutes(outcome.after_s)} min"
        why = f" ({', '.join(first.because)})" if first is not None and first.because else ""
        out.append(
            f"  {draw.fault} seed {outcome.seed} #{draw.index}: {iso(draw.occurrence.start)}, intensity "
            f"{draw.occurrence.intensity:.2f}: {paged}{why}, {len(outcome.pages)} page(s)"
        )
    if out:
        out[:0] = ["", "Incidents behind the misses (late or never paged, paged more than once, or paged for P3/P4):"]
    return out


def render_text(result: DrillResult) -> str:
    """The table per fault class, the normal days, and the alarms the drill could not evaluate."""
    rows = [("class", "sev", "n", "recall", "median", "p90", "pages/inc", "target")]
    for c in result.classes():
        data = c.to_json()
        recall = "never" if c.recall is None else f"{100 * c.recall:.0f}%"
        rows.append(
            (
                c.name,
                c.severity,
                str(c.incidents),
                recall,
                _minutes(data["median_s"]),
                _minutes(data["p90_s"]),
                f"{c.pages_per_incident:.2f}",
                "met" if c.met else "MISSED",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        f"Drill of stack {result.stack}: {len(result.incidents)} incidents, {len(result.days)} normal days, "
        f"seed(s) {', '.join(map(str, result.seeds))} (times in minutes from the fault's start)",
        "",
    ]
    for row in rows:
        lines.append(
            "  ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    lines.append("")
    lines.append(
        f"Normal days: {result.false_pages} false page(s) over {len(result.days)} day(s) "
        f"({result.false_pages_per_day:.2f} per day)"
    )
    for day in result.days:
        for page in day.pages:
            noise = ", ".join(day.noise_at(page.time)) or "no noise nearby"
            why = f" because {', '.join(page.because)}" if page.because and page.because != (page.alarm,) else ""
            lines.append(f"  {iso(page.time)} {page.severity} {page.alarm}{why}  (noise: {noise})")
    lines.extend(_misses(result))
    if result.not_drilled:
        lines.append("")
        lines.append(f"Not drilled ({len(result.not_drilled)} alarms read metrics the traffic file does not generate):")
        for name, why in sorted(result.not_drilled.items()):
            lines.append(f"  {name}: {why.removeprefix('not drilled: ')}")
    lines.append("")
    lines.append("Every target met." if result.met else "Targets MISSED (see the rows marked MISSED).")
    return "\n".join(lines)
