"""``vigil oncall-report --stack S --since 7d``: on-call health from the stack's real alarm history.

Pages per week, mean time to resolve, mean detection delay, the noisiest and the flapping alarms, read from
CloudWatch DescribeAlarmHistory for every alarm the stack's plan deploys (seed 004 "Success Metrics").
Exit codes: 0 report printed, 1 the project has errors or CloudWatch refused, 2 usage.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any, TextIO

from vigil.cli.project import add_project_argument, project_root


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``vigil oncall-report`` to the CLI.

    >>> parser = argparse.ArgumentParser(prog="vigil")
    >>> register(parser.add_subparsers())
    >>> parser.parse_args(["oncall-report", "--stack", "prod", "--since", "14d"]).since
    '14d'
    """
    parser = subparsers.add_parser(
        "oncall-report",
        help="on-call health (pages/week, MTTR, detection delay, noisy and flapping alarms) from alarm history",
        description="Read the stack's alarm history from CloudWatch (DescribeAlarmHistory) and report pages per "
        "week, mean time to resolve, mean detection delay, and the noisiest and flapping alarms.",
    )
    add_project_argument(parser)
    parser.add_argument("--stack", default=None, metavar="NAME", help="stack whose alarms to report on (required)")
    parser.add_argument("--since", default="7d", metavar="DURATION", help="how far back (e.g. 7d, 36h; default 7d)")
    parser.add_argument("--endpoint", default=None, metavar="URL", help="CloudWatch endpoint (e.g. a local moto)")
    parser.add_argument("--region", default=None, help="AWS region (default: the stack's)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.add_argument(
        "--incidents",
        metavar="FILE",
        help="YAML list of {name, start, end} (as for vigil backtest): time to detect, missed incidents, false pages",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, client: Any = None, out: TextIO | None = None, now: float | None = None) -> int:
    """Plan the stack, read its alarms' history, print the report (``client``: a CloudWatch client to use)."""
    from vigil.backtest.errors import IncidentsError
    from vigil.backtest.incidents import load_incidents
    from vigil.backtest.report import paging_alarms
    from vigil.oncall.accuracy import score
    from vigil.oncall.fetch import HistoryError, fetch_history, make_client
    from vigil.oncall.report import summarize
    from vigil.plan.stack import ProjectErrors, load_stack_plan
    from vigil.spec.notation import parse_duration

    out = out or sys.stdout
    root = project_root(args, "oncall-report")
    if root is None:
        return 2
    if not args.stack:
        print("vigil oncall-report: give --stack NAME (the stack whose alarm history to read)", file=sys.stderr)
        return 2
    try:
        since = parse_duration(args.since)
    except ValueError as exc:
        print(f"vigil oncall-report: --since {args.since!r}: {exc}", file=sys.stderr)
        return 2
    try:
        plan = load_stack_plan(root, args.stack).plan
        # "pages" is the definition vigil backtest and vigil drill use: the stack's routing reaches a person
        paging = paging_alarms(plan.alarms, plan.routing)
        alarms = {a.name: (str(a.severity), a.name in paging) for a in plan.alarms.metric_alarms}
        alarms |= {c.name: (str(c.severity), c.name in paging) for c in plan.alarms.composite_alarms}
        end = time.time() if now is None else now
        cw = client or make_client(args.region or plan.context.region, args.endpoint)
        incidents = load_incidents(args.incidents) if getattr(args, "incidents", None) else None
        changes = fetch_history(cw, alarms, end - since, end)
        report = summarize(changes, alarms, start=end - since, end=end)
    except IncidentsError as exc:
        print(f"vigil oncall-report: {exc}", file=sys.stderr)
        return 2
    except (ProjectErrors, HistoryError) as exc:
        print(f"vigil oncall-report: {exc}", file=sys.stderr)
        return 1
    accuracy = None if incidents is None else score(changes, alarms, incidents, start=end - since, end=end)
    if args.format == "json":
        data = report.to_json() | ({"incidents": accuracy.to_json()} if accuracy is not None else {})
        print(json.dumps(data, sort_keys=True), file=out)
        return 0
    _text(report, args.stack, args.since, out)
    if accuracy is not None:
        _accuracy_text(accuracy, out)
    return 0


def _accuracy_text(accuracy: Any, out: TextIO) -> None:
    precision = "-" if accuracy.precision is None else f"{accuracy.precision:.0%}"
    print(
        f"  incidents: mean time to detect {_minutes(accuracy.mean_detect_s)}, false pages "
        f"{accuracy.false_pages} of {accuracy.pages} (precision {precision})",
        file=out,
    )
    for d in accuracy.detections:
        found = f"caught by {d.alarm} after {_minutes(d.detect_s)}" if d.alarm else "MISSED"
        print(f"    {d.incident.name}: {found}", file=out)


def _minutes(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds / 60:.1f} min"


def _text(report: Any, stack: str, since: str, out: TextIO) -> None:
    print(f"on-call health of stack {stack} over the last {since}", file=out)
    print(f"  pages (P1/P2 that notify): {report.pages} ({report.pages_per_week:.1f} a week)", file=out)
    print(f"  mean time to resolve:      {_minutes(report.mean_resolve_s)}", file=out)
    print(f"  mean detection delay:      {_minutes(report.mean_detect_s)}", file=out)
    noisy = report.noisiest()
    print("  noisiest alarms:" + ("" if noisy else " none"), file=out)
    for a in noisy:
        print(f"    {a.alarms:>4}x  {a.alarm} ({a.severity})", file=out)
    flapping = report.flapping()
    print("  flapping (4+ alarms within an hour): " + (", ".join(a.alarm for a in flapping) or "none"), file=out)
