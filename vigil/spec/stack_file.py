"""Read ``stacks/Pulumi.<env>.yaml``: Pulumi's stack config format, typed as :class:`StackSpec`.

Keys ``vigil:environment``, ``vigil:budget_usd`` ... become fields; other ``vigil:`` keys are values that
routing reads by reference (``{config: oncall_email}``); ``aws:region`` sets the region; other provider
keys are kept as given.
"""

from __future__ import annotations

from typing import Any

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
            data[short] = value
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
