"""Period statistics: the user guide's definitions, and one grammar shared by `vigil check` and the evaluator.

Cases cite https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html
("CloudWatch statistics definitions").
"""

from __future__ import annotations

import math
import statistics as stdlib_statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.emulator.errors import EvaluateError
from vigil.emulator.statistics import aggregate, combinable
from vigil.emulator.store import MetricKey, MetricStore
from vigil.spec import enums
from vigil.spec.statistic import StatisticError, parse_statistic

HUNDRED = [float(v) for v in range(1, 101)]  # 1..100: percent bounds land on whole samples
samples = st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=60)
percent = st.integers(min_value=0, max_value=100)


# --- the guide's own examples -------------------------------------------------------------------------------------


def test_basic_statistics() -> None:
    # "Average is the value of Sum/SampleCount during the specified period."
    values = [2.0, 4.0, 9.0]
    assert aggregate(values, "SampleCount") == 3.0
    assert aggregate(values, "Sum") == 15.0
    assert aggregate(values, "Average") == 5.0
    assert aggregate(values, "Minimum") == 2.0
    assert aggregate(values, "Maximum") == 9.0


def test_tm90_removes_the_highest_ten_percent() -> None:
    # "tm90 calculates the average after removing the 10% of data points with the highest values."
    assert aggregate(HUNDRED, "tm90") == stdlib_statistics.mean(range(1, 91))
    assert aggregate(HUNDRED, "tm90") == aggregate(HUNDRED, "TM(:90%)")  # "It is the same as TM(:99%)" for tm99


def test_tm_range_removes_both_tails() -> None:
    # "TM(2%:98%) calculates the average after removing the 2% lowest data points and the 2% highest data points."
    assert aggregate(HUNDRED, "TM(2%:98%)") == stdlib_statistics.mean(range(3, 99))


def test_tm_value_bounds_exclude_the_lower_and_include_the_upper_bound() -> None:
    # "TM(150:1000) calculates the average after removing all data points that are lower than or equal to 150,
    # or higher than 1000."
    assert aggregate([100.0, 150.0, 200.0, 1000.0, 1001.0], "TM(150:1000)") == 600.0


def test_iqm_is_the_trimmed_mean_of_the_middle_half() -> None:
    # "Interquartile mean (IQM) ... is equivalent to TM(25%:75%)."
    assert aggregate(HUNDRED, "IQM") == stdlib_statistics.mean(range(26, 76))
    assert aggregate([10.0, 20.0, 30.0, 40.0], "IQM") == 25.0


def test_wm98_caps_the_top_two_percent_at_p98() -> None:
    # "wm98 calculates the average while treating the 2% of the highest values to be equal to the value at the
    # 98th percentile."
    expected = (sum(range(1, 99)) + 98 + 98) / 100
    assert aggregate(HUNDRED, "wm98") == expected
    assert aggregate(HUNDRED, "p98") == 98.0


def test_wm_range_caps_both_tails_at_the_edges() -> None:
    # "WM(10%:90%) ... treating the highest 10% of data points to be the value of the 90% boundary, and treating
    # the lowest 10% of data points to be the value of the 10% boundary."
    expected = (11 * 10 + sum(range(11, 91)) + 90 * 10) / 100
    assert aggregate(HUNDRED, "WM(10%:90%)") == expected


def test_wm_value_bounds_clamp_to_the_bounds() -> None:
    assert aggregate([100.0, 200.0, 5000.0], "WM(150:1000)") == (150 + 200 + 1000) / 3


def test_percentile_rank() -> None:
    # "PR(:300) returns the percentage of data points that have a value of 300 or less. PR(100:2000) returns the
    # percentage of data points that have a value between 100 and 2000." Lower bound exclusive, upper inclusive.
    values = [50.0, 100.0, 300.0, 301.0, 2000.0, 2001.0, 10.0, 20.0]
    assert aggregate(values, "PR(:300)") == 100 * 5 / 8
    assert aggregate(values, "PR(100:2000)") == 100 * 3 / 8  # 300, 301, 2000; not 100
    assert aggregate(values, "PR(5000:)") == 0.0


def test_trimmed_count_and_sum() -> None:
    # "TC(0.005:0.030) returns the number of data points with values between 0.005 (exclusive) and 0.030
    # (inclusive)." "TS is equivalent to (Trimmed Mean) * (Trimmed count)."
    values = [0.001, 0.005, 0.01, 0.03, 0.031]
    assert aggregate(values, "TC(0.005:0.030)") == 2.0
    assert aggregate(values, "TS(0.005:0.030)") == pytest.approx(0.04)
    assert aggregate(HUNDRED, "tc90") == 90.0
    assert aggregate(HUNDRED, "ts90") == float(sum(range(1, 91)))
    # "TS(80%:) returns the sum of the data point values, not including any data points with values in the lowest
    # 80% of the range of values."
    assert aggregate(HUNDRED, "TS(80%:)") == float(sum(range(81, 101)))


