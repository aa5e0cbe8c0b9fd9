"""Validate one parsed file against its model, keeping every good entry of a file that has a bad one.

Two things happen here that make errors precise instead of cascading:

- A value YAML read as a number, boolean or date where the model wants text (``2024-12-31`` as an alarm
  name in a rule, ``1.10`` as a dimension value) is taken as written, from the document's raw text.
- When some entries of a file are invalid (one alarm among fifty), the others still load; the invalid
  entries are returned by name, so references to them are not reported again as "unknown".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from vigil.spec.errors import SpecError
from vigil.spec.model_errors import data_path, translate
from vigil.spec.models import AlarmFile, DashboardFile, MetricNamespaceSpec, RoutingFile
from vigil.spec.yaml_source import PathKey, YamlDocument

M = TypeVar("M", bound=BaseModel)

#: Fields holding named entries that can be dropped one by one (the file still loads without them).
ENTRY_FIELDS: dict[type[BaseModel], tuple[str, ...]] = {
    AlarmFile: ("alarms", "slos"),
    DashboardFile: ("dashboards",),
    RoutingFile: ("routing",),
    MetricNamespaceSpec: ("metrics",),
}
_MAX_TEXT_RETRIES = 3
#: Errors that mean "text expected here" (``invalid_rule``: a composite rule entry that is not a name).
_TEXT_ERRORS = frozenset(("string_type", "invalid_rule"))


@dataclass
class FileModel(Generic[M]):
    """The validated file (``None`` when nothing could be kept), its errors, and the entries that were dropped."""

    spec: M | None
    errors: list[SpecError] = field(default_factory=list)
    #: ``(field, name)`` of dropped entries, e.g. ``("alarms", "api-latency")``; ``(field, "")`` for a whole field.
    dropped: list[tuple[str, str]] = field(default_factory=list)


def _replace(data: Any, path: PathKey, value: Any) -> Any:
    """A copy of ``data`` with ``value`` at ``path`` (containers along the path are copied, the rest shared)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {**data, head: _replace(data[head], rest, value)}
    copy = list(data)
    copy[int(head)] = _replace(copy[int(head)], rest, value)
    return copy


def validate_as_written(model: type[M], data: Any, doc: YamlDocument) -> tuple[Any, M | ValidationError]:
    """Validate; where a text field got a number/bool/date YAML read from plain text, retry with the text."""
    for _ in range(_MAX_TEXT_RETRIES):
        try:
            return data, model.model_validate(data)
        except ValidationError as exc:
            fixes = []
            for err in exc.errors(include_url=False):
                if err["type"] not in _TEXT_ERRORS:
                    continue
                path, _ = data_path(data, tuple(err["loc"]), missing=False)
                if path in doc.raw and not isinstance(err.get("input"), str):
                    fixes.append(path)
            if not fixes:
                return data, exc
            for path in fixes:
                data = _replace(data, path, doc.raw[path])
    try:
        return data, model.model_validate(data)
    except ValidationError as exc:
        return data, exc


def validate_file(model: type[M], data: dict[str, Any], doc: YamlDocument) -> FileModel[M]:
    """Validate a file's top-level mapping; see the module docstring.

    >>> from vigil.spec.yaml_source import parse_text
    >>> doc = parse_text("version: vigil/v1\\nalarms:\\n  bad: {kind: nope}\\n", "alarms/x.yaml")
    >>> result = validate_file(AlarmFile, doc.data, doc)
    >>> result.spec is not None, result.dropped, result.errors[0].line
    (True, [('alarms', 'bad')], 3)
    """
    data, result = validate_as_written(model, data, doc)
    if not isinstance(result, ValidationError):
        return FileModel(spec=result)
    errors = translate(result, model, YamlDocument(file=doc.file, data=data, lines=doc.lines))
    entry_fields = ENTRY_FIELDS.get(model, ())
    dropped: set[tuple[str, str]] = set()
    for err in result.errors(include_url=False):
        loc = tuple(err["loc"])
        head = str(loc[0]) if loc else ""
        if head in entry_fields and len(loc) >= 2:
            dropped.add((head, str(loc[1])))
        else:
            dropped.add((head, ""))
    if any(name == "" and head in model.model_fields and head not in entry_fields for head, name in dropped):
        return FileModel(spec=None, errors=errors, dropped=sorted(dropped))
    kept = dict(data)
    for head, name in dropped:
        if name == "":
            kept.pop(head, None)
        elif isinstance(kept.get(head), dict):
            kept[head] = {k: v for k, v in kept[head].items() if str(k) != name}
    try:
        spec = model.model_validate(kept)
    except ValidationError:
        spec = None
    return FileModel(spec=spec, errors=errors, dropped=sorted(dropped))
