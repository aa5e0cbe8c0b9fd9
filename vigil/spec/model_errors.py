"""Turn pydantic validation errors into located, readable :class:`SpecError` lines.

Pydantic locations include union tags (``alarms.x.static.threshold``) and miss the source line; this
module walks the YAML data alongside the location to recover the real path and line, and rewrites the
messages users see most (unknown keys with a did-you-mean, unknown kinds, missing fields, name patterns).
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from vigil.spec.errors import SpecError, did_you_mean
from vigil.spec.yaml_source import PathKey, YamlDocument, field_name

_PATTERN_HINTS = {
    "^[a-z0-9][a-z0-9-]{0,127}$": "use lower-case letters, digits and '-' (kebab-case), at most 128 characters",
    "^[A-Za-z0-9][A-Za-z0-9._\\-/]{0,254}$": "a metric name uses letters, digits and . _ - / (at most 255)",
    "^[A-Za-z][A-Za-z0-9_]{0,254}$": "a dimension name starts with a letter and uses letters, digits and _",
    "^[A-Za-z0-9.\\-_/#:]{1,255}$": "a namespace uses letters, digits and . - _ / # : (at most 255)",
    "^https://\\S+$": "use an https:// URL",
    "^(https://\\S+|[A-Za-z0-9_./-]+\\.md)$": "use an https:// URL or a project path to a .md file",
    "^[a-z][a-z0-9-]{0,62}$": "use lower-case letters, digits and '-'",
    "^[a-z][a-zA-Z0-9_]{0,254}$": "a metric math id starts with a lower-case letter",
    "^[0-9]{12}$": "an AWS account id is 12 digits",
    "^[A-Za-z0-9_-]{0,100}$": "CloudWatch dashboard names use only letters, digits, '-' and '_' (at most 100 here)",
}


def _unwrap(tp: Any) -> list[Any]:
    """The concrete alternatives of an annotation (Annotated, Optional and Union removed)."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin is typing.Union or origin is types.UnionType:
        return [alt for arg in typing.get_args(tp) for alt in _unwrap(arg)]
    return [tp]


def _step(tp: Any, element: str | int) -> list[Any]:
    out: list[Any] = []
    for alt in _unwrap(tp):
        origin = typing.get_origin(alt)
        if isinstance(alt, type) and issubclass(alt, BaseModel):
            fields = {f.alias or n: f for n, f in alt.model_fields.items()}
            if element in fields:
                out.append(fields[element].annotation)
                if isinstance(alt.__dict__.get("kind"), str) and alt.__dict__["kind"] == element:
                    out.append(alt)  # a class-level tag equal to one of its fields (``scale: {...}`` actions)
            elif _tag_matches(alt, element):
                out.append(alt)
        elif origin is dict:
            out.append(typing.get_args(alt)[1])
        elif origin in (tuple, list):
            out.append(typing.get_args(alt)[0])
    return out


def _tag_matches(model: type[BaseModel], element: str | int) -> bool:
    for name in ("kind", "type"):
        info = model.model_fields.get(name)
        if info is not None and element in typing.get_args(info.annotation):
            return True
    return element == model.__name__


def allowed_keys(root: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """The field names accepted at a pydantic location (for did-you-mean on unknown keys)."""
    current: list[Any] = [root]
    for element in loc:
        current = [nxt for tp in current for nxt in _step(tp, element)]
    if loc:  # a model reached as a class-level tag is a step on the way, not where the key was found
        current = [tp for tp in current if not (isinstance(tp, type) and tp.__dict__.get("kind") == loc[-1])]
    names: list[str] = []
    for tp in current:
        for alt in _unwrap(tp):
            if isinstance(alt, type) and issubclass(alt, BaseModel):
                names.extend(f.alias or n for n, f in alt.model_fields.items())
    return names


def _has(container: Any, element: str | int) -> bool:
    if isinstance(container, dict):
        return element in container
    return isinstance(container, list) and isinstance(element, int) and 0 <= element < len(container)


def data_path(data: Any, loc: tuple[str | int, ...], missing: bool) -> tuple[PathKey, bool]:
    """The path in the YAML data that a pydantic location points to; True if it ends on a dict key.

    Union tags in the location (``alarm`` in ``rule.alarm.state`` for ``{alarm: x, state: BAD}``) are skipped
    when the next element is also a key of the same mapping, so the error lands on the right line.
    """
    path: list[str | int] = []
    current = data
    for index, element in enumerate(loc):
        last = index == len(loc) - 1
        if element == "[key]":
            return tuple(path), True
        if not last and isinstance(current, dict) and element in current and loc[index + 1] in current:
            continue  # a discriminator tag that happens to equal a key: the next element is the real field
        if _has(current, element):
            path.append(element)
            current = current[element]
        elif last and missing:
            path.append(element)
    return tuple(path), False


def _message(err: ErrorDetails, root: type[BaseModel], path: PathKey, is_key: bool) -> str:
    kind = err["type"]
    loc = tuple(err["loc"])
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = allowed_keys(root, loc[:-1])
        hint = did_you_mean(key, allowed)
        listing = f"; allowed keys: {', '.join(sorted(set(allowed)))}" if allowed and not hint else ""
        return f"unknown key '{key}'{hint}{listing}"
    if kind == "missing":
        return f"missing required field '{loc[-1]}'"
    if kind == "union_tag_invalid":
        tags = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",")]
        tag = str(ctx.get("tag", ""))
        return f"unknown {ctx.get('discriminator', 'kind').strip(chr(39))} '{tag}'{did_you_mean(tag, tags)}; expected one of: {', '.join(tags)}"
    if kind == "union_tag_not_found":
        return f"missing '{str(ctx.get('discriminator', 'kind')).strip(chr(39))}' (it selects the type of this entry)"
    if kind == "string_pattern_mismatch":
        what = "key" if is_key else "value"
        hint = _PATTERN_HINTS.get(str(ctx.get("pattern", "")), f"it must match {ctx.get('pattern')}")
        return f"invalid {what} {value!r}: {hint}"
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", ""))
        options = [o.strip(" '") for o in expected.replace(" or ", ",").split(",")]
        return f"invalid value {value!r}{did_you_mean(str(value), options)}; expected {expected}"
    if kind in ("int_type", "float_type") and isinstance(value, bool):
        return f"expected a number, got the boolean {str(value).lower()}: write the number"
    if kind == "finite_number":
        return f"{value} is not a usable number (CloudWatch rejects it): write a finite number"
    message = err["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return f"{message} (got {value!r})" if kind.endswith(("_type", "_parsing")) else message


def translate(exc: ValidationError, root: type[BaseModel], doc: YamlDocument, prefix: PathKey = ()) -> list[SpecError]:
    """Located errors for a validation failure of ``doc.data`` (at ``prefix``) against ``root``."""
    data: Any = doc.data
    for part in prefix:
        data = data[part]
    seen: set[tuple[int, str, str]] = set()
    out: list[SpecError] = []
    details = exc.errors(include_url=False)
    deeper = [tuple(e["loc"]) for e in details]
    for err in details:
        loc = tuple(err["loc"])
        if err["type"] == "too_short" and any(len(o) > len(loc) and o[: len(loc)] == loc for o in deeper):
            continue  # a container reported empty only because its invalid items were dropped
        sub_path, is_key = data_path(data, loc, missing=err["type"] == "missing")
        path = (*prefix, *sub_path)
        message = _message(err, root, path, is_key)
        line = doc.line_of(path)
        key = (line, field_name(path), message)
        if key not in seen:
            seen.add(key)
            out.append(SpecError(doc.file, line, field_name(path), message))
    return out
