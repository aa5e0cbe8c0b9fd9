"""``vigil grafana --stack NAME --out DIR [--datasource-uid UID]``: the stack's dashboards as Grafana JSON.

Exit codes: 0 written, 1 the project has errors or grafana-foundation-sdk is missing, 2 usage errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from vigil.cli.project import add_project_argument, project_root
from vigil.cli.verify import require


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``grafana`` sub-command to the ``vigil`` parser.

    Example::

        >>> parser = argparse.ArgumentParser(prog="vigil")
        >>> register(parser.add_subparsers())
        >>> parser.parse_args(["grafana", "--stack", "dev", "--out", "out/grafana"]).datasource_uid
        'cloudwatch'
    """
    parser = subparsers.add_parser(
        "grafana",
        help="export the stack's dashboards as Grafana dashboards on the CloudWatch data source",
        description="Write one Grafana dashboard JSON per dashboard of the stack's plan (same panels, metrics, "
        "statistics and layout), for teams that read CloudWatch through Grafana. Needs vigil-monitoring[grafana].",
    )
    add_project_argument(parser)
    parser.add_argument("--stack", default=None, metavar="NAME", help="stack (stacks/Pulumi.<NAME>.yaml); required")
    parser.add_argument("--out", default=None, type=Path, metavar="DIR", help="directory for the JSON files; required")
    parser.add_argument(
        "--datasource-uid", default="cloudwatch", metavar="UID", help="uid of the Grafana CloudWatch data source"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Export the dashboards and list the files written; returns the exit code."""
    from vigil.grafana import GrafanaExportError, write_dashboards
    from vigil.plan.stack import ProjectErrors, load_stack_plan
    from vigil.verify import VerifyError

    out, err = out or sys.stdout, err or sys.stderr
    root = project_root(args, "grafana")
    if root is None or not require(args, "grafana", err, stack="--stack NAME", out="--out DIR"):
        return 2
    try:
        loaded = load_stack_plan(root, args.stack)  # the fake account: ARNs become console links by name
        paths = write_dashboards(loaded.plan, args.out, datasource_uid=args.datasource_uid)
    except (VerifyError, ProjectErrors, GrafanaExportError) as exc:
        print(f"vigil grafana: {exc}", file=err)
        return 1
    for path in paths:
        print(path, file=out)
    print(f"{len(paths)} Grafana dashboard(s) on data source uid {args.datasource_uid!r}", file=out)
    return 0
