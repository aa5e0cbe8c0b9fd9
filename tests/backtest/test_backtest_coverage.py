"""What a backtest can and cannot know: the start of a log (the past is unknown, not missing), alarms whose data
logs do not carry (not evaluated, said in text, JSON and HTML), and the plot headers (M of N from the plan)."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examples.scenarios.generate import load_namespaces, write_scenario
from examples.scenarios.library import WEEK_START, Scenario
from vigil.backtest import backtest_logs
from vigil.backtest.plots import describe, render_html
from vigil.backtest.report import render_text
from vigil.cli.main import main
from vigil.emulator import MetricKey, MetricStore, evaluate_alarms
from vigil.emulator.engine import first_evaluation
from vigil.plan.stack import load_stack_plan
from vigil.plan.types import NO_ACTIONS, AlarmsPlan, MetricAlarmPlan, MetricStatPlan
from vigil.spec.models.common import Severity

ROOT = Path(__file__).resolve().parents[2]
HOUR = 3600


@pytest.fixture(scope="module")
def quiet_hour(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One hour of normal traffic, as a user's first try with a short log."""
    scenario = Scenario("quiet-hour", "one normal hour", None, WEEK_START + 10 * HOUR, WEEK_START + 11 * HOUR)
    path = tmp_path_factory.mktemp("hour") / "hour.log.gz"
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        assert write_scenario(scenario, stream, load_namespaces()) == {}
    return path


@pytest.fixture(scope="module")
def prod_hour(quiet_hour: Path):  # type: ignore[no-untyped-def]
    plan = load_stack_plan(ROOT, "prod").plan
    return plan, backtest_logs(plan, [quiet_hour])


def test_a_one_hour_log_pages_nobody_at_its_start(prod_hour) -> None:  # type: ignore[no-untyped-def]
    plan, result = prod_hour
    breaching = [a.name for a in plan.alarms.metric_alarms if a.treat_missing_data == "breaching"]
    assert breaching  # the class at risk: missing-is-breaching alarms (heartbeats, probes, canaries)
    assert result.pages == []
    assert result.evaluation.start == WEEK_START + 10 * HOUR  # the report starts at the first datapoint


def test_no_alarm_is_evaluated_on_periods_before_the_log(prod_hour) -> None:  # type: ignore[no-untyped-def]
    plan, result = prod_hour
    first = WEEK_START + 10 * HOUR
    by_name = {a.name: a for a in plan.alarms.metric_alarms}
    for name, timeline in result.evaluation.timelines.items():
        if name in by_name and timeline.evaluated:
            assert timeline.times[0] >= first_evaluation(by_name[name], first), name


def test_aws_metric_alarms_are_not_evaluated_in_text_json_and_html(prod_hour) -> None:  # type: ignore[no-untyped-def]
    plan, result = prod_hour
    own = {ns.namespace for ns in plan.namespaces}
    aws = sorted(a.name for a in plan.alarms.metric_alarms if a.metric and a.metric.namespace not in own)
    assert aws
    assert set(aws) <= set(result.not_evaluated)
    text = render_text(result)
    assert f"Not evaluated: {len(result.not_evaluated)} alarm(s)" in text
    for name in aws:
        line = next(x for x in text.splitlines() if f" {name}: " in x)
        assert "not evaluated: it reads " in line, line
        assert line.endswith("metrics, which logs do not contain"), line
    data = json.loads(json.dumps(result.to_json()))
    entries = {a["name"]: a for a in data["alarms"]}
    assert data["not_evaluated"] == result.not_evaluated
    assert all(entries[n]["evaluated"] is False and entries[n]["note"].startswith("not evaluated") for n in aws)
    page = render_html(result)
    assert all(f">{name}</a></td><td>" in page for name in aws)
    assert page.count("<td>not evaluated</td>") == len(result.not_evaluated)


def test_long_window_alarms_the_log_cannot_fill_say_so(prod_hour) -> None:  # type: ignore[no-untyped-def]
    _, result = prod_hour
    long = [n for n in result.not_evaluated if n.endswith("-long")]
    assert long, result.not_evaluated
    assert "needs " in result.evaluation.timelines[long[0]].note


def test_plot_header_m_of_n_comes_from_the_plan(prod_hour) -> None:  # type: ignore[no-untyped-def]
    plan, result = prod_hour
    for alarm in plan.alarms.metric_alarms:
        _, rule = describe(alarm, result.evaluation.timelines[alarm.name])
        n = alarm.evaluation_periods
        assert f"ALARM when {alarm.datapoints_to_alarm or n} of {n} datapoints" in rule
        assert rule.startswith("NOT EVALUATED") == (not result.evaluation.timelines[alarm.name].evaluated)


def test_help_states_when_evaluation_starts() -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        main(["backtest", "--help"])
    assert "the N periods it evaluates (N x period) lie after the first datapoint" in " ".join(out.getvalue().split())


def _heartbeat(n: int, period: int) -> MetricAlarmPlan:
    metric = MetricStatPlan("N", "beat", {}, period, "Sum")
    return MetricAlarmPlan(
        "beat", "heartbeat", Severity.P1, "", "LessThanThreshold", n, None, "breaching", NO_ACTIONS, 1, metric=metric
    )


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5), st.sampled_from([60, 300]), st.integers(1, 180))
def test_a_steady_heartbeat_never_alarms_whatever_the_log_length(n: int, period: int, minutes: int) -> None:
    store = MetricStore()
    for minute in range(minutes):
        store.add(MetricKey.of("N", "beat", {}), 600_000 + minute * 60, 1.0)
    end = 600_000 + minutes * 60
    timeline = evaluate_alarms(AlarmsPlan((_heartbeat(n, period),), ()), store, 600_000, end, data_start=600_000)
    beat = timeline.timelines["beat"]
    assert "ALARM" not in beat.states
    assert beat.evaluated == (600_000 + n * period <= end)
