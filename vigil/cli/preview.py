"""``vigil preview [PROJECT] [--stack NAME] [--format text|json]``: the plan of a stack, without a Pulumi CLI.

Runs the real Pulumi program (``stacks/__main__.py``) in-process under Pulumi's mock engine and prints
every resource it would create, with key inputs, counts by type and the monthly cost estimate.
Exit 0 when the preview ran, 1 on spec errors (listed) or when the program fails, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

from vigil.cli.project import add_project_argument, project_root
from vigil.spec import available_stacks


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``preview`` sub-command.

    >>> parser = argparse.ArgumentParser(); register(parser.add_subparsers())  # doctest: +SKIP
    """
    parser = sub.add_parser("preview", help="show what `pulumi up` would create, under Pulumi's mock engine")
    add_project_argument(parser, positional=True)
    parser.add_argument(
        "--stack",
        metavar="STACK",
        help="stacks/Pulumi.<STACK>.yaml (default: dev when it exists, else the first stack)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.set_defaults(func=run)


def _stack(project: Path, requested: str | None) -> str | None:
    known = available_stacks(project)
    if requested is not None:
        return requested if requested in known else None
    return "dev" if "dev" in known else (known[0] if known else None)


def run(args: argparse.Namespace) -> int:
    """Run the preview; see the module docstring for exit codes."""
    project = project_root(args, "preview")
    if project is None:
        return 2
    stack = _stack(project, args.stack)
    if stack is None:
        known = ", ".join(available_stacks(project)) or "none"
        print(
            f"vigil preview: no stack '{args.stack or ''}' (stacks/Pulumi.<name>.yaml); known: {known}", file=sys.stderr
        )
        return 2
    if importlib.util.find_spec("pulumi") is None or importlib.util.find_spec("pulumi_aws") is None:
        print("vigil preview needs the Pulumi SDK: pip install 'vigil-monitoring[pulumi]'", file=sys.stderr)
        return 2
    from vigil.preview import render_text, run_preview

    try:
        result = run_preview(project, stack)
    except Exception as exc:  # the program failed: a plan error or a provider error, shown as it is
        print(f"vigil preview: the Pulumi program failed for stack '{stack}': {exc}", file=sys.stderr)
        return 1
    if not result.ok:
        for error in result.errors:
            print(error, file=sys.stderr)
        return 1
    print(json.dumps(result.to_dict(), indent=2, sort_keys=True) if args.format == "json" else render_text(result))
    return 0
