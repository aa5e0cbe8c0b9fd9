"""Read ``stacks/Pulumi.<env>.yaml``: Pulumi's stack config format, typed as :class:`StackSpec`.

Keys ``vigil:environment``, ``vigil:budget_usd`` ... become fields; other ``vigil:`` keys are values that
routing reads by reference (``{config: oncall_email}``); ``aws:region`` sets the region; other provider
keys are kept as given.
"""

from __future__ import annotations

import re
import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import ValidationError

from vigil.spec.errors import SpecError
from vigil.spec.file_model import validate_as_written
from vigil.spec.model_errors import translate
from vigil.spec.models import StackSpec
from vigil.spec.sources import Sources
from vigil.spec.yaml_source import PathKey, YamlDocument, field_name

#: Top-level keys Pulumi itself writes into stack files.
PULUMI_TOP_LEVEL = ("config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment")
_TYPED = tuple(name for name in StackSpec.model_fields if name not in ("name", "values", "provider", "region"))


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _scalar_types(annotation: Any) -> set[type]:
    """The scalar types (bool, int, float, str) a field annotation accepts."""
    if annotation in (bool, int, float, str):
        return {annotation}
    origin = get_origin(annotation)
    if origin is Annotated:
        return _scalar_types(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return {t for arg in get_args(annotation) for t in _scalar_types(arg)}
    return set()


def pulumi_scalar(field: str, value: Any) -> Any:
    """A typed stack setting as written by ``pulumi config set`` (always a string) read as its type.

    ``pulumi config set vigil:budget_usd 250`` writes ``vigil:budget_usd: "250"``: a number or boolean field
    takes the quoted text as the number or boolean it spells; anything else is left for the model to refuse.

    >>> pulumi_scalar("budget_usd", "250"), pulumi_scalar("page_people", "true"), pulumi_scalar("budget_usd", "lots")
    (250.0, True, 'lots')
    """
    if not isinstance(value, str) or field not in StackSpec.model_fields:
        return value
    kinds = _scalar_types(StackSpec.model_fields[field].annotation)
    if str in kinds:
        return value
    text = value.strip()
    if bool in kinds and text in ("true", "false"):
        return text == "true"
    if kinds & {int, float} and _NUMBER.match(text):
        number = float(text)
        return int(number) if int in kinds and number.is_integer() and float not in kinds else number
    return value


def _split_config(config: dict[str, Any], doc: YamlDocument) -> tuple[dict[str, Any], YamlDocument, dict[str, PathKey]]:
    """Model input for :class:`StackSpec`, a document whose lines follow it, and model -> file paths."""
    data: dict[str, Any] = {"values": {}, "provider": {}}
    view = YamlDocument(file=doc.file, data=data)
    paths: dict[str, PathKey] = {}
    for key, value in config.items():
        file_path: PathKey = ("config", key)
        namespace, _, short = str(key).partition(":")
        if namespace == "vigil" and short in _TYPED:
            model_path: PathKey = (short,)
            data[short] = pulumi_scalar(short, value)
        elif namespace == "vigil":
            model_path = ("values", short)
            data["values"][short] = value
        elif key == "aws:region":
            model_path = ("region",)
            data["region"] = value
        else:
            model_path = ("provider", key)
            data["provider"][key] = value
        paths[str(model_path[-1] if model_path[0] in ("values", "provider") else model_path[0])] = file_path
        for sub, line in doc.lines.items():
            if sub[:2] == file_path:
                view.lines[(*model_path, *sub[2:])] = line
        for sub, text in doc.raw.items():
            if sub[:2] == file_path:
                view.raw[(*model_path, *sub[2:])] = text
    return data, view, paths


def read_stack(doc: YamlDocument, name: str, sources: Sources, errors: list[SpecError]) -> StackSpec | None:
    """Validate a stack file; errors point at the stack file's own keys (``config.vigil:budget_usd``)."""
    errors.extend(doc.errors)
    if not isinstance(doc.data, dict):
        if doc.data is not None:
            errors.append(SpecError(doc.file, 1, "(file)", "a stack file is a mapping with a 'config:' key"))
        return None
    for key in doc.data:
        if key not in PULUMI_TOP_LEVEL:
            errors.append(
                SpecError(
                    doc.file,
                    doc.line_of((key,)),
                    field_name((key,)),
                    f"unknown top-level key '{key}'; Vigil settings go under 'config:' as 'vigil:<key>'",
                )
            )
    config = doc.data.get("config") or {}
    if not isinstance(config, dict):
        errors.append(
            SpecError(
                doc.file, doc.line_of(("config",)), "config", "'config' must be a mapping of 'namespace:key' entries"
            )
        )
        return None
    data, view, paths = _split_config(config, doc)
    sources.add("stack", name, doc, ("config",))
    sources.stack_paths.update(paths)
    view.data, result = validate_as_written(StackSpec, {"name": name, **data}, view)
    if not isinstance(result, ValidationError):
        return result
    config_line = doc.line_of(("config",))
    for err in translate(result, StackSpec, view):
        errors.append(_to_file_field(err, paths, config_line))
    return None


def _to_file_field(err: SpecError, paths: dict[str, PathKey], config_line: int) -> SpecError:
    head, _, rest = err.field.partition(".")
    if head in ("values", "provider"):
        head, _, rest = rest.partition(".")
    elif head not in paths and head in _TYPED:  # a missing required field
        return SpecError(
            err.file, config_line, f"config.vigil:{head}", f"{err.message}: add 'vigil:{head}: ...' under 'config:'"
        )
    file_path = paths.get(head)
    field = ".".join(str(p) for p in file_path) if file_path else head
    return SpecError(err.file, err.line, field + (f".{rest}" if rest else ""), err.message, err.severity)
