"""The generated references cover the code: every sub-command and option of ``vigil``, every key of every spec
model (so a new option or key cannot be undocumented), and the Markdown they produce is well formed."""

from __future__ import annotations

import argparse

import pytest

from vigil.cli.main import build_parser
from vigil.reference import cli_reference, spec_reference
from vigil.reference.spec import type_of
from vigil.spec.models.stack import StackSpec
from vigil.spec.schema import KINDS, schema_of
from vigil.spec.testfile import TestFile


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def test_every_command_and_option_is_in_the_cli_reference() -> None:
    text = cli_reference()
    for name, parser in _subcommands().items():
        assert f"## `vigil {name}`" in text
        section = text.split(f"## `vigil {name}`", 1)[1].split("\n## ", 1)[0]
        for action in parser._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert f"`{option}`" in section, f"vigil {name} {option} is missing from the CLI reference"


def _keys(schema: dict[str, object]) -> set[str]:
    keys: set[str] = set()
    for definition in [schema, *dict(schema.get("$defs", {})).values()]:  # type: ignore[call-overload]
        keys.update(dict(definition.get("properties", {})))
    return keys


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_key_of_every_spec_file_is_in_the_spec_reference(kind: str) -> None:
    text = spec_reference()
    for key in _keys(schema_of(kind)):
        assert f"| `{key}` |" in text, f"{kind}: key {key!r} is missing from the spec reference"


@pytest.mark.parametrize("model", [StackSpec, TestFile])
def test_stack_and_test_file_keys_are_in_the_spec_reference(model: type) -> None:
    text = spec_reference()
    for key in _keys(model.model_json_schema(by_alias=True)):
        assert f"| `{key}` |" in text, f"{model.__name__}: key {key!r} is missing"


def test_types_read_as_words() -> None:
    assert type_of({"type": "integer", "minimum": 10}) == "integer (≥ 10)"
    assert type_of({"enum": ["missing", "breaching"]}) == "one of `missing`, `breaching`"
    assert type_of({"type": "object", "additionalProperties": {"type": "string"}}) == "map of string"


def test_tables_have_no_stray_pipes() -> None:
    for text in (cli_reference(), spec_reference()):
        for line in text.splitlines():
            if line.startswith("| "):
                cells = line.replace("\\|", "").count("|")
                assert cells in (4, 5), line
