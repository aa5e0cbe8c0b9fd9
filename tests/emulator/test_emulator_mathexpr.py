"""Metric math over aligned series: the user guide's tables, every function, errors, properties.

Tables cite https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
("Using metric math": "Comparison and logical operators", "Using IF expressions", "Functions supported").
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.emulator.errors import EvaluateError
from vigil.emulator.mathexpr import IMPLEMENTED, evaluate, evaluate_value
from vigil.emulator.mathvalues import Scalar, SeriesArray
from vigil.spec import metric_math

N = None
T5 = [0, 60, 120, 180, 240]


def ev(expr: str, **series: list[float | None]) -> list[float | None]:
    size = len(next(iter(series.values())))
    return evaluate(expr, series, times=[i * 60 for i in range(size)], period=60)


# --- the guide's tables --------------------------------------------------------------------------------------------

COMPARISON = {"metric1": [30.0, 20.0, 0.0, 0.0], "metric2": [20.0, N, 20.0, N]}


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("(metric1 < metric2)", [0, 0, 1, 0]),
        ("(metric1 >= 30)", [1, 0, 0, 0]),
        ("(metric1 > 15 AND metric2 > 15)", [1, 0, 0, 0]),
        ("(metric1 > 15 && metric2 > 15)", [1, 0, 0, 0]),
    ],
)
def test_comparison_table(expr: str, expected: list[float]) -> None:
    # metric1 [30, 20, 0, 0], metric2 [20, -, 20, -]: a missing value beside a present one counts as 0.
    assert ev(expr, **COMPARISON) == expected


IF_SERIES = {
    "metric1": [1.0, 1.0, 0.0, 0.0, N],
    "metric2": [30.0, N, 0.0, 0.0, 30.0],
    "metric3": [0.0, 0.0, 20.0, N, 20.0],
}


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("IF(metric1, metric2, metric3)", [30, 0, 20, N, N]),
        ("IF(metric1, 5, metric3)", [5, 5, 20, N, N]),
        ("IF(metric1, metric2, 5)", [30, 0, 5, 5, N]),
        ("IF(metric1, metric2)", [30, 0, N, N, N]),  # false and no false value: dropped
    ],
)
def test_if_tables(expr: str, expected: list[float | None]) -> None:
    assert ev(expr, **IF_SERIES) == expected


def test_if_with_a_scalar_condition_picks_a_whole_series() -> None:
    # IF(scalar1, metric2, metric3): metric2 when scalar1 is true, metric3 when false, empty when metric3 is omitted.
    assert ev("IF(1, metric2, metric3)", **IF_SERIES) == IF_SERIES["metric2"]
    assert ev("IF(0, metric2, metric3)", **IF_SERIES) == IF_SERIES["metric3"]
    assert ev("IF(0, metric2)", **IF_SERIES) == [N] * 5
    assert ev("IF(MAX(metric2) > 10, metric3, metric2)", **IF_SERIES) == IF_SERIES["metric3"]


def test_if_use_cases() -> None:
    # "To display only the low values of a metric: IF(metric1<400, metric1)"; "IF(metric1<400, 10, 2)".
    metric1 = [100.0, 500.0, N, 399.0]
    assert ev("IF(metric1<400, metric1)", metric1=metric1) == [100, N, N, 399]
    assert ev("IF(metric1<400, 10, 2)", metric1=metric1) == [10, 2, N, 10]


def test_arithmetic_treats_missing_as_zero_and_drops_division_by_zero() -> None:
    # "Missing values in a time series are treated as 0. If the value of a data point causes a function to attempt
    # to divide by zero, the data point is dropped."
    errors, requests = [5.0, N, 2.0, N, 0.0], [100.0, 50.0, N, N, 0.0]
    assert ev("100 * errors / requests", errors=errors, requests=requests) == [5.0, 0.0, N, N, N]
    assert ev("errors + requests", errors=errors, requests=requests) == [105, 50, 2, N, 0]
    assert ev("errors * 2", errors=errors) == [10, N, 4, N, 0]  # with a number, a missing datapoint stays missing


def test_metrics_function_examples() -> None:
    # "SUM(METRICS()) returns a time series that is the sum of the values of all the graphed metrics";
    # "METRICS()/100 returns an array of time series"; METRICS("errors") matches ids containing 'errors'.
    series = {"errors_a": [1.0, 2.0], "errors_b": [10.0, N], "requests": [100.0, 100.0]}
    times = [0, 60]
    assert evaluate("SUM(METRICS())", series, times=times, period=60) == [111, 102]
    assert evaluate("SUM(METRICS('errors'))", series, times=times, period=60) == [11, 2]
    assert evaluate('SUM(METRICS("errors")) / SUM(METRICS("requests")) * 100', series, times=times, period=60) == [
        11,
        2,
    ]
    array = evaluate_value("METRICS()/100", series, times=times, period=60)
    assert isinstance(array, SeriesArray)
    assert [s.values for s in array.items] == [[0.01, 0.02], [0.1, N], [1.0, 1.0]]
    assert evaluate("SUM([METRICS('a'), METRICS('b')])", series, times=times, period=60) == [11, 2]


def test_metrics_matches_labels_when_given() -> None:
    series = {"m1": [1.0], "m2": [2.0]}
    got = evaluate("SUM(METRICS('5xx'))", series, times=[0], period=60, labels={"m2": "api 5xx"})
    assert got == [2.0]


def test_fill_examples() -> None:
    m1 = [N, 10.0, N, 30.0, N]
    assert ev("FILL(m1, 0)", m1=m1) == [0, 10, 0, 30, 0]
    assert ev("FILL(m1, 2*3)", m1=m1) == [6, 10, 6, 30, 6]
    assert ev("FILL(m1, REPEAT)", m1=m1) == [N, 10, 10, 30, 30]
    assert ev("FILL(m1, LINEAR)", m1=m1) == [N, 10, 20, 30, N]
    assert ev("FILL(m1, MIN(m1))", m1=m1) == [10, 10, 10, 30, 10]
    assert ev("FILL(m1, m2)", m1=m1, m2=[7.0, 8.0, 9.0, 1.0, N]) == [7, 10, 9, 30, N]
    assert ev("SUM(FILL(METRICS(), 0))", m1=m1, m2=[1.0, N, N, N, N]) == [1, 10, 0, 30, 0]


def test_linear_fill_interpolates_in_time() -> None:
    got = evaluate("FILL(m1, LINEAR)", {"m1": [0.0, N, N, 30.0]}, times=[0, 60, 120, 180], period=60)
    assert got == [0, 10, 20, 30]


# --- every function ------------------------------------------------------------------------------------------------

M = [4.0, N, -1.0, 9.0, 2.5]  # one series with a gap and a negative value


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("ABS(m1)", [4, N, 1, 9, 2.5]),
        ("CEIL(m1)", [4, N, -1, 9, 3]),
        ("FLOOR(m1)", [4, N, -1, 9, 2]),
        ("LOG(m1)", [math.log(4), N, N, math.log(9), math.log(2.5)]),
        ("LOG10(m1)", [math.log10(4), N, N, math.log10(9), math.log10(2.5)]),
        ("m1 - AVG(m1)", [0.375, N, -4.625, 5.375, -1.125]),
        ("m1 / DATAPOINT_COUNT(m1)", [1, N, -0.25, 2.25, 0.625]),
        ("m1 - MAX(m1) + MIN(m1)", [-6, N, -11, -1, -7.5]),
        ("TIME_SERIES(SUM(m1))", [14.5] * 5),
        ("TIME_SERIES(STDDEV([1, 2] * 0 + 1) )", None),  # arrays are series only: error below
        ("DIFF(m1)", [N, N, -5, 10, -6.5]),
        ("DIFF_TIME(m1)", [N, N, 120, 60, 60]),
        ("RATE(m1)", [N, N, -5 / 120, 10 / 60, -6.5 / 60]),
        ("RUNNING_SUM(m1)", [4, N, 3, 12, 14.5]),
        ("m1 * 0 + PERIOD(m1)", [60, N, 60, 60, 60]),
        ("TIME_SERIES(METRIC_COUNT(METRICS()))", [2] * 5),
        ("FIRST(SORT(METRICS(), MAX, DESC))", M),
        ("LAST(SORT(METRICS(), MAX, DESC))", [1, 1, 1, 1, 1]),
        ("FIRST(SORT(METRICS(), AVG, ASC, 1))", [1, 1, 1, 1, 1]),
        ("FIRST(SLICE(SORT(METRICS(), SUM, DESC), 1))", [1, 1, 1, 1, 1]),
        ("LAST(SLICE(METRICS(), 0, 1))", M),
        ("SUM(REMOVE_EMPTY(METRICS()))", [5, 1, 0, 10, 3.5]),
        ("MAX(METRICS())", [4, 1, 1, 9, 2.5]),
        ("MIN(METRICS())", [1, 0, -1, 1, 1]),
        ("AVG(METRICS())", [2.5, 0.5, 0, 5, 1.75]),
        ("DATAPOINT_COUNT(METRICS())", [2, 1, 2, 2, 2]),
        ("STDDEV(METRICS())", [1.5, 0.5, 1, 4, 0.75]),
        ("SUM(CONCAT(METRICS(), [m1]))", [9, 1, -1, 19, 6]),
        ("FIRST(ABS(METRICS()))", [4, N, 1, 9, 2.5]),
        ("MINUTE(m1)", [0, 1, 2, 3, 4]),
        ("HOUR(m1) + DATE(m1) + MONTH(m1)", [2, 2, 2, 2, 2]),  # 00:xx on 1 January
        ("YEAR(m1)", [1970] * 5),
        ("DAY(m1)", [4] * 5),  # 1970-01-01 was a Thursday: 1 = Monday .. 7 = Sunday
        ("EPOCH(m1)", [0, 60, 120, 180, 240]),
        ("NOT m1", [0, N, 0, 0, 0]),
        ("!(m1 > 3) || m1 == 2.5", [0, N, 1, 0, 1]),
        ("-m1 ^ 2", [-16, N, -1, -81, -6.25]),
        ("2 ^ -1 * m1", [2, N, -0.5, 4.5, 1.25]),
    ],
)
def test_functions(expr: str, expected: list[float | None] | None) -> None:
    series = {"m1": M, "ones": [1.0] * 5}
    if expected is None:
        with pytest.raises((EvaluateError, metric_math.MathSyntaxError)):
            evaluate(expr, series, times=T5, period=60)
        return
    got = evaluate(expr, series, times=T5, period=60)
    assert got == pytest.approx(expected)


def test_every_function_usable_in_alarms_is_implemented() -> None:
    usable = {f.name for f in metric_math.FUNCTIONS.values() if f.alarm in ("yes", "discouraged")}
    assert usable <= IMPLEMENTED, f"check accepts these in alarms but the evaluator lacks them: {usable - IMPLEMENTED}"
    assert set(metric_math.FUNCTIONS) >= IMPLEMENTED, "the evaluator implements a function check does not know"


def test_anomaly_band_is_upper_then_lower() -> None:
    # "LAST(ANOMALY_DETECTION_BAND(m1)) returns the lower bound of the anomaly prediction band."
    values = [100.0 + (i % 5) for i in range(60)]
    times = [i * 60 for i in range(60)]
    upper = evaluate("FIRST(ANOMALY_DETECTION_BAND(m1, 3))", {"m1": values}, times=times, period=60)
    lower = evaluate("LAST(ANOMALY_DETECTION_BAND(m1, 3))", {"m1": values}, times=times, period=60)
    assert upper[-1] is not None
    assert lower[-1] is not None
    assert lower[-1] < 102 < upper[-1]


# --- errors --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("MAX(m1)", "returns a number, but an alarm watches exactly one time series: wrap it in TIME_SERIES"),
        ("METRICS()", r"returns an array of time series, .* \(this one returns 1\)"),
        ("m1 / nope", "uses 'nope' but no series has that id"),
        ("SERVICE_QUOTA(m1)", "cannot be evaluated offline"),
        ("SUM(SEARCH('{A} x', 'Sum', 60))", "cannot be evaluated offline"),
        ("FIL(m1, 0)", r"unknown function 'FIL' at column 1 \(did you mean FILL\?\)"),
    ],
)
def test_errors_explain_what_to_change(expr: str, message: str) -> None:
    with pytest.raises(EvaluateError, match=message):
        evaluate(expr, {"m1": [1.0]}, times=[0], period=60)


def test_series_must_match_the_grid() -> None:
    with pytest.raises(EvaluateError, match="has 2 datapoints for 1 times"):
        evaluate("m1", {"m1": [1.0, 2.0]}, times=[0], period=60)


def test_evaluate_accepts_a_parsed_tree() -> None:
    tree = metric_math.parse("m1 * 2")
    assert evaluate(tree, {"m1": [1.0, N]}, times=[0, 60], period=60) == [2.0, N]
    assert evaluate_value("AVG(m1)", {"m1": [1.0, 3.0]}, times=[0, 60], period=60) == Scalar(2.0)


# --- properties ----------------------------------------------------------------------------------------------------

points = st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))


def grids(n: int) -> st.SearchStrategy[list[float | None]]:
    return st.lists(points, min_size=n, max_size=n)


@given(st.integers(1, 20).flatmap(lambda n: st.lists(grids(n), min_size=1, max_size=5)))
def test_sum_of_an_array_is_the_elementwise_sum(series: list[list[float | None]]) -> None:
    named = {f"m{i}": s for i, s in enumerate(series)}
    times = [i * 60 for i in range(len(series[0]))]
    got = evaluate("SUM(METRICS())", named, times=times, period=60)
    for i, value in enumerate(got):
        column = [s[i] for s in series]
        if all(v is None for v in column):
            assert value is None
        else:
            assert value == pytest.approx(math.fsum(v or 0.0 for v in column))


@given(grids(12), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_fill_with_a_value_leaves_no_gap(values: list[float | None], filler: float) -> None:
    got = evaluate(f"FILL(m1, {abs(filler):.6f})", {"m1": values}, times=[i * 60 for i in range(12)], period=60)
    assert None not in got
    assert [g for g, v in zip(got, values, strict=True) if v is not None] == [v for v in values if v is not None]


@given(grids(12))
def test_repeat_and_linear_fill_only_gaps_inside_the_data(values: list[float | None]) -> None:
    times = [i * 60 for i in range(12)]
    present = [i for i, v in enumerate(values) if v is not None]
    repeat = evaluate("FILL(m1, REPEAT)", {"m1": values}, times=times, period=60)
    linear = evaluate("FILL(m1, LINEAR)", {"m1": values}, times=times, period=60)
    for i in range(12):
        after_first = bool(present) and i >= present[0]
        assert (repeat[i] is not None) == after_first
        inside = bool(present) and present[0] <= i <= present[-1]
        assert (linear[i] is not None) == inside
        if inside and values[i] is None:
            before = max(j for j in present if j < i)
            after = min(j for j in present if j > i)
            low, high = sorted((values[before], values[after]))  # type: ignore[type-var]
            assert low - 1e-6 <= linear[i] <= high + 1e-6  # type: ignore[operator]


@given(grids(10), st.floats(min_value=-100, max_value=100, allow_nan=False))
def test_if_filter_keeps_only_matching_datapoints(values: list[float | None], threshold: float) -> None:
    threshold = round(threshold, 3)
    got = evaluate(f"IF(m1 > {threshold:.3f}, m1)", {"m1": values}, times=[i * 60 for i in range(10)], period=60)
    assert got == [v if v is not None and v > threshold else None for v in values]


@given(grids(10), grids(10))
def test_results_are_always_finite_or_missing(a: list[float | None], b: list[float | None]) -> None:
    times = [i * 60 for i in range(10)]
    for expr in ("a / b", "a ^ b", "LOG(a) * b", "RATE(a) / DIFF(b)", "a ^ 0.5", "IF(a, b / a, a / b)"):
        for value in evaluate(expr, {"a": a, "b": b}, times=times, period=60):
            assert value is None or math.isfinite(value)


@given(grids(8))
def test_adding_zero_keeps_the_series(values: list[float | None]) -> None:
    assert evaluate("m1 + 0", {"m1": values}, times=[i * 60 for i in range(8)], period=60) == values


# --- what check accepts, the evaluator handles -----------------------------------------------------------------------

_ATOMS = st.sampled_from(["a", "b", "2", "0", "0.5", "METRICS()", "METRICS('a')", "TIME_SERIES(3)"])
_TEMPLATES = [
    "({0} + {1})", "({0} - {1})", "({0} * {1})", "({0} / {1})", "({0} ^ {1})", "({0} > {1})", "({0} <= {1})",
    "({0} AND {1})", "({0} || {1})", "(-{0})", "(NOT {0})", "ABS({0})", "CEIL({0})", "LOG({0})", "DIFF({0})",
    "RATE({0})", "RUNNING_SUM({0})", "FILL({0}, {1})", "FILL({0}, REPEAT)", "FILL({0}, LINEAR)", "IF({0}, {1}, {0})",
    "IF({0}, {1})", "SUM({0})", "AVG([{0}, {1}])", "MAX({0})", "STDDEV({0})", "DATAPOINT_COUNT({0})",
    "FIRST({0})", "LAST(SORT({0}, AVG, DESC))", "SLICE({0}, 1)", "REMOVE_EMPTY({0})", "METRIC_COUNT({0})",
    "TIME_SERIES({0})", "HOUR({0})", "PERIOD({0})",
]  # fmt: skip


def _expressions(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(_TEMPLATES), inner, inner).map(lambda t: t[0].format(t[1], t[2]))


@given(st.recursive(_ATOMS, _expressions, max_leaves=6), grids(6), grids(6))
def test_every_expression_check_accepts_evaluates_or_says_why(
    expr: str, a: list[float | None], b: list[float | None]
) -> None:
    try:
        tree = metric_math.parse(expr)
    except metric_math.MathSyntaxError:
        return  # check rejects it too (e.g. PERIOD of an expression, FIRST of a series)
    times = [i * 60 for i in range(6)]
    if metric_math.result_kind(tree) != "series":
        with pytest.raises(EvaluateError, match="an alarm watches exactly one time series"):
            evaluate(tree, {"a": a, "b": b}, times=times, period=60)
        return
    values = evaluate(tree, {"a": a, "b": b}, times=times, period=60)
    assert len(values) == 6
    assert all(v is None or math.isfinite(v) for v in values)
