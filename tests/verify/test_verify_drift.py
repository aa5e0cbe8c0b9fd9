"""``vigil verify`` against moto: apply the dev plan, change one thing by hand, verify reports exactly that."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from vigil.cli.main import build_parser
from vigil.cli.main import main as vigil
from vigil.plan.stack import LoadedStack
from vigil.plan.types import DashboardPlan, MetricAlarmPlan
from vigil.verify import Applied, AwsTarget, Drift, expected_state, verify_stack
from vigil.verify.apply import metric_alarm_args

from .conftest import ROOT

pytestmark = pytest.mark.integration


def drifts(target: AwsTarget, dev: LoadedStack) -> list[Drift]:
    return verify_stack(target, dev).drifts


def alarm(dev: LoadedStack, spec_name: str) -> MetricAlarmPlan:
    """A planned metric alarm by spec name (physical names may carry the stack's prefix)."""
    return next(a for a in dev.plan.alarms.metric_alarms if a.name == spec_name or a.name.endswith(f"-{spec_name}"))


def board(dev: LoadedStack, spec_name: str) -> DashboardPlan:
    return next(d for d in dev.plan.dashboards if d.spec_name == spec_name)


def test_a_fresh_apply_has_no_drift_and_says_what_it_could_not_check(
    target: AwsTarget, dev: LoadedStack, applied: Applied
) -> None:
    report = verify_stack(target, dev)
    assert report.drifts == []
    assert report.checked["metric alarm"] == len(dev.plan.alarms.metric_alarms)
    assert report.checked["dashboard"] == len(dev.plan.dashboards) == 7
    expected = expected_state(dev.plan, dev.config_value)
    assert report.checked["subscription"] == sum(1 for kind, _ in expected.resources if kind == "subscription")
    assert report.checked["subscription"] >= len(dev.plan.routing.topics)  # every topic: at least its chat channel
    assert "composite alarm" in report.not_checked
    assert "does not implement composite alarms" in report.not_checked["composite alarm"]
    assert len([s for s in applied.skipped if s.startswith("composite alarm")]) == len(dev.plan.alarms.composite_alarms)


def test_a_changed_threshold_is_the_only_drift(target: AwsTarget, dev: LoadedStack, applied: Applied) -> None:
    worker_down = alarm(dev, "worker-down")
    args = metric_alarm_args(worker_down, applied.topic_arns, {"managed-by": "vigil", "stack": "dev"})
    target.client("cloudwatch").put_metric_alarm(**{**args, "Threshold": 7.0})
    assert drifts(target, dev) == [
        Drift("changed", "metric alarm", worker_down.name, "Threshold", worker_down.threshold, 7.0)
    ]


def test_a_removed_alarm_action_is_reported_with_both_values(
    target: AwsTarget, dev: LoadedStack, applied: Applied
) -> None:
    rate = next(a for a in dev.plan.alarms.metric_alarms if a.metric_queries and a.actions.alarm)
    assert rate.actions.severity is not None
    args = metric_alarm_args(rate, applied.topic_arns, {"managed-by": "vigil", "stack": "dev"})
    target.client("cloudwatch").put_metric_alarm(**{**args, "AlarmActions": []})
    (drift,) = drifts(target, dev)
    assert (drift.kind, drift.name, drift.field) == ("changed", rate.name, "AlarmActions")
    assert drift.expected == [applied.topic_arns[rate.actions.severity.value]]
    assert drift.deployed == []


def test_a_deleted_dashboard_is_missing(target: AwsTarget, dev: LoadedStack, applied: Applied) -> None:
    name = board(dev, "system-overview").name
    target.client("cloudwatch").delete_dashboards(DashboardNames=[name])
    assert drifts(target, dev) == [Drift("missing", "dashboard", name)]


def test_an_edited_widget_title_names_its_path(target: AwsTarget, dev: LoadedStack, applied: Applied) -> None:
    api = board(dev, "api-performance")
    body: dict[str, Any] = json.loads(api.body)
    old = body["widgets"][0]["properties"]["title"]
    body["widgets"][0]["properties"]["title"] = "renamed in the console"
    target.client("cloudwatch").put_dashboard(DashboardName=api.name, DashboardBody=json.dumps(body))
    assert drifts(target, dev) == [
        Drift(
            "changed",
            "dashboard",
            api.name,
            "DashboardBody.widgets[0].properties.title",
            old,
            "renamed in the console",
        )
    ]


def test_retention_and_filter_changes(target: AwsTarget, dev: LoadedStack, applied: Applied) -> None:
    ns = next(n for n in dev.plan.namespaces if n.metric_filters and n.log_group)
    assert ns.log_group is not None
    logs = target.client("logs")
    logs.put_retention_policy(logGroupName=ns.log_group.name, retentionInDays=1)
    mf = ns.metric_filters[0]
    transformation = {"metricName": mf.metric_name, "metricNamespace": mf.namespace, "metricValue": mf.value}
    if mf.default_value is not None:
        transformation["defaultValue"] = mf.default_value
    if mf.dimensions:
        transformation["dimensions"] = dict(mf.dimensions)
    logs.put_metric_filter(
        logGroupName=ns.log_group.name,
        filterName=mf.name,
        filterPattern="ERROR",
        metricTransformations=[transformation],
    )
    assert drifts(target, dev) == [
        Drift("changed", "log group", ns.log_group.name, "retentionInDays", ns.log_group.retention_days, 1),
        Drift("changed", "metric filter", f"{ns.log_group.name}:{mf.name}", "filterPattern", mf.pattern, "ERROR"),
    ]


def test_extra_means_managed_by_vigil_for_this_stack(target: AwsTarget, dev: LoadedStack, applied: Applied) -> None:
    cw = target.client("cloudwatch")
    common = {"MetricName": "m", "Namespace": "N", "Statistic": "Sum", "Period": 60, "EvaluationPeriods": 1}
    common |= {"Threshold": 1.0, "ComparisonOperator": "GreaterThanThreshold"}
    cw.put_metric_alarm(
        AlarmName="hand-made",
        Tags=[{"Key": "managed-by", "Value": "vigil"}, {"Key": "stack", "Value": "dev"}],
        **common,
    )
    cw.put_metric_alarm(AlarmName="someone-elses", **common)
    cw.put_metric_alarm(
        AlarmName="prod-one",
        Tags=[{"Key": "managed-by", "Value": "vigil"}, {"Key": "stack", "Value": "prod"}],
        **common,
    )
    target.client("sns").create_topic(Name="vigil-dev-p9")
    target.client("sns").create_topic(Name="unrelated-topic")
    assert drifts(target, dev) == [Drift("extra", "metric alarm", "hand-made"), Drift("extra", "topic", "vigil-dev-p9")]


def subscription_arns(target: AwsTarget, topic_arn: str, endpoint_part: str) -> list[str]:
    listed = target.client("sns").list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    return [s["SubscriptionArn"] for s in listed if endpoint_part in s["Endpoint"]]


def test_subscriptions_changed_and_extra(target: AwsTarget, dev: LoadedStack, applied: Applied) -> None:
    sns = target.client("sns")
    delivery = dev.plan.routing.delivery
    assert delivery is not None
    team = dev.config_value("team_email")
    assert team is not None
    (email,) = subscription_arns(target, applied.topic_arns["delivery"], team)
    sns.unsubscribe(SubscriptionArn=email)
    sns.subscribe(TopicArn=applied.topic_arns["delivery"], Protocol="email", Endpoint="someone@example.com")
    sns.subscribe(TopicArn=applied.topic_arns["P2"], Protocol="sms", Endpoint="+15555550199")
    p2 = dev.plan.routing.topics[1].name
    assert drifts(target, dev) == [
        Drift("changed", "subscription", f"{delivery.topic_name}/email#1", "Endpoint", team, "someone@example.com"),
        Drift("extra", "subscription", f"{p2}/sms +15555550199"),
    ]


def test_a_chat_subscription_to_another_host_is_drift(target: AwsTarget, dev: LoadedStack, applied: Applied) -> None:
    sns = target.client("sns")
    p1 = dev.plan.routing.topics[0].name
    (chatbot,) = subscription_arns(target, applied.topic_arns["P1"], "chatbot.amazonaws.com")
    sns.unsubscribe(SubscriptionArn=chatbot)
    sns.subscribe(TopicArn=applied.topic_arns["P1"], Protocol="https", Endpoint="https://127.0.0.1:9/not-chatbot")
    (drift,) = drifts(target, dev)
    assert (drift.kind, drift.field, drift.deployed) == ("changed", "Endpoint", "https://127.0.0.1:9/not-chatbot")
    assert drift.name.startswith(f"{p1}/chatbot:")
    assert "AWS Chatbot (slack channel" in drift.expected


def test_a_removed_subscription_is_missing(target: AwsTarget, dev: LoadedStack, applied: Applied) -> None:
    p3 = dev.plan.routing.topics[2].name
    (chatbot,) = subscription_arns(target, applied.topic_arns["P3"], "chatbot.amazonaws.com")
    target.client("sns").unsubscribe(SubscriptionArn=chatbot)
    (drift,) = drifts(target, dev)
    assert drift.kind == "missing"
    assert drift.name.startswith(f"{p3}/chatbot:")


def test_cli_exit_codes_and_output(target: AwsTarget, dev: LoadedStack, applied: Applied, emulator_url: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    from vigil.cli import verify as cli

    args = ["verify", "--project", str(ROOT), "--stack", "dev", "--endpoint", emulator_url]
    assert vigil(args) == 0
    backlog = alarm(dev, "queue-backlog").name
    target.client("cloudwatch").delete_alarms(AlarmNames=[backlog])
    namespace = build_parser().parse_args(args)
    assert cli.run(namespace, out, err) == 1
    text = out.getvalue()
    assert f"missing  metric alarm {backlog}: in the plan, not deployed" in text
    assert "not checked: composite alarms: the endpoint does not implement composite alarms" in text
    assert text.rstrip().endswith("1 drift(s)")
    namespace.format = "json"
    out = io.StringIO()
    assert cli.run(namespace, out, err) == 1
    assert json.loads(out.getvalue())["drifts"] == [
        {
            "kind": "missing",
            "resource": "metric alarm",
            "name": backlog,
            "field": "",
            "expected": None,
            "deployed": None,
        }
    ]


def test_cli_reports_an_invalid_stack(tmp_path: Any, emulator_url: str) -> None:
    err = io.StringIO()
    from vigil.cli import verify as cli
    from vigil.cli.main import build_parser

    project, empty = tmp_path / "project", tmp_path / "empty"
    (project / "metrics").mkdir(parents=True)
    (project / "Pulumi.yaml").write_text("name: x\nruntime: python\n")
    empty.mkdir()
    args = build_parser().parse_args(
        ["verify", "--project", str(project), "--stack", "dev", "--endpoint", emulator_url]
    )
    assert cli.run(args, io.StringIO(), err) == 1
    assert "Pulumi.dev.yaml: no such stack file" in err.getvalue()
    not_a_project = build_parser().parse_args(["verify", "--project", str(empty), "--stack", "dev"])
    assert cli.run(not_a_project, io.StringIO(), io.StringIO()) == 2
