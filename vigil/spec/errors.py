"""Errors of the spec pipeline: every one names a file, a line, a dotted field and what to do."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class SpecError:
    """One problem found in a project, located as ``file:line: field: message``.

    >>> str(SpecError("alarms/api.yaml", 12, "alarms.api-latency.period", "period must be 10, 20, 30 or a multiple of 60"))
    'alarms/api.yaml:12: alarms.api-latency.period: period must be 10, 20, 30 or a multiple of 60'
    """

    file: str
    line: int
    field: str
    message: str
    severity: Level = "error"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "warning: "
        return f"{self.file}:{self.line}: {self.field}: {prefix}{self.message}"

    def to_dict(self) -> dict[str, object]:
        """The JSON form used by ``vigil check --format json``."""
        return asdict(self)


class SpecLoadError(Exception):
    """Raised by :func:`vigil.spec.load_project` callers that want an exception instead of a list."""

    def __init__(self, errors: Iterable[SpecError]) -> None:
        self.errors = sorted(errors)
        super().__init__("\n".join(str(e) for e in self.errors) or "invalid project")


#: difflib compares a word with every candidate (about 13 µs each): beyond this many, only candidates of about
#: the same length that share its first or last two characters are compared, at most this many of them, so a
#: run with thousands of unknown names against thousands of alarms still ends in seconds.
MAX_SUGGESTION_POOL = 200


def _near(word: str, pool: list[str]) -> list[str]:
    head, tail, size = word[:2], word[-2:], len(word)
    near = [c for c in pool if abs(len(c) - size) <= 2 and (c[:2] == head or c[-2:] == tail)]
    return sorted(near)[:MAX_SUGGESTION_POOL]


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A `` (did you mean 'x'?)`` suffix for the closest candidate, or an empty string.

    >>> did_you_mean("threshhold", ["threshold", "period"])
    " (did you mean 'threshold'?)"
    """
    pool = [c for c in candidates if isinstance(c, str)]
    if len(pool) > MAX_SUGGESTION_POOL:
        pool = _near(word, pool)
    match = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not match:
        lowered = {c.lower(): c for c in pool}
        if word.lower() in lowered:
            match = [lowered[word.lower()]]
    return f" (did you mean '{match[0]}'?)" if match else ""
