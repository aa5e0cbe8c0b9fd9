"""The engine over real plans: evaluation cadence, periods, high resolution, composites, anomaly bands."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.emulator.composite import parse_rule
from vigil.emulator.engine import evaluate_alarms
from vigil.emulator.errors import EvaluateError
from vigil.emulator.store import MetricKey, MetricStore
from vigil.plan.types import NO_ACTIONS, AlarmsPlan, CompositeAlarmPlan, MetricAlarmPlan, MetricStatPlan
from vigil.spec.models.common import Severity

KEY = MetricKey.of("N", "m", {"Service": "api"})


def _alarm(
    name: str = "a",
    *,
    period: int = 60,
    stat: str = "Sum",
    threshold: float = 5,
    n: int = 1,
    m: int | None = None,
    treat: str = "missing",
    op: str = "GreaterThanThreshold",
) -> MetricAlarmPlan:
    metric = MetricStatPlan("N", "m", {"Service": "api"}, period, stat)
    return MetricAlarmPlan(
        name, "static", Severity.P1, "", op, n, m, treat, NO_ACTIONS, threshold=threshold, metric=metric
    )


def _store(values: list[float | None], step: int = 60, high_res: bool = False) -> MetricStore:
    store = MetricStore()
    for i, value in enumerate(values):
        if value is not None:
            store.add(KEY, i * step, value, high_resolution=high_res)
    return store


def test_alarm_starts_insufficient_and_is_evaluated_every_minute() -> None:
    timeline = evaluate_alarms(AlarmsPlan((_alarm(),), ()), _store([1, 1, 9]), 0, 420).timelines["a"]
    assert timeline.times == [0, 60, 120, 180, 240, 300, 360, 420]
    assert timeline.state_at(-1) == "INSUFFICIENT_DATA"
    # After the data stops, the last datapoint stays in the evaluation range (N + 2 = 3 periods) and keeps the
    # alarm in ALARM, as the user guide warns; then the range is empty and `missing` gives INSUFFICIENT_DATA.
    assert [(t.time, t.new) for t in timeline.transitions] == [(60, "OK"), (180, "ALARM"), (360, "INSUFFICIENT_DATA")]


def test_a_five_minute_period_slides_with_the_minute() -> None:
    # Sum over [T-300, T): 5 samples of 2 per minute starting at minute 3 -> Sum 10 first at T = 480.
    store = _store([0, 0, 0, 2, 2, 2, 2, 2, 2])
    timeline = evaluate_alarms(AlarmsPlan((_alarm(period=300, threshold=9),), ()), store, 0, 540).timelines["a"]
    assert timeline.first_alarm() == 480


def test_high_resolution_alarm_is_evaluated_every_ten_seconds() -> None:
    store = _store([1] * 12 + [9] * 6, step=10, high_res=True)
    timeline = evaluate_alarms(AlarmsPlan((_alarm(period=10),), ()), store, 0, 180).timelines["a"]
    assert timeline.times[:3] == [0, 10, 20]
    assert timeline.first_alarm() == 130


def test_standard_resolution_buckets_by_the_minute() -> None:
    store = MetricStore()
    store.add(KEY, 5, 1.0)
    store.add(KEY, 59, 2.0)
    store.add(KEY, 60, 4.0)
    assert store.datapoints(KEY, "Sum", 60, [60, 120]) == [3.0, 4.0]


def test_m_out_of_n_over_a_series() -> None:
    values: list[float | None] = [9, 0, 9, 0, 0, 9, 9]
    alarm = _alarm(n=3, m=2)
    timeline = evaluate_alarms(AlarmsPlan((alarm,), ()), _store(values), 0, 420).timelines["a"]
    # At 60 s the one breaching datapoint is 1 period old, less than M = 2: no premature ALARM (user guide).
    expected = [(120, "OK"), (180, "ALARM"), (240, "OK"), (420, "ALARM")]
    assert [(t.time, t.new) for t in timeline.transitions] == expected


def test_notbreaching_missing_data_is_ok_and_breaching_alarms() -> None:
    quiet = evaluate_alarms(AlarmsPlan((_alarm(treat="notBreaching"),), ()), MetricStore(), 0, 120)
    assert quiet.timelines["a"].state_at(120) == "OK"
    loud = evaluate_alarms(
        AlarmsPlan((_alarm(treat="breaching", op="LessThanThreshold", threshold=1),), ()), MetricStore(), 0, 120
    )
    assert loud.timelines["a"].state_at(120) == "ALARM"


def test_composite_is_evaluated_from_its_first_evaluation_then_follows_its_rule() -> None:
    # PutCompositeAlarm: INSUFFICIENT_DATA at creation, "The alarm is then evaluated and its state is set
    # appropriately": with both children still INSUFFICIENT_DATA the rule is FALSE, so OK at once.
    a = _alarm("a", threshold=5)
    b = _alarm("b", threshold=100)
    parent = CompositeAlarmPlan(
        "p", "composite", Severity.P1, "", 'ALARM("a") AND NOT ALARM("b")', ("a", "b"), NO_ACTIONS
    )
    result = evaluate_alarms(AlarmsPlan((a, b), (parent,)), _store([1, 1, 9, 9, 1]), 0, 300)
    timeline = result.timelines["p"]
    assert timeline.state_at(-1) == "INSUFFICIENT_DATA"
    assert [(t.time, t.new) for t in timeline.transitions] == [(0, "OK"), (180, "ALARM"), (300, "OK")]
    assert "TRUE" in timeline.transitions[1].reason


def test_composite_over_children_that_never_change_is_not_insufficient_forever() -> None:
    # A child on a metric nobody emits stays INSUFFICIENT_DATA; the composite is still evaluated.
    silent = _alarm("silent")
    guard = CompositeAlarmPlan("g", "composite", Severity.P1, "", "ALARM(silent)", ("silent",), NO_ACTIONS)
    watch = CompositeAlarmPlan("w", "composite", Severity.P1, "", "INSUFFICIENT_DATA(silent)", ("silent",), NO_ACTIONS)
    result = evaluate_alarms(AlarmsPlan((silent,), (guard, watch)), MetricStore(), 0, 600)
    assert set(result.timelines["silent"].states) == {"INSUFFICIENT_DATA"}
    assert set(result.timelines["g"].states) == {"OK"}
    assert set(result.timelines["w"].states) == {"ALARM"}
    skipped = evaluate_alarms(AlarmsPlan((silent,), (guard,)), MetricStore(), 0, 600, skip={"silent": "AWS metric"})
    assert set(skipped.timelines["g"].states) == {"OK"}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(0, 10)), min_size=1, max_size=20))
def test_a_composite_is_insufficient_data_only_before_its_first_evaluation(values: list[float | None]) -> None:
    child = _alarm("c")
    parent = CompositeAlarmPlan("p", "composite", Severity.P1, "", "ALARM(c)", ("c",), NO_ACTIONS)
    timeline = evaluate_alarms(AlarmsPlan((child,), (parent,)), _store(values), 0, 60 * len(values)).timelines["p"]
    assert "INSUFFICIENT_DATA" not in timeline.states
    assert timeline.transitions[0].old == "INSUFFICIENT_DATA"


def test_composite_rule_forms() -> None:
    rule = parse_rule('(ALARM(a) OR OK("b c")) AND NOT INSUFFICIENT_DATA(d) OR FALSE')
    assert rule.children() == ("a", "b c", "d")
    assert rule.holds({"a": "ALARM", "d": "OK"})
    assert not rule.holds({"a": "ALARM", "d": "INSUFFICIENT_DATA"})
    assert parse_rule("TRUE").holds({})
    assert not parse_rule("NOT TRUE").holds({})


@pytest.mark.parametrize("text", ["ALARM(a) AND", "ALARM(a) OR OR OK(b)", "ALARM(a))", "MAYBE(a)", "(ALARM(a)"])
def test_bad_rules_are_refused_with_a_reason(text: str) -> None:
    with pytest.raises(EvaluateError, match="alarm rule"):
        parse_rule(text)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(0, 4.9)), min_size=1, max_size=40), st.integers(1, 5))
def test_a_series_that_never_crosses_never_alarms(values: list[float | None], n: int) -> None:
    for treat in ("missing", "ignore", "notBreaching"):
        alarm = _alarm(n=n, threshold=5, treat=treat)
        timeline = evaluate_alarms(AlarmsPlan((alarm,), ()), _store(values), 0, 60 * len(values)).timelines["a"]
        assert "ALARM" not in timeline.states


def test_anomaly_band_alarm_is_labelled_approximate() -> None:
    from vigil.plan.types import MetricQueryPlan

    metric = MetricStatPlan("N", "m", {"Service": "api"}, 60, "Sum")
    alarm = MetricAlarmPlan(
        "band",
        "anomaly",
        Severity.P2,
        "",
        "GreaterThanUpperThreshold",
        3,
        3,
        "notBreaching",
        NO_ACTIONS,
        threshold_metric_id="ad1",
        metric_queries=(
            MetricQueryPlan("m1", True, metric=metric),
            MetricQueryPlan("ad1", True, expression="ANOMALY_DETECTION_BAND(m1, 2)"),
        ),
    )
    values: list[float | None] = [100.0 + (i % 5) for i in range(90)] + [400.0] * 5
    timeline = evaluate_alarms(AlarmsPlan((alarm,), ()), _store(values), 0, 60 * 95).timelines["band"]
    assert timeline.approximate
    assert "approximat" in timeline.note
    assert timeline.first_alarm() == 60 * 93
    assert timeline.lower is not None
    assert timeline.lower[-1] is not None


def test_range_dependent_math_is_evaluated_over_each_evaluation_range() -> None:
    """FILL(m, REPEAT) repeats the last value inside the fetched range only: once the last real datapoint has
    left the range (N + 2 = 3 periods), there is nothing to repeat, so the alarm sees no data."""
    from vigil.plan.types import MetricQueryPlan

    metric = MetricStatPlan("N", "m", {"Service": "api"}, 60, "Sum")
    alarm = MetricAlarmPlan(
        "repeat",
        "math",
        Severity.P1,
        "",
        "GreaterThanThreshold",
        1,
        1,
        "missing",
        NO_ACTIONS,
        threshold=5,
        metric_queries=(
            MetricQueryPlan("m", False, metric=metric),
            MetricQueryPlan("e", True, expression="FILL(m, REPEAT)"),
        ),
    )
    timeline = evaluate_alarms(AlarmsPlan((alarm,), ()), _store([9.0]), 0, 600).timelines["repeat"]
    assert [(t.time, t.new) for t in timeline.transitions] == [(60, "ALARM"), (240, "INSUFFICIENT_DATA")]


def _percentile_alarm(low_samples: str | None) -> MetricAlarmPlan:
    metric = MetricStatPlan("N", "m", {"Service": "api"}, 60, "p50")
    return MetricAlarmPlan(
        "a",
        "static",
        Severity.P1,
        "",
        "GreaterThanThreshold",
        1,
        None,
        "missing",
        NO_ACTIONS,
        threshold=5,
        metric=metric,
        extended_statistic="p50",
        evaluate_low_sample_count_percentile=low_samples,
    )


def test_low_sample_count_percentile_ignore_holds_the_state_until_enough_samples() -> None:
    # User guide, "Percentile-based alarms and low data samples": below p0.5 ... for p50, fewer than 10/(1-0.5) = 20
    # samples: with `ignore` the alarm does not change state; with `evaluate` (the default) it does.
    store = MetricStore()
    for minute, count in enumerate([5, 5, 25]):
        for i in range(count):
            store.add(KEY, minute * 60 + i % 60, 9.0)
    held = evaluate_alarms(AlarmsPlan((_percentile_alarm("ignore"),), ()), store, 0, 180).timelines["a"]
    assert [(t.time, t.new) for t in held.transitions] == [(180, "ALARM")]  # 25 samples in the minute ending 180
    default = evaluate_alarms(AlarmsPlan((_percentile_alarm(None),), ()), store, 0, 180).timelines["a"]
    assert default.first_alarm() == 60
