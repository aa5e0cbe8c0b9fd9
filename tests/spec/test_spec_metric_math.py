"""The metric math parser and function table that `vigil check` uses, and check's verdicts on alarms.

Function names, argument kinds and alarm restrictions are from
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.spec import load_project, metric_math
from vigil.spec.math_parser import Array, Binary, Call, Ident, MathSyntaxError, Node, Number, Unary, parse_syntax
from vigil.spec.rules.context import expression_ids

GOOD = Path(__file__).parent / "good" / "minimal"


def shape(node: Node) -> object:
    """The tree without columns, for comparing parses."""
    if isinstance(node, Binary):
        return (node.op, shape(node.left), shape(node.right))
    if isinstance(node, Unary):
        return (node.op, shape(node.operand))
    if isinstance(node, Call):
        return (node.name, *(shape(a) for a in node.args))
    if isinstance(node, Array):
        return ("[]", *(shape(i) for i in node.items))
    return dataclasses.replace(node, column=0)


@pytest.mark.parametrize(
    ("expr", "same_as"),
    [
        ("a + b * c", "a + (b * c)"),
        ("a - b - c", "(a - b) - c"),
        ("a / b * c", "(a / b) * c"),
        ("2 ^ 3 ^ 2", "2 ^ (3 ^ 2)"),
        ("-a ^ 2", "-(a ^ 2)"),
        ("a > 1 AND b < 2 OR c == 3", "((a > 1) AND (b < 2)) OR (c == 3)"),
        ("a > 1 && b < 2 || c != 3", "((a > 1) AND (b < 2)) OR (c != 3)"),
        ("!a", "NOT a"),
        ("a + b > c * 2", "(a + b) > (c * 2)"),
        ("+a", "a"),
    ],
)
def test_operator_precedence(expr: str, same_as: str) -> None:
    assert shape(parse_syntax(expr)) == shape(parse_syntax(same_as))


def test_columns_point_at_the_token() -> None:
    tree = parse_syntax("errors  /  FILL(total, 0)")
    assert isinstance(tree, Binary)
    assert tree.column == 9
    assert isinstance(tree.right, Call)
    assert tree.right.column == 12
    assert tree.right.args[0] == Ident("total", 17)
    assert tree.right.args[1] == Number(0.0, 24)


@pytest.mark.parametrize(
    ("expr", "message", "column"),
    [
        ("100 * errors / requests)", "unexpected ')' at column 24 (no '(' is open here)", 24),
        ("FIL(m1, 0)", "unknown function 'FIL' at column 1 (did you mean FILL?)", 1),
        ("Errors / m1", "'Errors' is not a metric id: ids start with a lowercase letter (column 1)", 1),
        ("m1 + AVG", "AVG at column 6 is a function: write AVG(...)", 6),
        ("fill(m1, 0)", "functions are written in uppercase: FILL at column 1, not fill", 1),
        ("FILL(m1)", "FILL at column 1 takes 2 arguments, got 1: FILL(TS | TS[], S | TS | REPEAT | LINEAR)", 1),
        ("FILL(m1, REPAET)", "argument 2 of FILL (column 10) must be one of REPEAT, LINEAR", 10),
        ("SORT(METRICS(), MEDIAN, ASC)", "argument 2 of SORT (column 17) must be one of AVG, MIN, MAX, SUM", 17),
        ("(m1 + m2", "expected ')' to close the '(' at column 1, found end of expression at column 9", 9),
        ("m1 +", "the expression ends where a value is expected (column 5)", 5),
        ("m1 m2", "unexpected 'm2' at column 4 (an operator such as + or * is missing before it)", 4),
        ("m1 ** 2", "unexpected '*' at column 5", 5),
        ("m1 % 2", "unexpected character '%' at column 4", 4),
        ("METRICS(\u201cerrors\u201d)", "unexpected character '\u201c' at column 9 (strings use straight quotes", 9),
        ("METRICS('errors)", "unterminated string starting at column 9", 9),
        ("AND m1", "'AND' at column 1 needs a value on its left", 1),
        ("", "the expression is empty", 1),
        ("[m1, 5]", "an array holds time series, not a number (column 6)", 6),
        ("METRICS() + METRICS()", "'+' at column 11 combines two arrays of time series", 11),
        ("IF(m1, METRICS())", "argument 2 of IF (column 8) must be a number or a time series", 8),
        ("PERIOD(m1 * 2)", "PERIOD (column 1) takes a metric id, not an expression", 1),
        ("REPEAT + m1", "REPEAT at column 1 is only valid as an argument of FILL or SORT", 1),
        ("(" * 41 + "m1" + ")" * 41, "the expression nests deeper than 40 levels at column 41", 41),
        ("+".join(["m1"] * 130), "the expression chains more than 120 operations", 31),
    ],
)
def test_errors_are_located_with_a_hint(expr: str, message: str, column: int) -> None:
    with pytest.raises(MathSyntaxError) as info:
        metric_math.parse(expr)
    assert str(info.value).startswith(message)
    assert info.value.column == column


def test_ids_in_order_of_use_without_strings_or_functions() -> None:
    tree = metric_math.parse("100 * FILL(failed, 0) / claimed + SUM(METRICS('failed_x')) - failed")
    assert metric_math.ids(tree) == ["failed", "claimed"]
    assert expression_ids("SEARCH('{Vigil/API} http', 'Sum', 60) + m1") == {"m1"}
    assert expression_ids("100 * (broken") == {"broken"}  # unparsable: the fallback still finds the ids


@pytest.mark.parametrize(
    ("expr", "kind"),
    [
        ("m1", "series"),
        ("MAX(m1)", "scalar"),
        ("MAX(METRICS())", "series"),
        ("METRICS() / 100", "array"),
        ("ANOMALY_DETECTION_BAND(m1)", "array"),
        ("LAST(ANOMALY_DETECTION_BAND(m1, 3))", "series"),
        ("IF(m1 > 3, 1, 0)", "series"),
        ("PERIOD(m1) / 60", "scalar"),
        ("TIME_SERIES(5)", "series"),
        ("SLICE(SORT(METRICS(), SUM, DESC), 0, 10)", "array"),
        ("SUM([m1, m2]) / AVG(m2)", "series"),
    ],
)
def test_result_kinds_follow_the_guides_return_column(expr: str, kind: str) -> None:
    assert metric_math.result_kind(metric_math.parse(expr)) == kind


@pytest.mark.parametrize(
    ("expr", "severity", "message"),
    [
        ("SUM(SEARCH('{Vigil/API} http', 'Sum', 60))", "error", "CloudWatch cannot alarm on SEARCH"),
        ("INSIGHT_RULE_METRIC('rule', 'UniqueContributors')", "error", "INSIGHT_RULE_METRIC reads data outside"),
        ("m1 / SERVICE_QUOTA(m1)", "error", "SERVICE_QUOTA reads data outside"),
        ("m1 - AVG(m1)", "warning", "AVG of one time series is a number over the whole range fetched"),
        ("MAX(m1)", "error", "the expression returns a number"),
        ("IF(!(m1 > 3), m1)", "warning", "NOT/! is not in the user guide's operator table"),
    ],
)
def test_alarm_problems(expr: str, severity: str, message: str) -> None:
    problems = metric_math.alarm_problems(metric_math.parse(expr))
    assert any(p.severity == severity and p.message.startswith(message) for p in problems), problems


def test_table_is_consistent() -> None:
    for name, spec in metric_math.FUNCTIONS.items():
        assert name == spec.name
        assert name == name.upper()
        assert spec.max_args is None or spec.min_args <= spec.max_args
    refused = {n for n, f in metric_math.FUNCTIONS.items() if f.alarm in ("no", "external")}
    assert refused == {"SEARCH", "INSIGHT_RULE_METRIC", "SERVICE_QUOTA", "LAMBDA", "DB_PERF_INSIGHTS"}


# --- properties ----------------------------------------------------------------------------------------------------

_LEAF = st.one_of(
    st.sampled_from(["m1", "m2", "errors", "total_5xx"]).map(lambda n: Ident(n, 0)),
    st.integers(0, 1000).map(lambda v: Number(float(v), 0)),
)
_OPS = ["+", "-", "*", "/", "^", "==", "!=", "<", "<=", ">", ">=", "AND", "OR"]


def _trees(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    return st.one_of(
        st.tuples(st.sampled_from(_OPS), children, children).map(lambda t: Binary(t[0], t[1], t[2], 0)),
        st.tuples(st.sampled_from(["-", "NOT"]), children).map(lambda t: Unary(t[0], t[1], 0)),
        st.tuples(st.sampled_from(["ABS", "FLOOR", "RATE"]), children).map(lambda t: Call(t[0], (t[1],), 0)),
    )


TREES = st.recursive(_LEAF, _trees, max_leaves=12)


def render(node: Node) -> str:
    """Fully parenthesised source text of a tree."""
    if isinstance(node, Binary):
        return f"({render(node.left)} {node.op} {render(node.right)})"
    if isinstance(node, Unary):
        return f"({node.op} {render(node.operand)})"
    if isinstance(node, Call):
        return f"{node.name}({', '.join(render(a) for a in node.args)})"
    if isinstance(node, Number):
        return str(int(node.value))
    assert isinstance(node, Ident)
    return node.name


@given(TREES)
def test_parenthesised_text_parses_back_to_the_same_tree(tree: Node) -> None:
    assert shape(parse_syntax(render(tree))) == shape(tree)


@settings(max_examples=300)
@given(st.text(alphabet="m1eFILSUMAX(),[]'\"+-*/^<>=!&| 0.5_ \t", max_size=40))
def test_any_text_parses_or_fails_with_a_located_error(text: str) -> None:
    column = None
    try:
        tree = metric_math.parse(text)
    except MathSyntaxError as exc:
        column = exc.column
    if column is None:
        assert metric_math.result_kind(tree) in ("scalar", "series", "array")
    else:
        assert 1 <= column <= len(text) + 1


# --- check on real specs -------------------------------------------------------------------------------------------


def _project_with(tmp_path: Path, alarm_yaml: str) -> list[str]:
    project = tmp_path / "project"
    shutil.copytree(GOOD, project)
    (project / "alarms" / "zz.yaml").write_text("version: vigil/v1\nalarms:\n" + alarm_yaml, encoding="utf-8")
    return [str(e) for e in load_project(project, stack="dev").errors if "has no test" not in e.message]


def test_iqm_and_extended_statistics_pass_check(tmp_path: Path) -> None:
    alarms = "".join(
        f"""  s{i}:
    kind: static
    severity: P3
    metric:
      namespace: Shop/API
      metric: http.request.duration
      dimensions: {{Service: api, Environment: dev}}
      statistic: "{stat}"
    threshold: 5
