"""Errors of ``vigil init`` (the project scaffold)."""

from __future__ import annotations


class InitError(Exception):
    """The project cannot be created as asked (target not empty, invalid service or project name).

    >>> str(InitError("'x' is not empty"))
    "'x' is not empty"
    """
