"""``schemas/tests.schema.json`` (from :class:`vigil.spec.testfile.TestFile`): every test file in the repository
validates against it, and it refuses what the loader refuses structurally."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from vigil.spec.schema import render

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    [
        *ROOT.glob("alarms/tests/*.yaml"),
        *ROOT.glob("tests/cloudwatch_guide/*.yaml"),
        *ROOT.glob("tests/alarmtest/notifications/*.yaml"),
        *ROOT.glob("tests/spec/good/minimal/alarms/tests/*.yaml"),
    ]
)
SCHEMA = json.loads(render("tests"))


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_every_test_file_validates_against_the_schema(path: Path) -> None:
    jsonschema.validate(yaml.safe_load(path.read_text()), SCHEMA)


def test_the_committed_schema_is_current() -> None:
    assert (ROOT / "schemas" / "tests.schema.json").read_text() == render("tests"), "run `vigil schema`"


@pytest.mark.parametrize(
    "bad",
    [
        {"version": "vigil/v1", "tests": [{"name": "x", "expect": [{"alarm": "a", "notifies": "P9"}]}]},
        {"version": "vigil/v1", "tests": [{"name": "x", "expect": [{"alarm": "a", "pages": -1}]}]},
        {"version": "vigil/v1", "tests": [{"name": "x", "bogus": 1, "expect": [{"alarm": "a", "pages": 1}]}]},
    ],
)
def test_the_schema_refuses_structural_mistakes(bad: dict[str, object]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA)
