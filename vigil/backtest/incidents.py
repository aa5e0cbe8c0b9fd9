"""The incidents file: a YAML list of ``{name, start, end}`` (times in ISO 8601, UTC unless they say otherwise).

Example::

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "incidents.yaml"
    >>> _ = path.write_text("- {name: 5xx burst, start: 2026-01-05T10:00:00Z, end: 2026-01-05T10:30:00Z}\\n")
    >>> [(i.name, i.end - i.start) for i in load_incidents(path)]
    [('5xx burst', 1800)]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import yaml

from vigil.backtest.errors import IncidentsError


@dataclass(frozen=True)
class Incident:
    """A known incident: what happened and when (epoch seconds, ``start <= end``)."""

    name: str
    start: int
    end: int


def parse_time(text: str | int | float | datetime | date) -> int:
    """Epoch seconds of an ISO 8601 time (naive times are UTC), a date, a datetime, or epoch seconds.

    >>> parse_time("2026-01-05T00:00:00Z"), parse_time(1700000000)
    (1767571200, 1700000000)
    """
    if isinstance(text, bool):
        raise ValueError(f"{text!r} is not a time")
    if isinstance(text, int | float):
        return int(text)
    if isinstance(text, datetime):
        parsed = text
    elif isinstance(text, date):
        parsed = datetime(text.year, text.month, text.day)
    else:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return int((parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp())


def load_incidents(path: str | Path) -> list[Incident]:
    """Read and check an incidents file; raises :class:`IncidentsError` naming ``file:line: field: problem``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise IncidentsError(f"{path}: cannot read the incidents file: {exc.strerror or exc}") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise IncidentsError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if root is None:
        return []
    if not isinstance(root, yaml.SequenceNode):
        raise IncidentsError(
            f"{path}:{root.start_mark.line + 1}: the file must be a YAML list of {{name, start, end}} entries"
        )
    incidents = [_incident(path, index, node) for index, node in enumerate(root.value)]
    names = [i.name for i in incidents]
    for index, name in enumerate(names):
        if name in names[:index]:
            line = root.value[index].start_mark.line + 1
            raise IncidentsError(
                f"{path}:{line}: [{index}].name: duplicate incident name {name!r}; names must be unique"
            )
    return incidents


def _incident(path: Path, index: int, node: yaml.Node) -> Incident:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode):
        raise IncidentsError(f"{path}:{line}: [{index}]: expected a mapping {{name, start, end}}")
    fields: dict[str, tuple[object, int]] = {}
    for key, value in node.value:
        name = key.value
        if name not in ("name", "start", "end"):
            raise IncidentsError(
                f"{path}:{key.start_mark.line + 1}: [{index}].{name}: unknown key; use name, start, end"
            )
        fields[name] = (yaml.safe_load(yaml.serialize(value)), value.start_mark.line + 1)
    for required in ("name", "start", "end"):
        if required not in fields:
            raise IncidentsError(
                f"{path}:{line}: [{index}].{required}: missing; every incident has name, start and end"
            )
    label, label_line = fields["name"]
    if not isinstance(label, str) or not label.strip():
        raise IncidentsError(f"{path}:{label_line}: [{index}].name: must be a non-empty string")
    times = {}
    for which in ("start", "end"):
        value, value_line = fields[which]
        try:
            times[which] = parse_time(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise IncidentsError(
                f"{path}:{value_line}: [{index}].{which}: {value!r} is not a time; write ISO 8601 such as "
                "2026-01-05T10:00:00Z"
            ) from None
    if times["end"] < times["start"]:
        raise IncidentsError(f"{path}:{fields['end'][1]}: [{index}].end: is before start; swap them")
    return Incident(label, times["start"], times["end"])
