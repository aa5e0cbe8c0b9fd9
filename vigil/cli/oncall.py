"""``vigil oncall-report``: on-call health of a stack from CloudWatch's real alarm history.

    vigil oncall-report --stack S [--since 7d | --from T [--to T]] [--incidents FILE] [--format text|json]
                        [--endpoint URL] [--region R]

Exit codes: 0 the report was printed, 2 bad input (a bad time or duration, a bad incidents file, a project that
does not validate) or CloudWatch refused the history (the message says why).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any, TextIO

from vigil.cli.project import add_project_argument, project_root


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``oncall-report`` sub-command.

    Example::

        >>> parser = argparse.ArgumentParser(prog="vigil")
        >>> register(parser.add_subparsers())
        >>> parser.parse_args(["oncall-report", "--stack", "prod", "--since", "7d"]).since
        '7d'
    """
    parser = subparsers.add_parser(
        "oncall-report",
        help="on-call health from real alarm history: pages/week, MTTR, MTTD, noisy and flapping alarms",
        description="Read the stack's alarm transitions with DescribeAlarmHistory and report pages per week, "
        "time in ALARM, MTTR, the noisiest and flapping alarms, and with --incidents MTTD and false pages.",
    )
    parser.add_argument("--stack", default="dev", metavar="NAME", help="stack whose alarms to report (default: dev)")
    add_project_argument(parser)
    parser.add_argument("--since", metavar="DURATION", help="how far back from --to (e.g. 7d, 36h; default 7d)")
    parser.add_argument("--from", dest="start", metavar="T", help="start (ISO 8601); instead of --since")
    parser.add_argument("--to", dest="end", metavar="T", help="end (ISO 8601; default: now)")
    parser.add_argument("--incidents", metavar="FILE", help="YAML list of {name, start, end}: MTTD and false pages")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.add_argument("--endpoint", metavar="URL", help="CloudWatch endpoint (default: AWS_ENDPOINT_URL or AWS)")
    parser.add_argument("--region", metavar="REGION", help="AWS region (default: the stack's)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None, client: Any = None) -> int:
    """Print the report; ``client`` is a CloudWatch client to use instead of a new one (tests)."""
    out = out or sys.stdout
    err = err or sys.stderr
    from vigil.backtest.errors import BacktestError
    from vigil.backtest.incidents import load_incidents
    from vigil.backtest.report import notifying_alarms, paging_alarms
    from vigil.oncall import OncallError, fetch_transitions, make_client, render_text, summarise
    from vigil.plan.stack import ProjectErrors, load_stack_plan

    root = project_root(args, "oncall-report")
    if root is None:
        return 2
    try:
        start, end = time_range(args.since, args.start, args.end, now=int(time.time()))
        incidents = load_incidents(args.incidents) if args.incidents else []
        plan = load_stack_plan(root, args.stack).plan
        endpoint = args.endpoint or os.environ.get("AWS_ENDPOINT_URL") or None
        client = client or make_client(args.region or plan.context.region, endpoint)
        names = {a.name for a in plan.alarms.metric_alarms} | {a.name for a in plan.alarms.composite_alarms}
        history = fetch_transitions(client, names, start, end)
    except (OncallError, BacktestError, ProjectErrors, ValueError) as exc:
        print(f"vigil oncall-report: {exc}", file=err)
        return 2
    report = summarise(
        history.transitions,
        start=start,
        end=end,
        paging=paging_alarms(plan.alarms, plan.routing),
        notifying=notifying_alarms(plan.alarms),
        names=names,
        incidents=incidents,
    )
    if args.format == "json":
        json.dump(
            {**report.to_json(), "api_calls": history.calls, "unreadable_items": history.unreadable}, out, indent=2
        )
        out.write("\n")
    else:
        print(render_text(report), file=out)
        print(f"  ({history.calls} DescribeAlarmHistory calls, {len(history.transitions)} transitions)", file=err)
    return 0


def time_range(since: str | None, start: str | None, end: str | None, *, now: int) -> tuple[int, int]:
    """``(start, end)`` epoch seconds from the command's flags; ValueError names the bad flag.

    >>> time_range("7d", None, "2026-01-08T00:00:00Z", now=0)
    (1767225600, 1767830400)
    """
    from vigil.alarmtest.notation import parse_duration
    from vigil.backtest.incidents import parse_time

    if since and start:
        raise ValueError("--since and --from both say where the report starts; pass one of them")
    try:
        stop = parse_time(end) if end else now
    except ValueError:
        raise ValueError(f"--to {end!r} is not a time; write ISO 8601 such as 2026-01-05T00:00:00Z") from None
    if start:
        try:
            begin = parse_time(start)
        except ValueError:
            raise ValueError(f"--from {start!r} is not a time; write ISO 8601 such as 2026-01-05T00:00:00Z") from None
    else:
        try:
            begin = stop - parse_duration((since or "7d").strip())
        except ValueError as exc:
            raise ValueError(f"--since: {exc}") from None
    if begin >= stop:
        raise ValueError(f"the report starts at or after it ends (from {begin}, to {stop}); check --from/--since/--to")
    return begin, stop
