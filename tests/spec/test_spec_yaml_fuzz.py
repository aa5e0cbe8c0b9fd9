"""Property tests: any YAML structure gives located errors, bounded work and memory, never an exception.

The generated documents are structures, not bytes: flow and block collections, anchors and aliases
(defined, undefined and recursive), merge keys and merge chains, lists and mappings as keys, tags
(``!!python/...``, custom, standard), deep nesting, alias bombs, and scalars YAML reads as numbers, dates,
booleans or nulls. Work is bounded by counting the values the data expands to (aliases shared, not copied),
memory by tracemalloc's peak; no test measures time.
"""

from __future__ import annotations

import math
import shutil
import tracemalloc
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigil.spec import load_project
from vigil.spec.yaml_builder import ALIAS_BUDGET, MAX_DEPTH
from vigil.spec.yaml_source import parse_text

HERE = Path(__file__).parent
GOOD = HERE / "good" / "minimal"

TRICKY = [
    "2024-12-31", "2024-12-31T10:00:00Z", "1.10", "010", "0x1F", "0o17", "1_000", "1:30", "yes", "No", "on", "OFF",
    "~", "null", "", "1e400", "-.inf", ".NaN", "'quoted'", '"dq \\u00e9"', "x", "P1", "static", "Shop/API", "<<",
    "=", "é", "!!str 5", "!!int '7'", "!!float abc", "!!bool maybe", "!!timestamp never", "!!null ''",
    "!!python/object:os.system x", "!!python/name:os.system", "!Ref y", "!!binary aGk=", "|-\n  block", "-", "? x",
]  # fmt: skip
_plain = st.text(alphabet="abcxyzP0123456789-_./:", min_size=1, max_size=8).filter(
    lambda s: s[0] not in "-:./" and ": " not in s and not s.endswith(":")
)
_scalar = st.one_of(st.sampled_from(TRICKY), _plain)


