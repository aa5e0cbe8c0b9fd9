"""Find the project a command works on, like git finds its repository: from any directory inside it.

A Vigil project root is a directory with ``Pulumi.yaml`` next to ``metrics/`` or ``alarms/``. Commands look
for it in the directory they are pointed at (``--project PROJECT``, or the positional ``PROJECT`` that
``check``, ``cost`` and ``preview`` also accept; default: the current directory) and then in its parents.
A directory named explicitly that has ``metrics/`` or ``alarms/`` but no ``Pulumi.yaml`` (a spec-only
fixture) is accepted as it is. Outside any project the command exits 2 instead of validating nothing.

Every command that reads a project calls :func:`project_root` (or :func:`find_project_root`)::

    def register(sub):
        parser = sub.add_parser("mycommand")
        add_project_argument(parser)
        parser.set_defaults(func=run)

    def run(args):
        root = project_root(args, "mycommand")
        if root is None:
            return 2
        ...
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vigil.cli.errors import ProjectNotFoundError

MARKER = "Pulumi.yaml"
SPEC_DIRS = ("metrics", "alarms")
PROJECT_HELP = "the project: its root or any directory inside it (default: found from the current directory, like git)"


def is_project_root(path: Path) -> bool:
    """True when ``path`` has ``Pulumi.yaml`` and a ``metrics/`` or ``alarms/`` directory.

    >>> is_project_root(Path("/"))
    False
    """
    return (path / MARKER).is_file() and _has_specs(path)


def _has_specs(path: Path) -> bool:
    return any((path / name).is_dir() for name in SPEC_DIRS)


def find_project_root(start: str | Path | None = None, *, explicit: bool = False) -> Path:
    """The root of the project that contains ``start`` (default: the current directory).

    ``explicit`` says the user named ``start``; such a directory with spec folders but no ``Pulumi.yaml``
    counts as a project. Raises :class:`ProjectNotFoundError` with a message for the user otherwise.

    >>> find_project_root("/")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    vigil.cli.errors.ProjectNotFoundError: no Vigil project in / or any parent directory ...
    """
    begin = Path.cwd() if start is None else Path(start)
    if not begin.is_dir():
        raise ProjectNotFoundError(f"'{begin}' is not a directory")
    here = begin.resolve()
    if explicit and _has_specs(here):
        return _shortest(here)
    for candidate in (here, *here.parents):
        if is_project_root(candidate):
            return _shortest(candidate)
    raise ProjectNotFoundError(
        f"no Vigil project in {begin} or any parent directory (a project root has {MARKER} next to "
        f"metrics/ or alarms/); run the command inside a project, pass --project DIR, or create one with "
        f"`vigil init DIR`"
    )


def _shortest(path: Path) -> Path:
    """``path`` relative to the current directory when it is inside it (shorter messages), else absolute."""
    try:
        relative = path.relative_to(Path.cwd().resolve())
    except ValueError:
        return path
    return relative if str(relative) != "." else Path(".")


def add_project_argument(parser: argparse.ArgumentParser, *, positional: bool = False) -> None:
    """Add ``--project PROJECT`` (and, with ``positional``, an optional positional ``PROJECT``) to ``parser``.

    >>> p = argparse.ArgumentParser(); add_project_argument(p, positional=True)
    >>> p.parse_args(["x"]).project_arg, p.parse_args(["--project", "y"]).project
    ('x', 'y')
    """
    if positional:
        parser.add_argument(
            "project_arg", nargs="?", default=None, metavar="PROJECT", help=f"same as --project; {PROJECT_HELP}"
        )
    parser.add_argument("--project", "-C", default=None, metavar="PROJECT", help=PROJECT_HELP)


def project_root(args: argparse.Namespace, command: str) -> Path | None:
    """The project root for a parsed command line, or ``None`` after printing why to stderr (exit 2).

    >>> project_root(argparse.Namespace(project="/", project_arg=None), "check")  # doctest: +SKIP
    vigil check: no Vigil project in / or any parent directory ...
    """
    option: str | None = getattr(args, "project", None)
    positional: str | None = getattr(args, "project_arg", None)
    if option is not None and positional is not None and Path(option).resolve() != Path(positional).resolve():
        print(
            f"vigil {command}: PROJECT given twice ('{positional}' and --project '{option}'); give one", file=sys.stderr
        )
        return None
    named = option if option is not None else positional
    try:
        return find_project_root(named, explicit=named is not None)
    except ProjectNotFoundError as exc:
        print(f"vigil {command}: {exc}", file=sys.stderr)
        return None


def unknown_stack_message(args: argparse.Namespace, command: str) -> str | None:
    """Why ``--stack NAME`` names no stack of the project (every command's one check), or ``None``.

    ``None`` too when there is no ``--stack``, no project (the command says so itself), or a project without
    stack files.

    >>> unknown_stack_message(argparse.Namespace(stack=None), "cost") is None
    True
    """
    stack = getattr(args, "stack", None)
    if not isinstance(stack, str):
        return None
    named = getattr(args, "project", None) or getattr(args, "project_arg", None)
    try:
        root = find_project_root(named, explicit=named is not None)
    except ProjectNotFoundError:
        return None
    from vigil.spec.loader import available_stacks

    known = available_stacks(root)
    if not known or stack in known:
        return None
    return (
        f"vigil {command}: no stack '{stack}' (stacks/Pulumi.{stack}.yaml does not exist); known: {', '.join(known)}; "
        f"pass one of them to --stack, or create stacks/Pulumi.{stack}.yaml"
    )
