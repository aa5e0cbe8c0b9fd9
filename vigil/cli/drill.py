"""``vigil drill``: inject fault classes into generated (or recorded) traffic and score every alarm of a stack.

    vigil drill [--stack prod] [--incidents 300] [--normal-days 14] [--seed 1 [2 ...]] [--format text|json]
                [--traffic FILE] [--faults FILE] [--class NAME ...] [--html FILE] [--check]
                [--logs PATH ... | --from-cloudwatch [--since 14d] [--endpoint URL] [--region R]]

Without ``--logs``/``--from-cloudwatch`` the normal traffic is generated from the traffic file; with them the
recorded metrics are the normal traffic the faults are injected into.

Exit codes: 0 the drill ran (and, with ``--check``, every target of the drill file was met), 1 with ``--check``
a target was missed, 2 bad input (a traffic or drill file that does not validate, a project that does not pass
``vigil check``, an unknown class). Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from vigil.cli.project import add_project_argument, project_root

if TYPE_CHECKING:
    from vigil.drill.result import DrillResult
    from vigil.emulator.store import MetricStore
    from vigil.plan.types import StackPlan

DEFAULT_TRAFFIC = "alarms/drill/traffic.yaml"
DEFAULT_FAULTS = "alarms/drill/faults.yaml"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``drill`` sub-command.

    Example::

        >>> parser = argparse.ArgumentParser(prog="vigil")
        >>> register(parser.add_subparsers())
        >>> parser.parse_args(["drill", "--seed", "3", "4"]).seed
        [3, 4]
    """
    parser = subparsers.add_parser(
        "drill",
        help="inject fault classes into generated traffic: recall, time to page, pages per incident, false pages",
        description="Draw random incidents of every fault class of the drill file and random normal days with "
        "noise, inject them into normal traffic, evaluate every alarm of the stack with CloudWatch's semantics and "
        "count pages as `vigil backtest` does: recall within the deadline, time to page, pages per incident, "
        "false pages per normal day.",
    )
    parser.add_argument("--stack", default="prod", metavar="NAME", help="stack whose alarms and routing to drill")
    add_project_argument(parser)
    parser.add_argument("--traffic", metavar="FILE", help=f"traffic file (default: {DEFAULT_TRAFFIC} of the project)")
    parser.add_argument("--faults", metavar="FILE", help=f"drill file (default: {DEFAULT_FAULTS} of the project)")
    parser.add_argument("--incidents", type=int, default=48, metavar="N", help="random incidents per seed (default 48)")
    parser.add_argument(
        "--normal-days", type=int, default=2, metavar="D", help="random normal days per seed (default 2)"
    )
    parser.add_argument("--seed", type=int, nargs="+", default=[1], metavar="S", help="seed(s); one run per seed")
    parser.add_argument(
        "--days", type=int, default=7, metavar="N", help="days of traffic incidents start in (default 7: a week)"
    )
    parser.add_argument("--class", dest="classes", nargs="+", metavar="NAME", help="drill only these fault classes")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.add_argument("--html", metavar="FILE", help="also write the HTML report to FILE")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target of the drill file is missed")
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--logs", nargs="+", metavar="PATH", help="recorded traffic: EMF/JSON log files (as vigil backtest reads them)"
    )
    source.add_argument(
        "--from-cloudwatch", action="store_true", help="recorded traffic: the alarms' metrics from GetMetricData"
    )
    parser.add_argument("--since", metavar="DURATION", help="with --from-cloudwatch: how far back (default 14d)")
    parser.add_argument("--endpoint", metavar="URL", help="with --from-cloudwatch: CloudWatch endpoint URL")
    parser.add_argument("--region", metavar="REGION", help="with --from-cloudwatch: AWS region")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the drill and print the report; see the module docstring for exit codes."""
    out = out or sys.stdout
    err = err or sys.stderr
    root = project_root(args, "drill")
    if root is None:
        return 2
    try:
        import numpy  # noqa: F401
    except ImportError:
        print("vigil drill: needs numpy; install it with: pip install 'vigil-monitoring[drill]'", file=err)
        return 2
    try:
        result = _drill(args, root, err)
    except ValueError as exc:
        print(f"vigil drill: {exc}", file=err)
        return 2
    if args.html:
        from vigil.drill.html import write_html

        write_html(result, Path(args.html))
        print(f"vigil drill: HTML report written: {args.html}", file=err)
    if args.format == "json":
        json.dump(result.to_json(), out, indent=2, sort_keys=False)
        out.write("\n")
    else:
        print(_render(result), file=out)
    return 1 if args.check and not result.met else 0


def _render(result: DrillResult) -> str:
    from vigil.drill.result import render_text

    return render_text(result)


def _drill(args: argparse.Namespace, root: Path, err: TextIO) -> DrillResult:
    from vigil.drill.errors import DrillError
    from vigil.drill.load import load_drill, load_traffic
    from vigil.drill.run import run_drill
    from vigil.emulator.errors import EvaluateError
    from vigil.plan.stack import ProjectErrors, load_stack_plan

    if args.incidents < 0 or args.normal_days < 0 or args.days < 1:
        raise ValueError("--incidents and --normal-days must be 0 or more, --days at least 1")
    progress = _Progress(err)
    try:
        loaded = load_stack_plan(root, args.stack)
        plan = loaded.plan
        catalog = {ns.namespace: ns for ns in loaded.project.namespaces.values()}
        traffic = load_traffic(Path(args.traffic) if args.traffic else root / DEFAULT_TRAFFIC, catalog)
        drill = load_drill(Path(args.faults) if args.faults else root / DEFAULT_FAULTS, traffic)
        unknown = sorted(set(args.classes or []) - set(drill.classes))
        if unknown:
            raise ValueError(f"--class {' '.join(unknown)}: no such class; known: {', '.join(sorted(drill.classes))}")
        recorded = _recorded(args, plan, progress)
        result: DrillResult | None = None
        for seed in args.seed:
            one = run_drill(
                plan,
                traffic,
                drill,
                incidents=args.incidents,
                normal_days=args.normal_days,
                seed=seed,
                classes=args.classes,
                horizon_days=args.days,
                recorded=recorded,
                progress=progress,
            )
            result = one if result is None else result.merged(one)
    except (DrillError, EvaluateError, ProjectErrors) as exc:
        raise ValueError(str(exc)) from None
    assert result is not None  # argparse gives at least one seed
    return result


def _recorded(args: argparse.Namespace, plan: StackPlan, progress: _Progress) -> MetricStore | None:
    """The recorded metrics of ``--logs`` or ``--from-cloudwatch``, read as ``vigil backtest`` reads them."""
    from vigil.backtest.filters import MetricFilters
    from vigil.backtest.ingest import ingest
    from vigil.emulator.store import MetricStore
    from vigil.spec.notation import parse_duration

    if not args.from_cloudwatch:
        for flag, value in (("--since", args.since), ("--endpoint", args.endpoint), ("--region", args.region)):
            if value:
                raise ValueError(f"{flag} only applies to --from-cloudwatch")
    if args.logs:
        store = MetricStore()
        stats = ingest(args.logs, store, filters=MetricFilters(plan.namespaces), progress=progress)
        progress(f"read {stats.read:,} log events, {stats.datapoints:,} datapoints")
        return store
    if args.from_cloudwatch:
        from vigil.backtest.cloudwatch import fetch_history

        end = int(time.time()) // 60 * 60
        start = end - parse_duration((args.since or "14d").strip())
        store, _ = fetch_history(plan, start, end, endpoint_url=args.endpoint, region=args.region, progress=progress)
        return store
    return None


class _Progress:
    """Progress lines on stderr, at most one every half second."""

    def __init__(self, err: TextIO) -> None:
        self.err = err
        self.last = 0.0

    def __call__(self, message: str) -> None:
        now = time.monotonic()
        if now - self.last >= 0.5:
            print(f"vigil drill: {message}", file=self.err, flush=True)
            self.last = now
