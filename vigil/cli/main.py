"""Entry point of the ``vigil`` command: one sub-module per sub-command.

Each ``vigil.cli.<command>`` module defines ``register(subparsers)``, which adds its parser and sets
``func`` (a callable taking the parsed ``argparse.Namespace`` and returning the exit code). Modules are
imported only when present, so the application side can install ``vigil`` without the Pulumi SDK.

Commands that read a project find it from the current directory like git (see :mod:`vigil.cli.project`)
and take ``--project PROJECT`` to point elsewhere.

Exit codes: 0 success, 1 the command ran and found problems, 2 usage errors.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import sys
from collections.abc import Callable, Sequence

COMMANDS = (
    "init",
    "check",
    "schema",
    "test",
    "backtest",
    "preview",
    "cost",
    "probe",
    "smoke",
    "verify",
    "fire",
    "grafana",
    "docs",
)
DISTRIBUTION = "vigil-monitoring"


def version() -> str:
    """The installed distribution's version (``pip install vigil-monitoring``).

    >>> version()  # doctest: +SKIP
    '0.1.0'
    """
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed as a distribution; run `make test` or `pip install -e .`)"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="vigil",
        description="Monitoring-as-code for CloudWatch: typed specs -> check, test, cost, preview, Pulumi.",
        epilog="Start a project with `vigil init DIR`; `vigil COMMAND --help` explains each command.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()} ({DISTRIBUTION})")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"vigil.cli.{name}")  # every command ships: a broken import must fail loudly
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
