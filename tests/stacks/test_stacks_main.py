"""The real Pulumi program (``stacks/__main__.py``) for the shipped dev and prod stacks, under the mock engine.

What a reviewer checks: resource counts match the specs; every alarm notifies someone unless it is P4;
topics are encrypted and only this account's alarms may publish; log groups have retention and a key;
dashboards are valid JSON within CloudWatch limits; no secret value appears in plain resource inputs.
"""

from __future__ import annotations

import json
import runpy
from collections import Counter
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from pulumi_mocks import ACCOUNT, Recorder, install, is_secret, plain_strings

from vigil.spec import load_project
from vigil.spec.models import CanaryAlarm, CompositeAlarm, ProbeAlarm, Project
from vigil.spec.slo import expand_slo

ROOT = Path(__file__).resolve().parents[2]
FAKE_SECRET = "fake-secret-6c1d3f0e9a"


def stack_config(stack: str, project: Project) -> tuple[dict[str, str], list[str]]:
    """The stack file's config as Pulumi passes it (objects as JSON), plus a fake value for every secret."""
    raw = yaml.safe_load((ROOT / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]
    config = {k: v if isinstance(v, str) else json.dumps(v) for k, v in raw.items()}
    secrets = sorted(
        {
            f"vigil:{ref.key}"
            for route in project.routing.values()
            for sub in route.subscriptions
            for ref in [getattr(sub, "integration_key", None) or getattr(sub, "endpoint", None)]
            if ref is not None and ref.is_secret
        }
    )
    config.update({key: f"https://{FAKE_SECRET}.example.com/{key}" for key in secrets})
    return config, secrets


@pytest.fixture(scope="module", params=["dev", "prod"])
def run(request: pytest.FixtureRequest) -> tuple[str, Project, Recorder]:
    stack = request.param
    result = load_project(ROOT, stack=stack)
    assert result.ok, [str(e) for e in result.errors]
    config, secrets = stack_config(stack, result.project)
    recorder = install(stack, config, secrets)

    @pulumi.runtime.test
    def program() -> None:
        runpy.run_path(str(ROOT / "stacks" / "__main__.py"), run_name="__main__")

    program()
    return stack, result.project, recorder


def test_resource_counts_match_the_spec(run: tuple[str, Project, Recorder]) -> None:
    _, project, recorder = run
    counts = Counter(r.type.split(":")[-1] for r in recorder.resources)
    alarms = project.enabled_alarms()
    pairs = sum(len(expand_slo(n, s)) for n, s in project.enabled_slos().items())
    composites = sum(isinstance(a, CompositeAlarm) for a in alarms.values())
    with_logs = [ns.log_group for ns in project.namespaces.values() if ns.log_group is not None]
    assert project.stack is not None
    assert project.delivery_failures is not None
    people = project.stack.page_people
    kept = [[s for s in r.subscriptions if people or s.kind in ("slack", "teams")] for r in project.routing.values()]
    https = any(s.kind in ("pagerduty", "webhook") for subs in kept for s in subs)
    delivery_alarms = sum(1 for subs in kept if subs) + (1 if https else 0)
    assert counts["MetricAlarm"] == len(alarms) - composites + 2 * pairs + delivery_alarms
    assert counts["CompositeAlarm"] == composites + pairs
    assert counts["Topic"] == counts["TopicPolicy"] == len(project.routing) + 1  # + the delivery-failure topic
    assert counts["HealthCheck"] == sum(isinstance(a, ProbeAlarm) for a in alarms.values()) > 0
    channels = {
        (s.workspace.key, s.channel.key) for r in project.routing.values() for s in r.subscriptions if s.kind == "slack"
    }  # type: ignore[union-attr]
    canaries = sum(isinstance(a, CanaryAlarm) for a in alarms.values())
    teams = {
        (s.tenant.key, s.team.key, s.channel.key)  # type: ignore[union-attr]
        for r in project.routing.values()
        for s in r.subscriptions
        if s.kind == "teams"
    }
    assert counts["SlackChannelConfiguration"] == len(channels) > 0
    assert counts["TeamsChannelConfiguration"] == len(teams)
    assert counts["Canary"] == canaries > 0
    assert counts["Queue"] == (1 if https else 0)  # the dead-letter queue exists only for https subscriptions
    detectors = sum(lg.new_errors is not None for lg in with_logs)
    restarts = [i for a in alarms.values() for i, x in enumerate(a.actions) if x.kind == "restart"]
    restarter = 1 if restarts else 0  # one restart function per stack serves every `restart` action
    # one role per Chatbot channel (Slack or Teams), canary, new-error detector, and the restart function
    assert counts["Role"] == len(channels) + len(teams) + canaries + detectors + restarter
    assert counts["LogGroup"] == len(with_logs) + detectors + restarter  # + each function's own log group
    assert counts["Table"] == counts["LogSubscriptionFilter"] == detectors > 0
    assert counts["Function"] == detectors + restarter
    detector_functions = [f for f in recorder.of_type("lambda/function:Function") if "METRIC" in str(f.inputs)]
    assert len(detector_functions) == detectors
    for function in detector_functions:
        assert function.inputs["environment"]["variables"]["METRIC"] == "error.new_fingerprints"
    scaled = [x for a in alarms.values() for x in a.actions if x.kind == "scale"]
    assert counts["Policy"] == len(scaled)  # one step scaling policy per `scale` action
    assert counts["Target"] == len({(x.scale.cluster, x.scale.service) for x in scaled})  # type: ignore[union-attr]
    assert counts["QueryDefinition"] == sum(len(lg.queries) for lg in with_logs)
    assert counts["Dashboard"] == len(project.dashboards)
    assert counts["LogMetricFilter"] == sum(len(lg.metric_filters) for lg in with_logs)
    assert counts["ContributorInsightRule"] == sum(len(lg.contributor_rules) for lg in with_logs) > 0
    for rule in recorder.of_type("contributorInsightRule:ContributorInsightRule"):
        body = json.loads(rule.inputs["ruleDefinition"])
        assert rule.inputs["ruleState"] == "ENABLED"
        assert [g.startswith("/vigil/") for g in body["LogGroupNames"]] == [True]


def test_every_alarm_has_an_action_unless_p4(run: tuple[str, Project, Recorder]) -> None:
    _, _, recorder = run
    composites = recorder.of_type("compositeAlarm:CompositeAlarm")
    slo_children = {c for r in composites if "slo" in r.inputs["tags"] for c in r.inputs["alarmRule"].split('"')[1::2]}
    alarms = recorder.of_type("metricAlarm:MetricAlarm") + composites
    # A notification is an SNS topic among the alarm actions (automatic actions, `actions:`, notify nobody).
    silent = [
        r.inputs.get("name") or r.inputs["alarmName"]
        for r in alarms
        if not any(a.startswith("arn:aws:sns:") for a in r.inputs.get("alarmActions", []))
        and r.inputs["tags"]["severity"] != "P4"
    ]
    from vigil.plan.naming import Naming

    _, project, _ = run
    naming = Naming.for_project(project)
    quiet_children = {naming.alarm_name(n) for n, a in project.enabled_alarms().items() if not a.notify}
    quiet_pages = {
        naming.alarm_name(b.name)
        for n, slo in project.enabled_slos().items()
        if not slo.notify_pages
        for b in expand_slo(n, slo)
        if b.tier == "page"
    }
    # SLO window children notify through their composite only; `notify: false` children through theirs.
    assert set(silent) == slo_children | quiet_children | quiet_pages
    assert all(sum(a.startswith("arn:aws:sns:") for a in r.inputs.get("alarmActions", [])) <= 1 for r in alarms)


def test_topics_are_encrypted_and_only_this_accounts_alarms_publish(run: tuple[str, Project, Recorder]) -> None:
    _, _, recorder = run
    topics = recorder.of_type("topic:Topic")
    assert all(t.inputs.get("kmsMasterKeyId", "").startswith("arn:aws:kms:") for t in topics)
    policies = {p.inputs["arn"]: json.loads(p.inputs["policy"]) for p in recorder.of_type("topicPolicy:TopicPolicy")}
    for topic in topics:
        arn = f"arn:aws:sns:us-east-1:{ACCOUNT}:{topic.inputs['name']}"
        (statement,) = policies[arn]["Statement"]
        assert statement["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
        assert statement["Action"] == "sns:Publish"
        assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
        assert statement["Condition"]["ArnLike"]["aws:SourceArn"] == f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:*"


def test_log_groups_have_retention_and_a_key(run: tuple[str, Project, Recorder]) -> None:
    stack, _, recorder = run
    groups = recorder.of_type("logGroup:LogGroup")
    assert groups
    assert all(g.inputs.get("kmsKeyId") for g in groups)
    assert {g.inputs["retentionInDays"] for g in groups} == ({365} if stack == "prod" else {30})


def test_dashboard_bodies_are_valid_json_within_limits(run: tuple[str, Project, Recorder]) -> None:
    _, _, recorder = run
    for board in recorder.of_type("dashboard:Dashboard"):
        text = board.inputs["dashboardBody"]
        body: dict[str, Any] = json.loads(text)
        assert 0 < len(body["widgets"]) <= 500
        assert all(len(w["properties"].get("metrics", [])) <= 100 for w in body["widgets"])
        assert all(w["x"] + w["width"] <= 24 for w in body["widgets"])
        assert len(text.encode()) < 1_000_000


def test_no_secret_value_in_plain_inputs(run: tuple[str, Project, Recorder]) -> None:
    _, project, recorder = run
    for r in recorder.resources:
        assert not [s for s in plain_strings(r.inputs) if FAKE_SECRET in s], f"{r.type} {r.name} leaks a secret"
    secret_endpoints = [
        r for r in recorder.of_type("topicSubscription:TopicSubscription") if is_secret(r.inputs["endpoint"])
    ]
    assert project.stack is not None
    assert bool(secret_endpoints) == project.stack.page_people  # PagerDuty keys arrive as secrets; dev pages nobody
    pagerduty = [
        r.inputs["endpoint"]["value"] for r in secret_endpoints if "pagerduty" in r.inputs["endpoint"]["value"]
    ]
    assert all(e.startswith("https://events.pagerduty.com/integration/") for e in pagerduty)
