"""Errors of ``vigil drill``: bad traffic or drill files (located), and drills that cannot run."""

from __future__ import annotations

from collections.abc import Iterable

from vigil.spec.errors import SpecError


class DrillError(Exception):
    """A drill that cannot run: the message says what is wrong and how to fix it."""


class DrillSpecError(DrillError):
    """A traffic or drill file that does not validate; ``errors`` are located ``file:line: field: message``."""

    def __init__(self, errors: Iterable[SpecError]) -> None:
        self.errors = sorted(errors)
        super().__init__("\n".join(str(e) for e in self.errors) or "invalid drill file")
