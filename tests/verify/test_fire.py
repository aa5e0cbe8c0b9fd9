"""``vigil fire`` against moto: the notification in CloudWatch's format reaches a loopback webhook."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.cli import fire as cli
from vigil.cli.main import build_parser
from vigil.plan.stack import LoadedStack
from vigil.plan.types import MetricAlarmPlan
from vigil.verify import AwsTarget, VerifyError, apply_plan
from vigil.verify.errors import UnknownAlarmError
from vigil.verify.fire import EMULATED, find_alarm, fire
from vigil.verify.message import cloudwatch_time, subject
from vigil.verify.receiver import webhook_receiver

from .conftest import ROOT

pytestmark = pytest.mark.integration

CLOUDWATCH_KEYS = {
    "AlarmName", "AlarmDescription", "AWSAccountId", "AlarmConfigurationUpdatedTimestamp", "NewStateValue",
    "NewStateReason", "StateChangeTime", "Region", "AlarmArn", "OldStateValue", "OKActions", "AlarmActions",
    "InsufficientDataActions", "Trigger",
}  # fmt: skip


def hooked(target: AwsTarget, dev: LoadedStack, url: str) -> None:
    """Apply the plan and subscribe ``url`` to every alarm topic (the stand-in for the Slack channels)."""
    applied = apply_plan(target, dev.plan, dev.config_value)
    for arn in applied.topic_arns.values():
        target.client("sns").subscribe(TopicArn=arn, Protocol="http", Endpoint=url)


def test_fire_on_the_emulator_delivers_cloudwatchs_message(target: AwsTarget, dev: LoadedStack) -> None:
    name = find_alarm(dev.plan, "ai-cost").name  # the spec name finds the alarm whatever the stack prefix
    with webhook_receiver() as hook:
        hooked(target, dev, hook.url)
        result = fire(target, dev.plan, "ai-cost")
        alarm_note, ok_note = hook.wait_for(2)
    assert result.states == ["ALARM", "OK"]
    assert [title for title, _ in result.published] == [
        f'ALARM: "{name}" in US East (N. Virginia)',
        f'OK: "{name}" in US East (N. Virginia)',
    ]
    assert alarm_note.envelope["Subject"] == f'ALARM: "{name}" in US East (N. Virginia)'
    message = alarm_note.message
    assert set(message) == CLOUDWATCH_KEYS
    assert message["NewStateValue"] == "ALARM"
    assert message["OldStateValue"] == "OK"
    assert message["NewStateReason"].startswith(EMULATED)
    assert message["Region"] == "US East (N. Virginia)"
    assert message["AlarmArn"] == f"arn:aws:cloudwatch:us-east-1:123456789012:alarm:{name}"
    assert message["AlarmActions"] == [result.topic_arn]
    # ai-cost is a metric-math alarm (spend, or cost per call at peak volume): its Trigger lists the queries, as
    # CloudWatch's notification of a math alarm does.
    trigger = message["Trigger"]
    stats = [q["MetricStat"] for q in trigger["Metrics"] if "MetricStat" in q]
    assert {(s["Metric"]["MetricName"], s["Metric"]["Namespace"], s["Stat"]) for s in stats} == {
        ("llm.cost_usd", "Vigil/Worker", "Sum"),
        ("llm.cost_usd", "Vigil/Worker", "SampleCount"),
    }
    (returned,) = [q for q in trigger["Metrics"] if q["ReturnData"]]  # the expression is what the alarm evaluates
    assert "Expression" in returned
    assert "MetricStat" not in returned
    assert all(set(d) == {"name", "value"} for s in stats for d in s["Metric"]["Dimensions"])
    assert ok_note.message["NewStateValue"] == "OK"
    state = target.client("cloudwatch").describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["StateValue"]
    assert state == "OK"
    assert [(s.protocol, s.endpoint) for s in result.subscriptions] == [("http", hook.url)]
    assert not any(s.pending for s in result.subscriptions)


def test_a_math_alarm_message_carries_its_metrics(target: AwsTarget, dev: LoadedStack) -> None:
    math = find_alarm(dev.plan, "worker-error-rate")  # a math alarm that notifies in dev
    assert isinstance(math, MetricAlarmPlan)
    with webhook_receiver() as hook:
        hooked(target, dev, hook.url)
        fire(target, dev.plan, math.name)
        (note, _ok) = hook.wait_for(2)
    trigger = note.message["Trigger"]
    assert [m["Id"] for m in trigger["Metrics"]] == [q.id for q in math.metric_queries]
    first = next(q for q in math.metric_queries if q.metric is not None)
    assert first.metric is not None
    assert trigger["Metrics"][0]["MetricStat"]["Metric"]["Namespace"] == first.metric.namespace
    assert "MetricName" not in trigger


def test_fire_refuses_a_topic_that_would_post_outside_loopback(target: AwsTarget, dev: LoadedStack) -> None:
    apply_plan(target, dev.plan, dev.config_value, subscribe_external=True)  # AWS Chatbot's https endpoint
    with pytest.raises(VerifyError, match=r"subscriptions outside 127\.0\.0\.1"):
        fire(target, dev.plan, "ai-cost")


def test_unknown_alarm_suggests_close_names(dev: LoadedStack) -> None:
    with pytest.raises(UnknownAlarmError, match=r"did you mean '(vigil-dev-)?worker-down'"):
        find_alarm(dev.plan, "worker-dwn")


def test_cli_lists_subscriptions_and_their_confirmation(target: AwsTarget, dev: LoadedStack, emulator_url: str) -> None:
    with webhook_receiver() as hook:
        hooked(target, dev, hook.url)
        out, err = io.StringIO(), io.StringIO()
        args = ["fire", "ai-cost", "--project", str(ROOT), "--stack", "dev", "--endpoint", emulator_url]
        assert cli.run(build_parser().parse_args(args), out, err) == 0, err.getvalue()
        hook.wait_for(1)
    text = out.getvalue()
    name = find_alarm(dev.plan, "ai-cost").name
    assert f"{name}: ALARM -> OK on emulator" in text
    assert f'published by Vigil (the emulator runs no alarm actions): ALARM: "{name}"' in text
    assert f"subscription http   {hook.url}: confirmed" in text


def test_cli_an_alarm_without_actions_notifies_nobody(target: AwsTarget, dev: LoadedStack, emulator_url: str) -> None:
    apply_plan(target, dev.plan, dev.config_value)
    out = io.StringIO()
    args = ["fire", "api-availability-burn-5m-1h-short", "--project", str(ROOT), "--stack", "dev"]
    assert cli.run(build_parser().parse_args([*args, "--endpoint", emulator_url]), out, io.StringIO()) == 1
    assert "has no actions: nobody is notified" in out.getvalue()  # a burn-rate child: its composite pages


@given(st.floats(min_value=0, max_value=4_000_000_000, allow_nan=False))
def test_cloudwatch_time_is_utc_with_milliseconds(epoch: float) -> None:
    text = cloudwatch_time(epoch)
    parsed = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")
    assert text.endswith("+0000")
    assert len(text) == 28
    assert abs(parsed.timestamp() - epoch) < 0.001


@given(st.text(min_size=1, max_size=255))
def test_subject_fits_sns(name: str) -> None:
    title = subject("ALARM", name, "eu-west-1")
    assert len(title) <= 100
    assert title.startswith('ALARM: "')
    json.dumps(title)


def test_on_aws_fire_sets_the_states_and_publishes_nothing_itself(
    emulator_url: str, target: AwsTarget, dev: LoadedStack
) -> None:
    """The AWS path (CloudWatch runs the actions), exercised against moto's API with emulation turned off."""
    aws = AwsTarget("us-east-1", endpoint_url=emulator_url, emulator=False)
    with webhook_receiver() as hook:
        hooked(target, dev, hook.url)
        result = fire(aws, dev.plan, "ai-cost", hold_seconds=0)
        delivered = hook.wait_for(1, timeout=1.5)
    assert result.states == ["ALARM", "OK"]
    assert result.published == []  # on AWS, CloudWatch publishes; Vigil never does
    assert delivered == []  # moto runs no alarm actions, which is why the emulator path publishes
    name = find_alarm(dev.plan, "ai-cost").name
    alarm = aws.client("cloudwatch").describe_alarms(AlarmNames=[name])["MetricAlarms"][0]
    assert alarm["StateValue"] == "OK"
    assert alarm["StateReason"].startswith("vigil fire: end-to-end routing test")


def test_cli_names_what_is_missing(capsys: pytest.CaptureFixture[str]) -> None:
    from vigil.cli.main import main

    assert main(["fire", "--project", str(ROOT)]) == 2
    err = capsys.readouterr().err
    assert "vigil fire: ALARM is required" in err
    assert "vigil fire: --stack NAME is required" in err
