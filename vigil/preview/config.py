"""Stack config for a preview: the stack file's plain values, and placeholders for secrets.

A preview never sees real secrets: values stored encrypted in the stack file (``{secure: ...}``) and
secrets that routing references but the stack file does not set get a placeholder, marked secret so
the program treats it exactly as it would treat the real value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from vigil.spec.models import ConfigRef, Project

PLACEHOLDER = "preview-placeholder"


@dataclass(frozen=True)
class PreviewConfig:
    """Pulumi config (``namespace:key`` -> string, objects as JSON) and which keys are secret."""

    values: dict[str, str]
    secret_keys: list[str]
    placeholders: list[str]


def _refs(project: Project) -> list[ConfigRef]:
    refs: list[ConfigRef] = []
    for route in project.routing.values():
        for sub in route.subscriptions:
            ref = getattr(sub, "integration_key", None) or getattr(sub, "endpoint", None)
            if isinstance(ref, ConfigRef):
                refs.append(ref)
    return refs


def _as_config(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def preview_config(stack_file: Path, project: Project) -> PreviewConfig:
    """The config a preview runs with (a missing stack file means an empty config).

    >>> preview_config(Path("stacks/Pulumi.dev.yaml"), project).secret_keys  # doctest: +SKIP
    ['vigil:chat_webhook_url', 'vigil:pagerduty_p1_key', 'vigil:pagerduty_p2_key']
    """
    raw: dict[str, Any] = {}
    if stack_file.is_file():
        raw = (yaml.safe_load(stack_file.read_text()) or {}).get("config") or {}
    values: dict[str, str] = {}
    secret: set[str] = set()
    placeholders: list[str] = []
    for key, value in raw.items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            values[key] = f"{PLACEHOLDER}-{key.partition(':')[2]}"
            secret.add(key)
        else:
            values[key] = _as_config(value)
    for ref in _refs(project):
        key = f"vigil:{ref.key}"
        if ref.is_secret:
            secret.add(key)
        if key not in values:
            values[key] = f"{PLACEHOLDER}-{ref.key}"
            placeholders.append(key)
    return PreviewConfig(values, sorted(secret), sorted(set(placeholders)))
