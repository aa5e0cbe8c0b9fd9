"""The metric alarm state machine against the CloudWatch user guide's own tables and examples.

Source: Amazon CloudWatch User Guide, "Configuring how CloudWatch alarms treat missing data", section "How alarm
state is evaluated when data is missing" (doc_source/AlarmThatSendsEmail.md in awsdocs/amazon-cloudwatch-user-guide,
and the current alarms-and-missing-data page). In the tables, 0 is a non-breaching datapoint, X a breaching one
and - a missing one; CloudWatch retrieves the 5 most recent datapoints (the evaluation range) for N = 3.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.emulator.alarm import breaches, decide, evaluation_range

MODES = ("missing", "ignore", "breaching", "notBreaching")
RETAIN = "retain"


def _points(row: str) -> list[bool | None]:
    return [{"0": False, "X": True, "-": None}[c] for c in row.split()]


# Table 1: Datapoints to Alarm = Evaluation Periods = 3.
TABLE_1 = [
    ("0 - X - X", ("OK", "OK", "OK", "OK")),
    ("0 - - - -", ("OK", "OK", "OK", "OK")),
    ("- - - - -", ("INSUFFICIENT_DATA", RETAIN, "ALARM", "OK")),
    ("0 X X - X", ("ALARM", "ALARM", "ALARM", "ALARM")),
    ("- - X - -", ("ALARM", RETAIN, "ALARM", "OK")),  # current page (the archived one had "- - - - X")
    ("X - - - -", ("ALARM", RETAIN, "ALARM", "OK")),  # archived page, sixth row
]

# Table 2: Datapoints to Alarm = 2, Evaluation Periods = 3 (an M out of N alarm).
TABLE_2 = [
    ("0 - X - X", ("ALARM", "ALARM", "ALARM", "ALARM")),
    ("0 0 X 0 X", ("ALARM", "ALARM", "ALARM", "ALARM")),
    ("0 - X - -", ("OK", "OK", "ALARM", "OK")),
    ("- - - - 0", ("OK", "OK", "ALARM", "OK")),
    ("- - X - -", ("ALARM", RETAIN, "ALARM", "OK")),
]


@pytest.mark.parametrize(("row", "expected"), TABLE_1, ids=[r for r, _ in TABLE_1])
@pytest.mark.parametrize("current", ["OK", "ALARM", "INSUFFICIENT_DATA"])
def test_table_1_three_of_three(row: str, expected: tuple[str, ...], current: str) -> None:
    for mode, want in zip(MODES, expected, strict=True):
        got = decide(_points(row), n=3, m=3, treat=mode, current=current)  # type: ignore[arg-type]
        assert got == (current if want == RETAIN else want), f"{row} {mode}"


@pytest.mark.parametrize(("row", "expected"), TABLE_2, ids=[r for r, _ in TABLE_2])
@pytest.mark.parametrize("current", ["OK", "ALARM", "INSUFFICIENT_DATA"])
def test_table_2_two_of_three(row: str, expected: tuple[str, ...], current: str) -> None:
    for mode, want in zip(MODES, expected, strict=True):
        got = decide(_points(row), n=3, m=2, treat=mode, current=current)  # type: ignore[arg-type]
        assert got == (current if want == RETAIN else want), f"{row} {mode}"


def test_the_guide_retrieves_five_datapoints_for_three_evaluation_periods() -> None:
    assert evaluation_range(3) == 5


def test_m_out_of_n_breaching_points_need_not_be_consecutive() -> None:
    # User guide, "Evaluating an alarm": "The breaching data points do not have to be consecutive".
    assert decide(_points("0 0 X 0 X X"[2:]), n=4, m=3, treat="missing", current="OK") == "ALARM"


def test_the_guide_figure_three_of_three_then_dip() -> None:
    # "Evaluating an alarm" figure: threshold 3, 3 of 3; ALARM in periods 3-5, OK at 6, one breach at 9 stays OK.
    values = [1, 2, 4, 4, 4, 2, 1, 2, 4, 2]
    states = []
    for i in range(len(values)):
        window = [None if j < 0 else breaches("GreaterThanThreshold", values[j], 3) for j in range(i - 4, i + 1)]
        states.append(decide(window, n=3, m=3, treat="missing", current=states[-1] if states else "INSUFFICIENT_DATA"))
    assert states[4] == "ALARM"
    assert states[5] == "OK"
    assert states[8] == "OK"


points = st.lists(st.sampled_from([True, False, None]), min_size=1, max_size=12)


@given(points, st.integers(1, 10), st.data())
def test_never_breaching_never_alarms_unless_missing_is_breaching(
    window: list[bool | None], n: int, data: st.DataObject
) -> None:
    m = data.draw(st.integers(1, n))
    calm = [None if p is None else False for p in window]
    for mode in ("missing", "ignore", "notBreaching"):
        assert decide(calm, n=n, m=m, treat=mode, current="OK") != "ALARM"


@given(st.integers(1, 10), st.integers(0, 12), st.sampled_from(["OK", "ALARM", "INSUFFICIENT_DATA"]))
def test_ignore_keeps_the_state_through_an_all_missing_range(n: int, extra: int, current: str) -> None:
    assert decide([None] * (n + extra), n=n, m=n, treat="ignore", current=current) == current  # type: ignore[arg-type]


@given(points, st.integers(1, 10), st.data())
def test_adding_non_breaching_data_never_turns_ok_into_alarm(
    window: list[bool | None], n: int, data: st.DataObject
) -> None:
    m = data.draw(st.integers(1, n))
    mode = data.draw(st.sampled_from(MODES))
    before = decide(window, n=n, m=m, treat=mode, current="OK")
    missing = [i for i, p in enumerate(window) if p is None]
    if before != "OK" or not missing:
        return
    filled = list(window)
    filled[data.draw(st.sampled_from(missing))] = False
    assert decide(filled, n=n, m=m, treat=mode, current="OK") == "OK"


@given(points, st.integers(1, 10), st.data())
def test_a_full_range_of_real_datapoints_ignores_treat_missing_data(
    window: list[bool | None], n: int, data: st.DataObject
) -> None:
    m = data.draw(st.integers(1, n))
    real = [p for p in window if p is not None]
    if len(real) < n:
        return
    results = {decide(window, n=n, m=m, treat=mode, current="INSUFFICIENT_DATA") for mode in MODES}
    assert len(results) == 1


def test_band_comparisons_need_both_bounds() -> None:
    assert breaches("LessThanLowerOrGreaterThanUpperThreshold", 5.0, 4.0, lower=1.0) is True
    assert breaches("LessThanLowerOrGreaterThanUpperThreshold", 2.0, 4.0, lower=1.0) is False
    assert breaches("GreaterThanUpperThreshold", 5.0, None, lower=None) is None


# User guide, "Avoiding premature transitions to alarm state": "alarms are designed to always go into ALARM state
# when the oldest available breaching datapoint during the Evaluation Periods number of data points is at least as
# old as the value of Datapoints to Alarm, and all other more recent data points are breaching or missing. [...]
# This alarm logic applies to M out of N alarms as well."
PREMATURE = [
    # (row, N, M, state from OK with treat missing)
    ("- - - - X", 3, 3, "OK"),  # the breaching datapoint is 1 period old: the next one may not breach
    ("- - - X -", 3, 3, "OK"),  # 2 periods old
    ("- - X - -", 3, 3, "ALARM"),  # 3 periods old = M: the guide's table row
    ("- - - X X", 3, 3, "OK"),  # two breaching, the oldest 2 periods old
    ("- - X X -", 3, 3, "ALARM"),
    ("- - - - - - X", 5, 4, "OK"),  # 4 out of 5: one breaching datapoint no longer fires the alarm
    ("- - - X - - -", 5, 4, "ALARM"),  # ... until it is 4 periods old
    ("- - - - X - -", 5, 4, "OK"),
    ("- - - X 0 - -", 5, 4, "OK"),  # a newer datapoint that does not breach: OK
]


@pytest.mark.parametrize(("row", "n", "m", "expected"), PREMATURE, ids=[f"{r} {m}/{n}" for r, n, m, _ in PREMATURE])
def test_premature_transitions_to_alarm_are_avoided(row: str, n: int, m: int, expected: str) -> None:
    assert decide(_points(row), n=n, m=m, treat="missing", current="OK") == expected


def test_a_premature_breach_keeps_the_current_state() -> None:
    # Not yet ALARM does not mean OK: an alarm already in ALARM (or without data) stays where it is.
    for current in ("ALARM", "INSUFFICIENT_DATA"):
        assert decide(_points("- - - - X"), n=3, m=3, treat="missing", current=current) == current


@given(
    st.integers(1, 8),
    st.data(),
    st.sampled_from(["OK", "ALARM", "INSUFFICIENT_DATA"]),
)
def test_all_breaching_sparse_data_alarms_exactly_when_the_oldest_breach_is_m_periods_old(
    n: int, data: st.DataObject, current: str
) -> None:
    m = data.draw(st.integers(1, n))
    width = evaluation_range(n)
    breaching = data.draw(st.sets(st.integers(0, width - 1), min_size=1, max_size=min(m - 1, n - 1) or 1))
    window: list[bool | None] = [True if i in breaching else None for i in range(width)]
    if sum(p is not None for p in window) >= n or len(breaching) >= m:
        return  # enough real datapoints (or breaches) decide on their own
    oldest_age = width - min(breaching)
    got = decide(window, n=n, m=m, treat="missing", current=current)  # type: ignore[arg-type]
    assert got == ("ALARM" if oldest_age >= m else current)


@given(st.integers(1, 8), st.data())
def test_a_lone_breach_on_a_sparse_metric_fires_m_minus_one_periods_later(n: int, data: st.DataObject) -> None:
    # Sliding the evaluation range over "X" followed by silence: ALARM first when the X is M periods old.
    m = data.draw(st.integers(1, n))
    width = evaluation_range(n)
    series: list[bool | None] = [True] + [None] * (width + 2)
    state = "INSUFFICIENT_DATA"
    fired_at = None
    for t in range(len(series)):
        window = [series[j] if j >= 0 else None for j in range(t - width + 1, t + 1)]
        state = decide(window, n=n, m=m, treat="missing", current=state)  # type: ignore[arg-type]
        if state == "ALARM" and fired_at is None:
            fired_at = t
    assert fired_at == m - 1  # M <= N < the evaluation range, so the X is still in range then
