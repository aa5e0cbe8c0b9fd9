"""Backtest every scenario against the shipped catalog and print the backtest guide's markdown table (docs/guides/backtest.md).

Usage::

    python -m examples.scenarios.report [--stack prod] [--keep DIR]

Generates the scenario library (:mod:`examples.scenarios.generate`) into a temporary directory (or ``--keep DIR``),
runs ``vigil backtest`` on each scenario with its incidents file, and prints per scenario the expected severity, the
measured time to detect, the alarms that caught it and the pages; then the pages of the normal week.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from examples.scenarios.generate import ROOT, generate
from examples.scenarios.library import SCENARIOS, Scenario
from vigil.backtest import BacktestResult, backtest_logs, load_incidents
from vigil.plan.stack import load_stack_plan


@dataclass
class Measured:
    """One scenario's backtest."""

    scenario: Scenario
    result: BacktestResult

    @property
    def mttd_s(self) -> int | None:
        """Time to detect (None: missed, or no incident)."""
        return self.result.incidents[0].mttd_s if self.result.incidents else None

    def caught_by(self) -> list[str]:
        """``alarm (severity)`` of each alarm that went to ALARM during the incident, first first."""
        if not self.result.incidents:
            return []
        timelines = self.result.evaluation.timelines
        return [f"{name} ({timelines[name].severity})" for name in self.result.incidents[0].alarms]


def measure(out: Path, stack: str = "prod", names: Sequence[str] | None = None) -> list[Measured]:
    """Generate the scenarios into ``out`` and backtest each one against ``stack``."""
    generate(out, names, environment=stack)
    plan = load_stack_plan(ROOT, stack).plan
    rows = []
    for scenario in SCENARIOS:
        if names and scenario.name not in names:
            continue
        incidents = load_incidents(out / f"{scenario.name}.incidents.yaml")
        rows.append(Measured(scenario, backtest_logs(plan, [out / f"{scenario.name}.log.gz"], incidents)))
    return rows


def _minutes(seconds: int | None) -> str:
    if seconds is None:
        return "**missed**"
    return f"{seconds / 60:.0f} min" if seconds % 60 == 0 else f"{seconds / 60:.1f} min"


def _first(names: list[str], shown: int = 3) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def markdown(rows: list[Measured]) -> str:
    """The backtest guide's table: incidents first, then the normal week's pages."""
    lines = [
        "| scenario | expected | time to detect | first page after | caught by (earliest first) | pages during the incident "
        "| pages outside it |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        if row.scenario.incident is None:
            continue
        inside = [f"{p.alarm} ({p.severity})" for p in row.result.pages if p.incident is not None]
        window = row.scenario.incident
        first_page = next((p.time - window[0] for p in row.result.pages if p.incident is not None), None)
        paged = "-" if first_page is None else _minutes(first_page)
        lines.append(
            f"| {row.scenario.name}: {row.scenario.title} | {row.scenario.expected_severity} | {_minutes(row.mttd_s)} "
            f"| {paged} | {_first(row.caught_by()) or '-'} | {len(inside)}{': ' + _first(inside) if inside else ''} "
            f"| {row.result.false_pages} |"
        )
    for row in rows:
        if row.scenario.incident is None:
            counts: dict[str, int] = {}
            for page in row.result.pages:
                counts[f"{page.alarm} ({page.severity})"] = counts.get(f"{page.alarm} ({page.severity})", 0) + 1
            detail = ", ".join(f"{name} x{count}" for name, count in sorted(counts.items())) or "none"
            lines.append("")
            lines.append(
                f"Normal week ({row.result.days:.1f} days evaluated): {len(row.result.pages)} pages "
                f"({row.result.pages_per_day} per day): {detail}."
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m examples.scenarios.report", description=__doc__.split("\n")[0])
    parser.add_argument("--stack", default="prod")
    parser.add_argument("--keep", type=Path, help="write the scenario files here instead of a temporary directory")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="scenario names (default: all)")
    args = parser.parse_args(argv)
    if args.keep:
        rows = measure(args.keep, args.stack, args.only)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            rows = measure(Path(tmp), args.stack, args.only)
    print(markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
