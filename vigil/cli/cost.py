"""``vigil cost [PROJECT] [--stack NAME] [--format text|json]``: the stack's monthly CloudWatch cost.

Exit codes: 0 the estimate is within the stack's budget (or there is none), 1 the project has errors or the
estimate exceeds ``budget_usd``, 2 usage errors (argparse).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from vigil.cli.project import add_project_argument, project_root
from vigil.cost import CostError, check_budget, estimate_stack, render_text


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``cost`` sub-command to the ``vigil`` parser.

    Example::

        >>> parser = argparse.ArgumentParser(prog="vigil")
        >>> register(parser.add_subparsers())
        >>> parser.parse_args(["cost", "--stack", "prod"]).stack
        'prod'
    """
    parser = subparsers.add_parser(
        "cost",
        help="estimate the monthly CloudWatch cost of a stack",
        description="Estimate the monthly CloudWatch cost (custom metrics, alarms, dashboards, logs) of a "
        "project for one stack, and compare it with the stack's vigil:budget_usd.",
    )
    add_project_argument(parser, positional=True)
    parser.add_argument("--stack", default=None, metavar="STACK", help="stack to price, stacks/Pulumi.<STACK>.yaml")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Load and plan the stack, print its cost report, and return the exit code (1 on errors or over budget).

    Warnings are left to ``vigil check`` (printing them here too showed each one twice when both ran).
    """
    from vigil.plan.stack import ProjectErrors, load_stack_plan  # the loader pulls in the validator

    out = out or sys.stdout
    err = err or sys.stderr
    root = project_root(args, "cost")
    if root is None:
        return 2
    try:
        loaded = load_stack_plan(root, args.stack)
        report = estimate_stack(loaded)
    except ProjectErrors as exc:
        for problem in exc.errors:
            print(problem, file=err)
        print(f"vigil cost: {root}: the project has errors; fix them first (`vigil check`)", file=err)
        return 1
    except CostError as exc:
        print(f"vigil cost: {exc}", file=err)
        return 1
    over = check_budget(report)
    if args.format == "json":
        json.dump({**report.to_dict(), "budget_problems": over}, out, indent=2, sort_keys=True)
        out.write("\n")
    else:
        print(render_text(report), file=out)
    for message in over:
        print(f"vigil cost: {message}", file=err)
    return 1 if over else 0
