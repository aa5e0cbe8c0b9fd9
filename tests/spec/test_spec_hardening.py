"""Classes of input `vigil check` used to get wrong: names YAML retypes, cascades, endpoints, limits, one parse."""

from __future__ import annotations

import itertools
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import vigil.spec.loader as loader_module
from vigil.plan.alarm_rules import render_rule
from vigil.spec import ParseCache, load_project
from vigil.spec.models import AlarmState, AllOf, AnyOf, AtLeast, NotRule, Rule, StaticAlarm
from vigil.spec.rules.alarm_limits import rule_text, slo_page_alarms
from vigil.spec.rules.alarms import find_cycles
from vigil.spec.rules.context import Context
from vigil.spec.rules.endpoints import endpoint_problem
from vigil.spec.slo import page_alarm_names
from vigil.spec.yaml_source import parse_text

HERE = Path(__file__).parent
GOOD = HERE / "good" / "minimal"
REPO = HERE.parent.parent
REF = "{namespace: Shop/API, metric: http.requests, dimensions: {Service: api, Environment: dev}}"


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "p"
    shutil.copytree(GOOD, root)
    for rel, text in files.items():
        (root / rel).write_text(text, encoding="utf-8")
    return root


def _errors(root: Path, stack: str = "dev") -> list[str]:
    return [str(e) for e in load_project(root, stack=stack).errors if e.severity == "error"]


@pytest.mark.parametrize("name", ["2024-12-31", "60", "1e3", "0x1f", "123-456"])
def test_names_yaml_reads_as_dates_or_numbers_are_names(name: str, tmp_path: Path) -> None:
    alarms = (
        f"version: vigil/v1\nalarms:\n  {name}:\n    kind: static\n    severity: P3\n    threshold: 1\n"
        f"    metric: {REF}\n  wrap:\n    kind: composite\n    severity: P3\n    rule: {{any: [{name}, latency-p95]}}\n"
    )
    dashboard = f"version: vigil/v1\ndashboards:\n  d:\n    widgets: [{{type: alarm_status, alarms: [{name}]}}]\n"
    root = _project(tmp_path, {"alarms/zz.yaml": alarms, "dashboards/zz.yaml": dashboard})
    assert _errors(root) == []
    assert name in load_project(root, stack="dev").project.alarms


def test_values_yaml_retypes_are_taken_as_written() -> None:
    doc = parse_text("a: 1.10\nb: [2024-12-31, yes, 010]\nc: 'quoted'\n", "x.yaml")
    assert doc.data == {"a": 1.1, "b": [doc.data["b"][0], True, 8], "c": "quoted"}
    assert doc.raw == {("a",): "1.10", ("b", 0): "2024-12-31", ("b", 1): "yes", ("b", 2): "010"}


def test_dimension_value_that_looks_like_a_number_keeps_its_text(tmp_path: Path) -> None:
    metrics = (HERE / "good" / "minimal" / "metrics" / "api.yaml").read_text()
    metrics = metrics.replace("values: [2xx, 3xx, 4xx, 5xx]", "values: [2xx, 3xx, 4xx, 5xx, '1.10']")
    alarms = (
        "version: vigil/v1\nalarms:\n  x:\n    kind: static\n    severity: P3\n    threshold: 1\n"
        "    metric: {namespace: Shop/API, metric: http.errors, dimensions: {Service: api, Environment: dev, StatusClass: 1.10}}\n"
    )
    root = _project(tmp_path, {"metrics/api.yaml": metrics, "alarms/zz.yaml": alarms})
    assert _errors(root) == []
    alarm = load_project(root, stack="dev").project.alarms["x"]
    assert isinstance(alarm, StaticAlarm)
    assert alarm.metric.dimensions["StatusClass"] == "1.10"  # not 1.1


def _stack(**values: str) -> str:
    lines = ["config:", "  vigil:environment: dev", "  vigil:runbook_base_url: https://github.com/shop/monitoring"]
    lines += [f"  vigil:{key}: {value}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


ROUTING = (
    "version: vigil/v1\nrouting:\n  P1:\n    subscriptions:\n      - {kind: sms, endpoint: {config: phone}}\n"
    "  P2:\n    subscriptions: [{kind: webhook, endpoint: {config: hook}}]\n  P3: {}\n  P4: {}\n"
)


def test_phone_numbers_yaml_reads_as_integers_keep_their_plus(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "alarms/routing.yaml": ROUTING,
            "stacks/Pulumi.dev.yaml": _stack(phone="+14155550123", hook="https://chat.example.com/x"),
        },
    )
    assert _errors(root) == []
    stack = load_project(root, stack="dev").project.stack
    assert stack is not None
    assert stack.values["phone"] == "+14155550123"


