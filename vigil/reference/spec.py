"""The spec files' reference, written from the pydantic models (the same JSON Schemas editors validate with)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from vigil.spec.models.stack import StackSpec
from vigil.spec.schema import schema_of
from vigil.spec.testfile import TestFile

_HEADER = """# Spec reference

Generated from the pydantic models that `vigil check` validates with, when the site is built (the JSON Schemas in
`schemas/` come from the same models: `vigil schema`). Every key not listed is an error (`unknown key`, with a
suggestion). Types: `string`, `integer`, `number` (finite, never a boolean), `boolean`, `list of X`, `map of X`
(any keys), `A or B`; a pattern is the regular expression the value must match.
"""

#: (title, file, schema) for every file kind; stack files and alarm test files have no JSON Schema file.
_FILES: tuple[tuple[str, str, str], ...] = (
    ("Metric catalogs", "metrics/*.yaml", "metrics"),
    ("Alarms and SLOs", "alarms/*.yaml", "alarms"),
    ("Routing", "alarms/routing.yaml", "routing"),
    ("Dashboards", "dashboards/*.yaml", "dashboards"),
)


_STACK_NOTE = (
    "Not written as keys: `name` is the stack's name (from the file name), `region` is `aws:region`, `values` are "
    "the other `vigil:<key>` entries and `provider` the other `aws:<key>` entries. Every other key above is written "
    "`vigil:<key>` (`vigil:budget_usd: 50`).\n"
)


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema(mode="validation", by_alias=True)


def type_of(prop: dict[str, Any]) -> str:
    """A JSON Schema property's type in words, with links to the models it names.

    >>> type_of({"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}]})
    'integer (≥ 1) or null'
    >>> type_of({"type": "array", "items": {"$ref": "#/$defs/MetricRef"}})
    'list of [MetricRef](#metricref)'
    """
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "const" in prop:
        return f"`{json.dumps(prop['const'])}`"
    if "enum" in prop:
        return "one of " + ", ".join(f"`{v}`" for v in prop["enum"])
    for key in ("anyOf", "oneOf", "allOf"):
        if key in prop:
            return " or ".join(dict.fromkeys(type_of(p) for p in prop[key]))
    kind = prop.get("type", "any")
    if kind == "array":
        return "list of " + type_of(prop.get("items", {}))
    if kind == "object":
        extra = prop.get("additionalProperties")
        if isinstance(extra, dict):
            return "map of " + type_of(extra)
        patterns = prop.get("patternProperties")
        if isinstance(patterns, dict) and len(patterns) == 1:
            ((pattern, value),) = patterns.items()
            return f"map (keys: pattern `{pattern}`) of " + type_of(value)
        return "mapping"
    return str(kind) + _constraints(prop)


def _constraints(prop: dict[str, Any]) -> str:
    parts = []
    for key, sign in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"), ("exclusiveMaximum", "<")):
        if key in prop:
            parts.append(f"{sign} {prop[key]}")
    if "pattern" in prop:
        parts.append("pattern `" + prop["pattern"].replace("|", "\\|") + "`")
    if "minLength" in prop or "maxLength" in prop:
        parts.append(f"{prop.get('minLength', 0)}-{prop.get('maxLength', '…')} characters")
    return f" ({', '.join(parts)})" if parts else ""


def _default(prop: dict[str, Any]) -> str:
    if "default" not in prop:
        return ""
    return f"`{json.dumps(prop['default'])}`"


def model_section(name: str, schema: dict[str, Any], level: str = "###") -> list[str]:
    """One model: its docstring and a table of its keys (type, required, default)."""
    lines = [f"{level} {name}", ""]
    if schema.get("description"):
        lines += [_describe(schema["description"]), ""]
    props: dict[str, Any] = schema.get("properties", {})
    if props:
        required = set(schema.get("required", []))
        lines += ["| key | type | required | default |", "|---|---|---|---|"]
        for key, prop in props.items():
            text = type_of(prop).replace("\n", " ")
            lines.append(f"| `{key}` | {text} | {'yes' if key in required else ''} | {_default(prop)} |")
        lines.append("")
    elif "enum" in schema:
        lines += ["One of " + ", ".join(f"`{v}`" for v in schema["enum"]) + ".", ""]
    return lines


def _describe(text: str) -> str:
    """A docstring as Markdown: reST literal blocks (``Example::``) become fenced text blocks."""
    out: list[str] = []
    in_block = False
    for line in text.replace("``", "`").splitlines():
        if in_block and line and not line.startswith(" "):
            out.append("```")
            in_block = False
        if line.rstrip().endswith("::") and not in_block:
            out += [line.rstrip()[:-1], "", "```yaml"]
            in_block = True
            continue
        if in_block and not line.strip() and out[-1] == "```yaml":
            continue  # the blank line that opens a reST literal block
        out.append(line[4:] if in_block else line)
    if in_block:
        out.append("```")
    return "\n".join(out).strip()


def _file_section(title: str, where: str, schema: dict[str, Any]) -> list[str]:
    lines = [f"## {title}: `{where}`", ""]
    top = {k: v for k, v in schema.items() if k != "$defs"}
    lines += model_section("The file", {**top, "description": schema.get("description", "")})
    for name, definition in sorted(schema.get("$defs", {}).items()):
        lines += model_section(name, definition)
    return lines


def spec_reference() -> str:
    """Markdown for every spec file kind, the stack file's `vigil:*` keys and alarm test files."""
    lines = [_HEADER]
    for title, where, kind in _FILES:
        lines += _file_section(title, where, schema_of(kind))
    stack = _schema(StackSpec)
    lines += [
        "## Stack files: `stacks/Pulumi.<stack>.yaml`",
        "",
        "Pulumi's stack-config format: Vigil reads the `vigil:<key>` entries under `config:` (`aws:region` is the "
        "region). The keys below are Vigil's settings; every other `vigil:<key>` is a value that routing reads with "
        "`{config: key}` and dimension values with `${config:key}` (a secret, `{secure: ...}`, only by routing).",
        "",
    ]
    settings = _file_section("Stack settings", "vigil:<key>", stack)[2:]
    table_end = settings.index("", settings.index("| key | type | required | default |"))
    settings.insert(table_end + 1, _STACK_NOTE)
    lines += settings
    lines += _file_section("Alarm tests", "alarms/tests/*.yaml", _schema(TestFile))
    return "\n".join(lines) + "\n"
