"""Entry point of the ``vigil`` command: one sub-module per sub-command.

Each ``vigil.cli.<command>`` module defines ``register(subparsers)``, which adds its parser and sets
``func`` (a callable taking the parsed ``argparse.Namespace`` and returning the exit code). Modules are
imported only when present, so the application side can install ``vigil`` without the Pulumi SDK.

Exit codes: 0 success, 1 the command ran and found problems, 2 usage errors.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

COMMANDS = ("check", "schema", "test", "preview", "cost", "probe", "smoke", "backtest")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available sub-command registered."""
    parser = argparse.ArgumentParser(prog="vigil", description="Monitoring-as-code for CloudWatch.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"vigil.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"vigil.cli.{name}":
                continue
            raise
        register: Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None] = module.register
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``vigil`` with ``argv`` (default: ``sys.argv[1:]``) and return the exit code.

    >>> main(["--help"])  # doctest: +SKIP
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    return func(args)


if __name__ == "__main__":
    sys.exit(main())