def test_p99_is_the_maximum_and_tm99_the_average_of_the_remaining_99_percent() -> None:
    # "Both p99 and tm99 ignore the 1% of the data points with the highest values ... After that, p99 is the
    # maximum value of the remaining 99%, while tm99 is the average of the remaining 99%."
    values = [float(v) for v in range(1, 201)]
    assert aggregate(values, "p99") == 198.0
    assert aggregate(values, "tm99") == stdlib_statistics.mean(range(1, 199))


# --- edge cases the docstrings promise ----------------------------------------------------------------------------


@pytest.mark.parametrize("stat", ["SampleCount", "Sum", "p50", "IQM", "tc90", "TS(1:2)", "PR(:3)", "WM(10%:90%)"])
def test_an_empty_period_has_no_datapoint(stat: str) -> None:
    assert aggregate([], stat) is None


def test_nothing_in_range() -> None:
    values = [1.0, 2.0]
    assert aggregate(values, "TM(150:1000)") is None
    assert aggregate(values, "TC(150:1000)") == 0.0
    assert aggregate(values, "TS(150:1000)") == 0.0
    assert aggregate(values, "PR(150:1000)") == 0.0
    assert aggregate(values, "tm0") is None


def test_extreme_percentiles_are_the_minimum_and_maximum() -> None:
    assert aggregate([3.0, 1.0, 2.0], "p0") == 1.0
    assert aggregate([3.0, 1.0, 2.0], "p100") == 3.0
    assert aggregate([3.0, 1.0, 2.0], "p0.0000000001") == 1.0


def test_percentile_bounds_use_exact_arithmetic() -> None:
    # 0.95 * 100 is 95.00000000000001 in floating point; the 95th sample of 100 must still be p95.
    assert aggregate(HUNDRED, "p95") == 95.0
    assert aggregate(HUNDRED, "p99.9") == 100.0
    assert aggregate(HUNDRED, "TC(:95%)") == 95.0


def test_combinable_only_for_statistic_sets() -> None:
    assert [combinable(s) for s in ("SampleCount", "Sum", "Minimum", "Maximum", "Average")] == [True] * 5
    assert not any(combinable(s) for s in ("p99", "IQM", "tm90", "PR(:1)"))


def test_the_store_aggregates_an_extended_statistic_per_period() -> None:
    key = MetricKey.of("N", "latency", {})
    store = MetricStore()
    for second in range(60):
        store.add(key, second, [float(second), 1000.0 if second == 59 else 0.0])
    assert store.datapoints(key, "IQM", 60, [60]) == [
        aggregate([float(s) for s in range(60)] + [0.0] * 59 + [1000.0], "IQM")
    ]
    assert store.datapoints(key, "PR(:500)", 60, [60, 120]) == [100 * 119 / 120, None]


# --- properties ---------------------------------------------------------------------------------------------------


@given(samples, percent, percent)
def test_percentiles_are_monotone_in_p(values: list[float], a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert aggregate(values, f"p{low}") <= aggregate(values, f"p{high}")  # type: ignore[operator]


@given(samples, st.decimals(min_value=0, max_value=100, places=3))
def test_a_percentile_is_an_observed_sample(values: list[float], p: object) -> None:
    result = aggregate(values, f"p{p}")
    assert result in values
    assert min(values) <= result <= max(values)  # type: ignore[operator]


@given(samples)
def test_trimming_nothing_is_the_average(values: list[float]) -> None:
    average = aggregate(values, "Average")
    for stat in ("TM(0%:100%)", "tm100", "WM(0%:100%)", "wm100"):
        assert aggregate(values, stat) == pytest.approx(average, rel=1e-12, abs=1e-9)


@given(samples, percent, percent)
def test_trimmed_sum_is_trimmed_mean_times_trimmed_count(values: list[float], a: int, b: int) -> None:
    low, high = sorted((a, b))
    if low == high:
        return
    rng = f"({low}%:{high}%)"
    mean, count, total = (aggregate(values, f + rng) for f in ("TM", "TC", "TS"))
    assert count is not None
    assert total is not None
    if count == 0:
        assert mean is None
        assert total == 0.0
    else:
        assert mean is not None
        assert total == pytest.approx(mean * count, rel=1e-9, abs=1e-6)
        low, high = aggregate(values, "Minimum"), aggregate(values, "Maximum")
        assert low is not None
        assert high is not None
        slack = 1e-9 * max(abs(low), abs(high), 1.0)  # the mean of equal floats may round one ulp outside
        assert low - slack <= mean <= high + slack


@given(samples, st.floats(min_value=0, max_value=1e6), st.floats(min_value=0, max_value=1e6))
def test_percentile_rank_is_a_percentage_of_samples_in_range(values: list[float], a: float, b: float) -> None:
    low, high = sorted((round(a, 3), round(b, 3)))
    if low == high:
        return
    result = aggregate(values, f"PR({low}:{high})")
    assert result == pytest.approx(100 * sum(low < v <= high for v in values) / len(values))


# --- check and evaluate read one grammar --------------------------------------------------------------------------

_NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=150).map(str),
    st.decimals(min_value=0, max_value=2000, places=2).map(str),
    st.sampled_from(["", "0.00000000001", "007", "1e3", "-5", ".5", "100.0"]),
)
_BOUND = st.tuples(_NUMBERS, st.sampled_from(["", "%"])).map("".join)
_CANDIDATES = st.one_of(
    st.sampled_from(
        [*enums.statistics(), "IQM", "iqm", "Avg", "average", "P99", "TM99", "tm(10%:90%)", "PR(:)", "TM(:)", "p"]
    ),
    st.tuples(st.sampled_from(["p", "tm", "wm", "tc", "ts", "pr", "TM", "P"]), _NUMBERS).map("".join),
    st.tuples(st.sampled_from(["TM", "WM", "TC", "TS", "PR", "tm", "XX"]), _BOUND, _BOUND).map(
        lambda t: f"{t[0]}({t[1]}:{t[2]})"
    ),
)

