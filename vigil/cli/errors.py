"""Errors of the ``vigil`` command line (usage problems that end a command with exit code 2)."""

from __future__ import annotations


class CliError(Exception):
    """A problem with how a command was called; its message is printed as ``vigil <command>: <message>``."""


class ProjectNotFoundError(CliError):
    """No Vigil project at or above the directory a command was pointed at.

    >>> str(ProjectNotFoundError("/tmp"))
    '/tmp'
    """
