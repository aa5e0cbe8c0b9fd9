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
import os
import sys
from collections.abc import Callable, Sequence

COMMANDS = (
    "init",
    "check",
    "schema",
    "test",
    "backtest",
    "oncall",
    "drill",
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
    try:
        return _run(argv)
    except BrokenPipeError:
        return _closed_stdout()


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    from vigil.cli.project import unknown_stack_message

    problem = unknown_stack_message(args, args.command)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    return func(args)


def _closed_stdout() -> int:
    """The reader of stdout went away (``vigil test | head``): stop quietly, as ``cat`` does.

    Python flushes stdout again at exit, which would raise once more; pointing the descriptor at /dev/null
    (the recipe in Python's ``signal`` documentation) makes that flush a no-op. Exit 141 is 128 + SIGPIPE.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 141


if __name__ == "__main__":
    sys.exit(main())
