"""The YAML layer on its own: merge keys, duplicates, encodings, syntax errors located and readable."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.spec.yaml_source import load_yaml, parse_text

HERE = Path(__file__).parent
GOOD_FILES = sorted((HERE / "good" / "minimal").rglob("*.yaml"))


def test_merge_keys_follow_yaml_precedence() -> None:
    doc = parse_text("a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  <<: [*a, *b]\n  x: 3\n", "m.yaml")
    assert doc.errors == []
    assert doc.data["c"] == {"x": 3, "y": 1, "z": 2}  # explicit keys win; earlier merged mappings win
    assert doc.lines[("c", "x")] == 5
    assert doc.lines[("c", "z")] == 4  # a merged key is located at its '<<'
    assert doc.data == yaml.safe_load("a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  <<: [*a, *b]\n  x: 3\n")


def test_an_alias_shares_its_value_instead_of_copying_it() -> None:
    doc = parse_text("a: &a [1, 2]\nb: *a\n", "s.yaml")
    assert doc.data["b"] is doc.data["a"]


def test_duplicate_keys_are_located_at_the_second() -> None:
    doc = parse_text("a:\n  b: 1\n  c: 2\n  b: 3\n", "d.yaml")
    assert [(e.line, e.field) for e in doc.errors] == [(4, "a.b")]
    assert "first defined on line 2" in doc.errors[0].message


def test_control_character_is_located_on_its_line(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("a: 1\nb: 2\nc: \x07\n", encoding="utf-8")
    doc = load_yaml(path, "c.yaml")
    assert [(e.line, e.field) for e in doc.errors] == [(3, "(yaml)")]
    assert "position" not in doc.errors[0].message


def test_bytes_that_are_not_utf8_are_located_on_their_line(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    path.write_bytes(b"a: 1\nb: caf\xe9\n")
    doc = load_yaml(path, "b.yaml")
    assert [(e.line, e.field) for e in doc.errors] == [(2, "(file)")]
    assert "UTF-8" in doc.errors[0].message


def test_a_byte_order_mark_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert load_yaml(path).data == {"a": 1}


def test_empty_and_comment_only_files_are_empty_mappings() -> None:
    assert parse_text("", "e.yaml").data == {}
    assert parse_text("# nothing\n", "e.yaml").data == {}


def test_unclosed_flow_list_points_at_where_it_opened() -> None:
    doc = parse_text("a: 1\nb: [1, 2\nc: 3\nd: 4\n", "f.yaml")
    assert [(e.line, e.field) for e in doc.errors] == [(2, "(yaml)")]
    assert "not closed" in doc.errors[0].message


_MUTATIONS = st.sampled_from(
    ['"', "'", "[", "]", "{", "}", ":", "\t", "&", "*", "!", "- ", "? ", "|", ">", "%", "@", "`"]
)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), source=st.sampled_from(GOOD_FILES))
def test_any_corruption_gives_one_located_readable_error(data: st.DataObject, source: Path) -> None:
    text = source.read_text(encoding="utf-8")
    at = data.draw(st.integers(0, len(text)))
    cut = data.draw(st.integers(0, 3))
    text = text[:at] + data.draw(_MUTATIONS) + text[at + cut :]
    doc = parse_text(text, "x.yaml")
    syntax = [e for e in doc.errors if e.field == "(yaml)"]
    n_lines = text.count("\n") + 1
    for error in doc.errors:
        assert 1 <= error.line <= n_lines
        for internal in ("<block", "<stream", "<scalar", "<document", "<unicode", "position", "column"):
            assert internal not in error.message, error.message
    if syntax:
        assert doc.data is None
        assert len(syntax) == 1
