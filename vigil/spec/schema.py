"""JSON Schemas of the spec files, for editors (yaml-language-server) to validate and autocomplete."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from vigil.spec.models import AlarmFile, DashboardFile, MetricNamespaceSpec, RoutingFile
from vigil.spec.testfile import TestFile

#: File kind -> model; the file is written as ``<kind>.schema.json``.
KINDS: dict[str, type[BaseModel]] = {
    "metrics": MetricNamespaceSpec,
    "alarms": AlarmFile,
    "routing": RoutingFile,
    "dashboards": DashboardFile,
    "tests": TestFile,
}


def schema_of(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one file kind.

    >>> schema_of("routing")["title"]
    'Vigil routing spec (alarms/routing.yaml)'
    """
    model = KINDS[kind]
    schema = model.model_json_schema(mode="validation", by_alias=True)
    where = {
        "metrics": "metrics/*.yaml",
        "alarms": "alarms/*.yaml",
        "routing": "alarms/routing.yaml",
        "dashboards": "dashboards/*.yaml",
        "tests": "alarms/tests/*.yaml",
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://vigil.dev/schemas/v1/{kind}.schema.json",
        **schema,
        "title": f"Vigil {kind} spec ({where[kind]})",
    }


def render(kind: str) -> str:
    """Deterministic JSON text of a schema (sorted keys, trailing newline)."""
    return json.dumps(schema_of(kind), indent=2, sort_keys=True) + "\n"


def write_schemas(out_dir: str | Path) -> list[Path]:
    """Write every schema into ``out_dir``; returns the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        path = out / f"{kind}.schema.json"
        path.write_text(render(kind), encoding="utf-8")
        written.append(path)
    return written
