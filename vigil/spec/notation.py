"""Series values in promtool's expanding notation, and durations like ``90s``, ``5m``, ``1h30m``, ``2d``.

One token per interval, separated by spaces:

- ``7`` one sample of 7; ``_`` no sample;
- ``a+bxn`` n+1 samples from a in steps of b (``1+1x3`` is ``1 2 3 4``), ``a-bxn`` likewise downwards, ``axn`` n+1
  samples of a (as promtool);
- ``_xn`` n intervals without a sample (as promtool);
- ``[1, 2, 30]`` several samples in one interval (what percentile statistics need); ``[1, 2]x3`` repeats them
  n+1 times.

>>> expand("0x2 _ 5+5x2 [1, 2]")
[[0.0], [0.0], [0.0], [], [5.0], [10.0], [15.0], [1.0, 2.0]]
>>> parse_duration("1h30m"), parse_duration("10s")
(5400, 10)
"""

from __future__ import annotations

import math
import re

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_EXPANDING = re.compile(rf"^(?P<a>{_NUMBER})(?:(?P<op>[-+])(?P<b>{_NUMBER}))?x(?P<n>\d+)$")
_PLAIN = re.compile(rf"^{_NUMBER}$")
_BLANKS = re.compile(r"^_(?:x(?P<n>\d+))?$")
_TOKEN = re.compile(r"\[[^\]]*\](?:x\d+)?|\S+")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
MAX_INTERVALS = 1_000_000


class NotationError(ValueError):
    """A series or duration that cannot be read; the message says which token and what is accepted."""


def _number(text: str, token: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NotationError(f"'{token}': values must be finite numbers")
    return value


def _token(token: str) -> list[list[float]]:
    if token.startswith("["):
        body, _, repeat = token.rpartition("]x") if not token.endswith("]") else (token[:-1], "", "")
        inner = body[1:].strip()
        parts = [p.strip() for p in inner.split(",")] if inner else []
        bad = [p for p in parts if not _PLAIN.match(p)]
        if bad:
            raise NotationError(f"'{token}': a bracket holds numbers separated by commas, e.g. [1, 2.5, 30]")
        samples = [_number(p, token) for p in parts]
        count = int(repeat) + 1 if repeat else 1
        if count > MAX_INTERVALS:
            raise NotationError(f"'{token}' expands to {count} intervals; the limit is {MAX_INTERVALS}")
        return [list(samples) for _ in range(count)]
    if _PLAIN.match(token):
        return [[_number(token, token)]]
    blanks = _BLANKS.match(token)
    if blanks:
        return [[] for _ in range(int(blanks.group("n") or 1))]
    match = _EXPANDING.match(token)
    if match is None:
        raise NotationError(
            f"cannot read '{token}': use a number, '_' (no sample), 'axn' / 'a+bxn' / 'a-bxn' (n+1 samples), "
            "'_xn' (n missing) or '[1, 2, 3]' (several samples in one interval)"
        )
    start = _number(match.group("a"), token)
    step = _number(match.group("b"), token) if match.group("b") else 0.0
    if match.group("op") == "-":
        step = -step
    count = int(match.group("n")) + 1
    if count > MAX_INTERVALS:
        raise NotationError(f"'{token}' expands to {count} intervals; the limit is {MAX_INTERVALS}")
    return [[start + i * step] for i in range(count)]


def expand(values: str | list[object]) -> list[list[float]]:
    """The samples of each interval (an empty list where there is none).

    ``values`` is the notation string, or a YAML list whose items are numbers, ``_``, or notation strings.
    """
    tokens: list[str] = []
    if isinstance(values, str):
        tokens = _TOKEN.findall(values)
    else:
        for item in values:
            if isinstance(item, bool) or not isinstance(item, int | float | str):
                raise NotationError(f"list item {item!r} is not a number or notation string")
            tokens.extend(_TOKEN.findall(str(item)) if isinstance(item, str) else [repr(float(item))])
    out: list[list[float]] = []
    for token in tokens:
        out.extend(_token(token))
        if len(out) > MAX_INTERVALS:
            raise NotationError(f"the series has more than {MAX_INTERVALS} intervals")
    return out


def parse_duration(text: str | int | float) -> int:
    """Seconds in ``text`` (``90s``, ``5m``, ``1h30m``, ``2d``, ``1w``); a bare number is refused as ambiguous."""
    if isinstance(text, bool) or not isinstance(text, str):
        raise NotationError(f"duration {text!r} needs a unit: s, m, h, d or w (e.g. '5m', '90s')")
    compact = text.strip()
    parts = _DURATION.findall(compact)
    if not parts or "".join(n + u for n, u in parts) != compact:
        raise NotationError(f"cannot read duration '{text}': use e.g. '90s', '5m', '1h30m', '2d'")
    seconds = sum(float(n) * _UNIT_SECONDS[u] for n, u in parts)
    if seconds != int(seconds):
        raise NotationError(f"duration '{text}' is not a whole number of seconds")
    return int(seconds)
