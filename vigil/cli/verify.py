"""``vigil verify [PROJECT_DIR] --stack NAME [--endpoint URL] [--format text|json]``: drift against the plan.

Reads the deployed alarms (metric and composite), dashboards, log groups, metric filters, SNS topics and
subscriptions with boto3 and compares them with the stack's plan. Exit codes: 0 no drift, 1 drift (or the
project has errors, or the endpoint cannot be read), 2 usage errors (or no project found).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from vigil.cli.project import add_project_argument, project_root


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    """``--project``, ``--stack`` and ``--endpoint``: shared by ``verify`` and ``fire``."""
    add_project_argument(parser)
    parser.add_argument("--stack", default=None, metavar="NAME", help="stack (stacks/Pulumi.<NAME>.yaml); required")
    parser.add_argument(
        "--endpoint",
        default=None,
        metavar="URL",
        help="AWS endpoint URL, e.g. a local emulator (default: $AWS_ENDPOINT_URL or AWS itself)",
    )


def require(args: argparse.Namespace, command: str, err: TextIO, **needed: str) -> bool:
    """Print a usage error for each missing argument (``dest=how to give it``); True when none is missing.

    Checked after the project is found, so that outside a project the first message says so.
    """
    missing = [how for dest, how in needed.items() if getattr(args, dest, None) is None]
    for how in missing:
        print(f"vigil {command}: {how} is required; `vigil {command} --help` explains it", file=err)
    return not missing


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``verify`` sub-command to the ``vigil`` parser.

    Example::

        >>> parser = argparse.ArgumentParser(prog="vigil")
        >>> register(parser.add_subparsers())
        >>> parser.parse_args(["verify", "--stack", "dev", "--endpoint", "http://127.0.0.1:5000"]).endpoint
        'http://127.0.0.1:5000'
    """
    parser = subparsers.add_parser(
        "verify",
        help="diff the deployed stack against the plan (drift)",
        description="Read the deployed alarms, dashboards, log groups, metric filters, topics and subscriptions "
        "and report what is missing, extra (managed by Vigil) or changed, field by field. Exit 1 on drift.",
    )
    add_target_arguments(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Verify the stack and print the report; returns the exit code."""
    import os

    from vigil.plan.stack import ProjectErrors, load_stack_plan
    from vigil.verify import AwsTarget, VerifyError, render_report, verify_stack
    from vigil.verify.stack import stack_region

    out, err = out or sys.stdout, err or sys.stderr
    root = project_root(args, "verify")
    if root is None or not require(args, "verify", err, stack="--stack NAME"):
        return 2
    try:
        region = stack_region(root, args.stack)
        target = AwsTarget(region, endpoint_url=args.endpoint or os.environ.get("AWS_ENDPOINT_URL") or None)
        loaded = load_stack_plan(root, args.stack, account_id=target.account_id())
        report = verify_stack(target, loaded)
    except (VerifyError, ProjectErrors) as exc:
        print(f"vigil verify: {exc}", file=err)
        return 1
    if args.format == "json":
        data = {
            "drifts": [d.__dict__ for d in report.drifts],
            "not_checked": report.not_checked,
            "checked": report.checked,
        }
        json.dump(data, out, indent=2, sort_keys=True, default=str)
        out.write("\n")
    else:
        print(render_report(report, target.where), file=out)
    return 0 if report.ok else 1