@pytest.mark.parametrize(
    ("values", "line", "wrong"),
    [
        ({"phone": "4155550123", "hook": "https://chat.example.com/x"}, 4, "is not an E.164 phone number"),
        ({"phone": "+14155550123", "hook": "http://chat.example.com/x"}, 5, "is not an https:// URL"),
        ({"phone": "+1 415 555 0123", "hook": "https://chat.example.com/x"}, 4, "is not an E.164 phone number"),
    ],
)
def test_malformed_endpoints_are_errors_at_the_stack_value(
    values: dict[str, str], line: int, wrong: str, tmp_path: Path
) -> None:
    root = _project(tmp_path, {"alarms/routing.yaml": ROUTING, "stacks/Pulumi.dev.yaml": _stack(**values)})
    errors = load_project(root, stack="dev").errors
    hits = [e for e in errors if e.severity == "error"]
    assert len(hits) == 1, hits
    assert (hits[0].file, hits[0].line) == ("stacks/Pulumi.dev.yaml", line)
    assert wrong in hits[0].message


@given(st.emails())
def test_every_valid_email_is_accepted(address: str) -> None:
    if address.isascii() and "." in address.rsplit("@", 1)[1] and address.rsplit(".", 1)[1].isalpha():
        assert endpoint_problem("email", address) is None


@given(st.text(max_size=20))
def test_sms_endpoints_are_exactly_e164(value: str) -> None:
    valid = (
        value.startswith("+")
        and value[1:].isdigit()
        and value[1:].isascii()
        and 2 <= len(value[1:]) <= 15
        and value[1] != "0"
    )
    assert (endpoint_problem("sms", value) is None) == valid


# One bad value in the shipped catalog gives exactly one error, in the file that has it.
CASCADES = [
    ("alarms/api.yaml", "threshold:", "threshold: [1]\n    threshold_x:", 2),
    ("metrics/api.yaml", "namespace: Vigil/API", "namespace: Vigil API", 1),
    ("metrics/api.yaml", "unit: Count", "unit: [Count]", 1),
    ("metrics/api.yaml", "unit: Milliseconds", "unit: Millis", 1),
    ("alarms/api.yaml", "version: vigil/v1", "version: vigil/v1\nbogus: 1", 1),
    ("alarms/jobs.yaml", "severity: P1", "severity: P9", 1),
    (
        "dashboards/" + sorted(p.name for p in (REPO / "dashboards").glob("*.yaml"))[0],
        "widgets:",
        "widgets: 5\n  x-widgets:",
        2,
    ),
]


@pytest.mark.parametrize(("rel", "old", "new", "expected"), CASCADES, ids=lambda v: str(v)[:24])
def test_one_bad_value_does_not_cascade(rel: str, old: str, new: str, expected: int, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    for folder in ("metrics", "alarms", "dashboards", "stacks"):
        shutil.copytree(REPO / folder, root / folder)
    text = (root / rel).read_text(encoding="utf-8")
    assert old in text
    (root / rel).write_text(text.replace(old, new, 1), encoding="utf-8")
    for stack in ("dev", "prod"):
        errors = [e for e in load_project(root, stack=stack).errors if e.severity == "error"]
        assert len(errors) <= expected, "\n".join(map(str, errors))
        assert {e.file for e in errors} == {rel}, "\n".join(map(str, errors))


def test_the_good_alarms_of_a_file_with_a_bad_one_still_load(tmp_path: Path) -> None:
    text = (GOOD / "alarms" / "api.yaml").read_text().replace("band: 2", "band: -2")
    root = _project(tmp_path, {"alarms/api.yaml": text})
    result = load_project(root, stack="dev")
    assert [e.field for e in result.errors if e.severity == "error"] == ["alarms.latency-anomaly.band"]
    assert "latency-anomaly" not in result.project.alarms
    latency = result.project.alarms["latency-p95"]
    assert isinstance(latency, StaticAlarm)
    assert latency.threshold == 8


def test_check_over_several_stacks_parses_each_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path, {})
    shutil.copy(root / "stacks" / "Pulumi.dev.yaml", root / "stacks" / "Pulumi.prod.yaml")
    calls: Counter[str] = Counter()
    real = loader_module.load_yaml

    def counting(path: Path, display: str | None = None, loader: Any = None) -> Any:
        calls[str(display)] += 1
        return real(path, display, loader)

    monkeypatch.setattr(loader_module, "load_yaml", counting)
    cache = ParseCache()
    shared = [load_project(root, stack=s, cache=cache).errors for s in ("dev", "prod")]
    assert calls
    assert max(calls.values()) == 1, calls
    assert shared == [load_project(root, stack=s).errors for s in ("dev", "prod")]


