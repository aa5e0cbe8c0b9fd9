"""Composite rules: CloudWatch's AlarmRule grammar (AT_LEAST included) parsed and evaluated, and the plan's
rendering of the spec's rule tree meaning the same thing once the emulator reads it back."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.emulator import EvaluateError, parse_rule
from vigil.plan.alarm_rules import render_rule
from vigil.spec.models.rules import AlarmState, AllOf, AnyOf, AtLeast, NotRule, Rule

STATES = ("ALARM", "OK", "INSUFFICIENT_DATA")
WORKERS = ("w1", "w2", "w3", "w4")


def _states(*values: str) -> dict[str, str]:
    return dict(zip(WORKERS, values, strict=True))


# CloudWatch's rule grammar, as the AWS CDK renders it: AT_LEAST(threshold, [NOT ]STATE, (a, b, ...)).
@pytest.mark.parametrize(
    ("rule", "states", "holds"),
    [
        ("AT_LEAST(2, ALARM, (w1, w2, w3, w4))", ("ALARM", "OK", "ALARM", "OK"), True),
        ("AT_LEAST(2, ALARM, (w1, w2, w3, w4))", ("ALARM", "OK", "INSUFFICIENT_DATA", "OK"), False),
        ("AT_LEAST(50%, ALARM, (w1, w2, w3, w4))", ("ALARM", "ALARM", "OK", "OK"), True),
        ("AT_LEAST(51%, ALARM, (w1, w2, w3, w4))", ("ALARM", "ALARM", "OK", "OK"), False),
        ("AT_LEAST(100%, OK, (w1, w2, w3, w4))", ("OK", "OK", "OK", "OK"), True),
        ("AT_LEAST(3, NOT OK, (w1, w2, w3, w4))", ("ALARM", "INSUFFICIENT_DATA", "ALARM", "OK"), True),
        ("AT_LEAST(1, INSUFFICIENT_DATA, (w1, w2, w3, w4))", ("OK", "OK", "OK", "OK"), False),
        ("AT_LEAST(1, NOT INSUFFICIENT_DATA, (w1, w2, w3, w4))", ("INSUFFICIENT_DATA",) * 4, False),
        ('AT_LEAST(1, ALARM, ("w1", "w2", w3, w4)) AND NOT ALARM(w4)', ("OK", "ALARM", "OK", "OK"), True),
        (
            "AT_LEAST(1, ALARM, (arn:aws:cloudwatch:eu-west-1:123456789012:alarm:w1, w2, w3, w4))",
            ("ALARM", "OK", "OK", "OK"),
            True,
        ),
    ],
)
def test_at_least_counts_children_in_the_state(rule: str, states: tuple[str, ...], holds: bool) -> None:
    assert parse_rule(rule).holds(_states(*states)) is holds
    assert parse_rule(rule).children() == WORKERS


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("AT_LEAST(5, ALARM, (w1, w2))", "count 5 is not within 1..2"),
        ("AT_LEAST(0%, ALARM, (w1, w2))", "percentage 0% is not within 1%..100%"),
        ("AT_LEAST(2, MAYBE, (w1, w2))", "expected ALARM, OK or INSUFFICIENT_DATA but found 'MAYBE' at column 13"),
        ("AT_LEAST(2, ALARM, w1, w2)", "expected ( but found 'w1'"),
        ("AT_LEAST(two, ALARM, (w1, w2))", "expected a count or a percentage but found 'two' at column 10"),
        ("ALARM(w1) AND", "expected a rule but found the end"),
        ('ALARM("w1)', "unterminated quote at column 7"),
        ("ALARM(w1) ALARM(w2)", "unexpected 'ALARM' at column 11 after a complete rule"),
    ],
)
def test_malformed_rules_say_what_and_where(rule: str, message: str) -> None:
    with pytest.raises(EvaluateError, match=re.escape(message)):
        parse_rule(rule)


def test_precedence_not_then_and_then_or() -> None:
    # NOT binds tightest, then AND, then OR: TRUE OR (FALSE AND FALSE), and (NOT FALSE) AND TRUE.
    assert parse_rule("TRUE OR FALSE AND FALSE").holds({})
    assert parse_rule("NOT FALSE AND TRUE").holds({})
    assert not parse_rule("NOT (FALSE OR TRUE)").holds({})


# --- the plan's rendering read back by the emulator means what the spec tree means ------------------------------

_present = st.sampled_from(WORKERS)
_leaf = st.one_of(
    _present,
    st.builds(AlarmState, alarm=_present, state=st.sampled_from(STATES)),
    st.builds(
        lambda names, k, pct, state: AtLeast(
            at_least=f"{pct}%" if pct else min(k, len(names)), of=tuple(names), state=state
        ),
        st.lists(_present, min_size=1, max_size=4, unique=True),
        st.integers(1, 4),
        st.one_of(st.none(), st.integers(1, 100)),
        st.sampled_from(["ALARM", "OK", "INSUFFICIENT_DATA", "NOT ALARM", "NOT OK", "NOT INSUFFICIENT_DATA"]),
    ),
)
_rules: st.SearchStrategy[Rule] = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: AllOf(all=tuple(xs))),
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: AnyOf(any=tuple(xs))),
        inner.map(lambda x: NotRule(not_=x)),
    ),
    max_leaves=8,
)


def _meaning(rule: Rule, states: dict[str, str | None]) -> bool:
    """The spec's meaning, written independently: an absent alarm (None) is in no state at all."""
    if isinstance(rule, str):
        return states[rule] == "ALARM"
    if isinstance(rule, AlarmState):
        return states[rule.alarm] == rule.state
    if isinstance(rule, AllOf):
        return all(_meaning(r, states) for r in rule.all)
    if isinstance(rule, AnyOf):
        return any(_meaning(r, states) for r in rule.any)
    if isinstance(rule, NotRule):
        return not _meaning(rule.not_, states)
    negated = rule.state.startswith("NOT ")
    wanted = rule.state.removeprefix("NOT ")
    count = sum((states[n] == wanted) != negated for n in rule.of)
    if rule.percent is not None:
        return count * 100 >= rule.percent * len(rule.of)
    return count >= int(rule.at_least)


@settings(max_examples=300, deadline=None)
@given(
    rule=_rules,
    states=st.tuples(*[st.one_of(st.none(), st.sampled_from(STATES))] * 4),
)
def test_rendered_rule_means_the_spec_rule_even_with_alarms_absent_from_the_stack(
    rule: Rule, states: tuple[str | None, ...]
) -> None:
    by_name = dict(zip(WORKERS, states, strict=True))
    absent = frozenset(n for n, s in by_name.items() if s is None)
    text, children = render_rule(
        rule,
        alarm_names={n: f"vigil-dev-{n}" for n in WORKERS if n not in absent},
        slo_alarms={},
        owner="quorum",
        absent=absent,
    )
    parsed = parse_rule(text)
    assert set(parsed.children()) == set(children)
    physical = {f"vigil-dev-{n}": s for n, s in by_name.items() if s is not None}
    assert parsed.holds(physical) is _meaning(rule, by_name), text