"""
        for i, stat in enumerate(["IQM", "TM(10%:90%)", "tm99", "PR(100:2000)", "TS(80%:)", "p99.9", "WM(:95%)"])
    )
    assert _project_with(tmp_path, alarms) == []


def test_a_math_alarm_using_metrics_counts_its_ids_as_used(tmp_path: Path) -> None:
    alarm = """  x:
    kind: math
    severity: P3
    metrics:
      req_a: {namespace: Shop/API, metric: http.requests, dimensions: {Service: api, Environment: dev}}
      req_b: {namespace: Shop/API, metric: http.errors, dimensions: {Service: api, Environment: dev, StatusClass: 5xx}}
    expression: "SUM(METRICS('req'))"
    threshold: 5
"""
    assert _project_with(tmp_path, alarm) == []


def test_alarm_ranges_outside_putmetricalarms_list_are_warned(tmp_path: Path) -> None:
    # PutMetricAlarm's ExtendedStatistic: "TM(X%:X%) where X is between 10 and 90 inclusive".
    alarm = """  x:
    kind: static
    severity: P3
    metric:
      namespace: Shop/API
      metric: http.request.duration
      dimensions: {Service: api, Environment: dev}
      statistic: "TM(5%:95%)"
    threshold: 5
"""
    assert _project_with(tmp_path, alarm) == [
        "alarms/zz.yaml:10: alarms.x.metric.statistic: warning: the PutMetricAlarm reference lists TM(X%:X%) for "
        "alarms with X between 10 and 90; 'TM(5%:95%)' may be refused at deploy time (dashboards accept it)"
    ]