def test_a_changed_file_is_parsed_again(tmp_path: Path) -> None:
    root = _project(tmp_path, {})
    cache = ParseCache()
    assert load_project(root, stack="dev", cache=cache).ok
    path = root / "alarms" / "api.yaml"
    path.write_text(path.read_text() + "bogus: 1\n")
    assert [e.field for e in load_project(root, stack="dev", cache=cache).errors if e.severity == "error"] == ["bogus"]


_names = st.sampled_from(["latency-p95", "worker-down", "errors-logged", "availability", "error-rate"])
_alarm_names = st.sampled_from(["latency-p95", "worker-down", "errors-logged", "error-rate"])
_at_least = st.builds(
    lambda names, pct: AtLeast(at_least=f"{pct}%" if pct else len(names), of=tuple(names)),
    st.lists(_alarm_names, min_size=1, max_size=4, unique=True),
    st.one_of(st.none(), st.integers(1, 100)),
)
_rules: st.SearchStrategy[Rule] = st.recursive(
    st.one_of(
        _names,
        st.builds(AlarmState, alarm=_names, state=st.sampled_from(["ALARM", "OK", "INSUFFICIENT_DATA"])),
        _at_least,
    ),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=4).map(lambda xs: AllOf(all=tuple(xs))),
        st.lists(inner, min_size=1, max_size=4).map(lambda xs: AnyOf(any=tuple(xs))),
        inner.map(lambda x: NotRule(not_=x)),
    ),
    max_leaves=20,
)


@settings(max_examples=100, deadline=None)
@given(rule=_rules)
def test_rule_length_is_what_the_plan_renders(rule: Rule) -> None:
    result = load_project(GOOD)
    ctx = Context(project=result.project, sources=result.sources, root=GOOD)
    slos = {n: page_alarm_names(n, s) for n, s in result.project.slos.items()}
    text, children = render_rule(rule, alarm_names={n: n for n in result.project.alarms}, slo_alarms=slos, owner="x")
    size, names = rule_text(rule, slo_page_alarms(ctx))
    assert size == len(text)
    assert names == set(children)


_graphs = st.dictionaries(st.sampled_from("abcdefgh"), st.sets(st.sampled_from("abcdefghxy"), max_size=4), max_size=8)


def _has_cycle(graph: dict[str, set[str]]) -> bool:
    """Kahn's algorithm: a graph is acyclic when every node can be removed in topological order."""
    edges = {n: {m for m in out if m in graph} for n, out in graph.items()}
    indegree = Counter(m for out in edges.values() for m in out)
    ready = [n for n in edges if indegree[n] == 0]
    removed = 0
    while ready:
        node = ready.pop()
        removed += 1
        for m in edges[node]:
            indegree[m] -= 1
            if indegree[m] == 0:
                ready.append(m)
    return removed < len(edges)


@given(graph=_graphs)
def test_composite_cycles_are_found_exactly_when_there_is_one(graph: dict[str, set[str]]) -> None:
    cycles = find_cycles(graph)
    assert bool(cycles) == _has_cycle(graph)
    for cycle in cycles:
        assert cycle[0] == cycle[-1]
        assert all(b in graph[a] for a, b in itertools.pairwise(cycle))


def test_cycle_search_is_linear_on_layered_composites() -> None:
    """40 layers of 40 composites, each naming the whole next layer: 40**40 paths, no cycle."""
    layers = [[f"l{d}-{w}" for w in range(40)] for d in range(40)]
    graph = {
        name: set(layers[d + 1]) if d + 1 < len(layers) else set() for d, layer in enumerate(layers) for name in layer
    }
    assert find_cycles(graph) == []
    graph["l39-0"] = {"l0-0"}
    assert find_cycles(graph)[0][0] == "l0-0"


def test_an_alarm_in_more_than_150_composites_is_an_error(tmp_path: Path) -> None:
    lines = ["version: vigil/v1", "alarms:"]
    lines += [f"  c{i}: {{kind: composite, severity: P4, rule: worker-down}}" for i in range(150)]  # + platform-down
    root = _project(tmp_path, {"alarms/zz.yaml": "\n".join(lines) + "\n"})
    errors = [e for e in load_project(root, stack="dev").errors if e.severity == "error"]
    assert [(e.file, e.field) for e in errors] == [("alarms/api.yaml", "alarms.worker-down")]
    assert "appears in 151 composite rules; CloudWatch allows 150" in errors[0].message