def _flow(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    seq = st.lists(children, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]")
    key = st.one_of(_scalar, st.sampled_from(["[a, b]", "{k: v}", "*a0", "<<"]))
    pairs = st.lists(st.tuples(key, children), max_size=4)
    mapping = pairs.map(lambda ps: "{" + ", ".join(f"{k}: {v}" for k, v in ps) + "}")
    return st.one_of(seq, mapping)


@st.composite
def _node(draw: st.DrawFn) -> str:
    """A flow node with optional anchor, tag or alias (anchors a0..a3; aliases may point anywhere)."""
    inner = draw(st.recursive(_scalar, _flow, max_leaves=12))
    roll = draw(st.integers(0, 9))
    if roll == 0:
        return f"*a{draw(st.integers(0, 4))}"
    if roll == 1:
        return f"&a{draw(st.integers(0, 4))} {inner}"
    if roll == 2:
        return f"{draw(st.sampled_from(['!!map', '!!seq', '!!python/object/apply:os.system', '!Custom']))} {inner}"
    return inner


@st.composite
def yaml_documents(draw: st.DrawFn) -> str:
    """A block mapping at the top, with hostile structures in its values."""
    keys = draw(
        st.lists(st.sampled_from(["version", "alarms", "slos", "x", "2024-12-31", "1.0", "<<", "? [k]"]), max_size=5)
    )
    lines = []
    for key in keys:
        shape = draw(st.integers(0, 9))
        if shape == 0:  # deep nesting, sometimes past the limit
            depth = draw(st.integers(1, MAX_DEPTH * 3))
            lines.append(f"{key}: " + "[" * depth + "]" * depth)
        elif shape == 1:  # an alias bomb: each level lists the previous one ten times
            levels = draw(st.integers(1, 8))
            lines.append(f"{key}:")
            lines.append("  l0: &b0 [x, x, x, x, x, x, x, x, x, x]")
            lines += [f"  l{i}: &b{i} [" + ", ".join([f"*b{i - 1}"] * 10) + "]" for i in range(1, levels)]
        elif shape == 2:  # a merge chain: each mapping merges the previous one
            links = draw(st.integers(1, 40))
            lines.append(f"{key}:")
            lines.append("  m0: &m0 {k0: 0}")
            lines += [f"  m{i}: &m{i} {{<<: *m{i - 1}, k{i}: {i}}}" for i in range(1, links)]
        elif shape == 3:  # block style with an indented child
            lines.append(f"{key}:")
            lines += [f"  {draw(_scalar)}: {draw(_node())}" for _ in range(draw(st.integers(0, 3)))]
        else:
            lines.append(f"{key}: {draw(_node())}")
    return "\n".join(lines) + ("\n" if lines else "")


def expanded_size(data: Any, cap: int) -> int:
    """Values ``data`` expands to when walked as a tree (what pydantic would visit), counted up to ``cap``."""
    count, stack = 0, [data]
    while stack and count <= cap:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


@settings(max_examples=150, deadline=None)
@given(text=yaml_documents())
def test_any_structure_parses_to_located_errors_with_bounded_work(text: str) -> None:
    tracemalloc.start()
    try:
        doc = parse_text(text, "alarms/zz.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    n_lines = max(text.count("\n"), 1)
    for error in doc.errors:
        assert error.file == "alarms/zz.yaml"
        assert 1 <= error.line <= n_lines + 1, (error, text)
        assert error.field
        assert error.message
    assert all(isinstance(key[-1], str | int) for key in doc.lines)
    assert all(1 <= line <= n_lines + 1 for line in doc.lines.values())
    assert expanded_size(doc.data, ALIAS_BUDGET + 10 * len(text) + 10) <= ALIAS_BUDGET + 10 * len(text) + 10
    assert peak < 64 * 2**20, f"{peak} bytes for {len(text)} characters of YAML"


def _keys_are_text(data: Any) -> bool:
    if isinstance(data, dict):
        return all(isinstance(k, str) and _keys_are_text(v) for k, v in data.items())
    if isinstance(data, list):
        return all(_keys_are_text(v) for v in data)
    return True


@settings(max_examples=150, deadline=None)
@given(text=yaml_documents())
def test_libyaml_and_pure_python_parsers_agree(text: str) -> None:
    """Same data, lines and errors from either parser: the fast path changes speed, not results."""
    fast = parse_text(text, "f.yaml", yaml.CSafeLoader)
    slow = parse_text(text, "f.yaml", yaml.SafeLoader)
    if not fast.errors and not slow.errors:  # the two parsers differ on a few corner cases (tabs, tags in flows)
        assert _same(fast.data, slow.data)
        assert fast.lines == slow.lines
        assert fast.raw == slow.raw
    elif not [e for e in fast.errors + slow.errors if e.field == "(yaml)" or "tag" in e.message]:
        assert [(e.line, e.field) for e in fast.errors] == [(e.line, e.field) for e in slow.errors]
    assert _keys_are_text(fast.data)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b and type(a) is type(b))


_plain_values = st.recursive(
    st.one_of(st.integers(-(10**6), 10**6), st.booleans(), st.none(), st.text("abc xyz-_", max_size=6), st.dates()),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text("abcdefgh", min_size=1, max_size=5), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=100, deadline=None)
@given(value=st.dictionaries(st.text("abcdefgh", min_size=1, max_size=5), _plain_values, max_size=4))
def test_plain_data_reads_as_safe_load_reads_it(value: dict[str, Any]) -> None:
    for flow in (True, False):
        text = yaml.safe_dump(value, default_flow_style=flow, sort_keys=False)
        doc = parse_text(text, "x.yaml")
        assert doc.errors == []
        assert doc.data == yaml.safe_load(text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=yaml_documents(),
    where=st.sampled_from(
        ["alarms/zz.yaml", "metrics/zz.yaml", "dashboards/zz.yaml", "alarms/routing.yaml", "stacks/Pulumi.dev.yaml"]
    ),
)
def test_any_structure_in_a_project_gives_located_errors(text: str, where: str, tmp_path: Path) -> None:
    project = tmp_path / "fuzz"
    if project.exists():
        shutil.rmtree(project)
    shutil.copytree(GOOD, project)
    (project / where).write_text("version: vigil/v1\n" + text if "version" not in text else text, encoding="utf-8")
    result = load_project(project, stack="dev")
    lengths = {str(p.relative_to(project)): p.read_text().count("\n") + 1 for p in project.rglob("*.yaml")}
    for error in result.errors:
        assert error.file in lengths, error
        assert 1 <= error.line <= lengths[error.file], error
        assert error.field
        assert error.message


@settings(max_examples=100, deadline=None)
@given(
    value=st.dictionaries(st.text("abcdefgh", min_size=1, max_size=5), _plain_values, min_size=1, max_size=4),
    key=st.sampled_from(["[k1, k2]", "{k: v}", "[]", "{}", "[[a], {b: c}]"]),
    data=st.data(),
)
def test_a_bad_key_drops_its_pair_and_nothing_else(value: dict[str, Any], key: str, data: st.DataObject) -> None:
    lines = yaml.safe_dump(value, default_flow_style=False, sort_keys=False).splitlines()
    starts = [i for i, line in enumerate(lines) if not line.startswith((" ", "-"))] + [len(lines)]
    at = data.draw(st.sampled_from(starts))
    bad = [f"? {key}", ": [1, 2]"] if data.draw(st.booleans()) else [f"{key}: [1, 2]"]
    doc = parse_text("\n".join([*lines[:at], *bad, *lines[at:]]) + "\n", "k.yaml")
    assert doc.data == yaml.safe_load("\n".join(lines))
    assert [(e.line, e.field) for e in doc.errors] == [(at + 1, "(file)")]