INVALID = [
    "Avg", "average", "iqm", "P99", "p101", "p100.5", "p99.12345678901", "p-1", "p1e2", "TM99", "tm(10%:90%)",
    "TM(90%:10%)", "TM(10%:10%)", "TM(:)", "TM(10%:500)", "PR(10%:90%)", "PR(:)", "TM(:101%)", "TM(.5:1)",
    "WM(1:1)", "pr(1:2)", "Percentile", "p 99", " p99", "p99 ", "TM (1:2)", "TM(1:2", "", "IQM()", "tm",
]  # fmt: skip


@given(_CANDIDATES)
def test_check_accepts_exactly_what_the_evaluator_aggregates(stat: str) -> None:
    accepted = enums.is_statistic(stat)
    try:
        value = aggregate([1.0, 2.0, 3.0, 40.0, 500.0], stat)
    except EvaluateError:
        assert not accepted, f"check accepts {stat!r} but the evaluator cannot aggregate it"
        return
    assert accepted, f"the evaluator aggregates {stat!r} but check rejects it"
    assert value is None or math.isfinite(value)
    if stat not in enums.statistics():
        assert enums.EXTENDED_STATISTIC.match(stat), f"{stat!r} accepted but not in EXTENDED_STATISTIC's syntax"


@pytest.mark.parametrize("stat", INVALID)
def test_invalid_forms_are_rejected_by_both(stat: str) -> None:
    assert not enums.is_statistic(stat)
    with pytest.raises(EvaluateError):
        aggregate([1.0], stat)


@pytest.mark.parametrize(
    "stat", ["IQM", "p0", "p99.9999999999", "p100", "tm99", "TM(:95%)", "TS(80%:)", "TC(:0.5)", "PR(100:2000)"]
)
def test_documented_forms_are_accepted_by_both(stat: str) -> None:
    assert enums.is_statistic(stat)
    assert aggregate([1.0, 2.0], stat) is not None
    assert enums.is_extended(stat)


def test_errors_say_how_to_write_the_statistic() -> None:
    with pytest.raises(StatisticError, match=r"written lowercase \(tm99\)"):
        parse_statistic("TM99")
    with pytest.raises(StatisticError, match="must be percentages or both metric values"):
        parse_statistic("TM(10%:500)")
    with pytest.raises(StatisticError, match=r"case-sensitive: write IQM"):
        parse_statistic("iqm")
    with pytest.raises(StatisticError, match="101 is not a percentage"):
        parse_statistic("p101")


# API reference (GetMetricStatistics) and user guide: "Percentile statistics are not available for metrics when any
# of the metric values are negative numbers." Trimmed/winsorized means, counts, sums and ranks share the machinery.
PERCENTILE_TYPE = ["p50", "p99.9", "tm90", "TM(10%:90%)", "IQM", "wm99", "tc90", "ts90", "PR(:300)", "TC(0:5)"]


@pytest.mark.parametrize("stat", PERCENTILE_TYPE)
def test_percentile_type_statistics_are_unavailable_with_a_negative_value(stat: str) -> None:
    assert aggregate([-1.0, 2.0, 3.0], stat) is None
    assert aggregate([0.0, 2.0, 3.0], stat) is not None


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=30), st.sampled_from(PERCENTILE_TYPE))
def test_any_negative_sample_removes_the_datapoint_and_the_basic_statistics_stay(
    values: list[float], stat: str
) -> None:
    if min(values) < 0:
        assert aggregate(values, stat) is None
    for basic in ("SampleCount", "Sum", "Average", "Minimum", "Maximum"):
        assert aggregate(values, basic) is not None
