"""``vigil backtest``: replay logs (or CloudWatch history) through every alarm of a stack.

    vigil backtest --logs PATH... [--stack S] [--from T] [--to T] [--incidents FILE] [--format text|json] [--plot DIR]
    vigil backtest --from-cloudwatch --stack S --since 14d [--endpoint URL] [--region R] [...]

Exit codes: 0 every incident was detected and no page fell outside an incident, 1 an incident was missed or a
false page happened, 2 bad input (unreadable logs, a bad incidents file or time, a project that does not validate).
Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from vigil.cli.project import add_project_argument, project_root
from vigil.emulator.errors import EvaluateError
from vigil.spec.notation import parse_duration

if TYPE_CHECKING:
    from vigil.backtest import BacktestResult, Incident
    from vigil.plan.types import StackPlan


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``backtest`` sub-command.

    Example::

        >>> parser = argparse.ArgumentParser(prog="vigil")
        >>> register(parser.add_subparsers())
        >>> parser.parse_args(["backtest", "--logs", "a.log", "--stack", "prod"]).logs
        ['a.log']
    """
    parser = subparsers.add_parser(
        "backtest",
        help="replay logs or CloudWatch history through every alarm: detection times, pages, plots",
        description="Replay EMF/JSON logs (or the history CloudWatch stores) through every alarm of a stack, "
        "with CloudWatch's evaluation semantics: which incidents were caught and how fast, and every page.",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--logs", nargs="+", metavar="PATH", help="log files: EMF/JSON lines or CloudWatch Logs exports, gzipped or not"
    )
    source.add_argument(
        "--from-cloudwatch", action="store_true", help="fetch the alarms' metrics with GetMetricData instead"
    )
    parser.add_argument(
        "--stack", default="dev", metavar="NAME", help="stack whose alarms and routing to use (default: dev)"
    )
    add_project_argument(parser)
    parser.add_argument(
        "--from",
        dest="start",
        metavar="T",
        help="start of the report (ISO 8601; default: the first datapoint); each alarm is first evaluated once "
        "the N periods it evaluates (N x period) lie after the first datapoint",
    )
    parser.add_argument(
        "--to", dest="end", metavar="T", help="end of the evaluation (ISO 8601; default: last datapoint)"
    )
    parser.add_argument(
        "--since", metavar="DURATION", help="with --from-cloudwatch: how far back (e.g. 14d, 36h; default 14d)"
    )
    parser.add_argument(
        "--endpoint", metavar="URL", help="with --from-cloudwatch: CloudWatch endpoint (e.g. a local moto server)"
    )
    parser.add_argument("--region", metavar="REGION", help="with --from-cloudwatch: AWS region (default: the stack's)")
    parser.add_argument("--incidents", metavar="FILE", help="YAML list of {name, start, end}: the incidents to score")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.add_argument(
        "--plot", metavar="DIR", help="write one PNG per alarm and index.html to DIR (needs vigil-monitoring[plot])"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the backtest and print the report; see the module docstring for exit codes."""
    out = out or sys.stdout
    err = err or sys.stderr
    from vigil.backtest import BacktestError, backtest_logs, load_incidents, parse_time, render_text
    from vigil.plan.stack import ProjectErrors, load_stack_plan

    root = project_root(args, "backtest")
    if root is None:
        return 2
    if not args.logs and not args.from_cloudwatch:
        print("vigil backtest: say what to replay: --logs PATH... or --from-cloudwatch", file=err)
        return 2
    progress = _Progress(err)
    try:
        if args.plot:  # fail before a run that can take minutes, not after it
            from vigil.backtest.plots import require_matplotlib

            require_matplotlib()
        start = _time_arg("--from", args.start, parse_time)
        end = _time_arg("--to", args.end, parse_time)
        incidents = load_incidents(args.incidents) if args.incidents else []
        if args.logs:
            for flag, value in (("--since", args.since), ("--endpoint", args.endpoint), ("--region", args.region)):
                if value:
                    raise BacktestError(f"{flag} only applies to --from-cloudwatch; remove it or drop --logs")
        plan = load_stack_plan(root, args.stack).plan
        if args.from_cloudwatch:
            result = _from_cloudwatch(args, plan, incidents, start, end, progress)
        else:
            result = backtest_logs(plan, args.logs, incidents, start=start, end=end, progress=progress)
        if args.plot:
            from vigil.backtest.plots import write_plots

            index = write_plots(result, Path(args.plot), plan, progress=progress)
            progress(f"plots written: {index}")
    except (EvaluateError, ProjectErrors, ValueError) as exc:
        print(f"vigil backtest: {exc}", file=err)
        return 2
    if args.format == "json":
        json.dump(result.to_json(), out, indent=2)
        out.write("\n")
    else:
        print(render_text(result), file=out)
    missed = any(r.detected_at is None for r in result.incidents)
    return 1 if missed or result.false_pages else 0


def _time_arg(flag: str, value: str | None, parse: object) -> int | None:
    if value is None:
        return None
    try:
        return parse(value)  # type: ignore[operator,no-any-return]
    except ValueError:
        raise ValueError(f"{flag} {value!r} is not a time; write ISO 8601 such as 2026-01-05T00:00:00Z") from None


def _from_cloudwatch(
    args: argparse.Namespace,
    plan: StackPlan,
    incidents: list[Incident],
    start: int | None,
    end: int | None,
    progress: _Progress,
) -> BacktestResult:
    from vigil.backtest import evaluate_store
    from vigil.backtest.cloudwatch import fetch_history

    end = end if end is not None else int(time.time()) // 60 * 60
    start = start if start is not None else end - parse_duration((args.since or "14d").strip())
    store, stats = fetch_history(
        plan,
        start,
        end,
        endpoint_url=args.endpoint,
        region=args.region,
        progress=progress,
    )
    return evaluate_store(plan, store, stats, incidents, start=start, end=end, source="CloudWatch", progress=progress)


class _Progress:
    """Progress lines on stderr, at most one every half second (the first and last always)."""

    def __init__(self, err: TextIO) -> None:
        self.err = err
        self.last = 0.0

    def __call__(self, message: str) -> None:
        now = time.monotonic()
        if now - self.last >= 0.5 or message.startswith(("read ", "plots", "GetMetricData call 1/")):
            print(f"vigil backtest: {message}", file=self.err, flush=True)
            self.last = now
