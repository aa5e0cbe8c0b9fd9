"""`vigil check` on the alerting specs: declared AWS namespaces, probes, suppressors, links, paging per stack.

Each case writes one YAML file into a copy of the good project (``tests/spec/good/minimal``, stack ``dev`` in
eu-west-1, paging people) and reads the located errors a user would see.
"""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.spec import enums, load_project
from vigil.spec.aws_metrics import DATA_FILE, aws_namespace, aws_namespaces, source
from vigil.spec.rules.alerting import probe_target

GOOD = Path(__file__).parent / "good" / "minimal"


def check(tmp_path: Path, files: dict[str, str], stack: dict[str, str] | None = None) -> list[str]:
    project = tmp_path / "project"
    shutil.copytree(GOOD, project)
    for name, text in files.items():
        (project / name).write_text(textwrap.dedent(text))
    if stack:
        path = project / "stacks" / "Pulumi.dev.yaml"
        text = path.read_text()
        if "aws:region" in stack:
            text = text.replace("  aws:region: eu-west-1\n", "")
        lines = "".join(f"  {k}: {v}\n" for k, v in stack.items())
        path.write_text(text.replace("config:\n", "config:\n" + lines, 1))
    return [str(e) for e in load_project(project, stack="dev").errors if e.severity == "error" or "page" in e.message]


ALB = """\
    version: vigil/v1
    alarms:
      alb-5xx:
        kind: static
        severity: P3
        metric:
          namespace: AWS/ApplicationELB
          metric: {metric}
          dimensions: {dimensions}
          statistic: Sum
        threshold: 10
    """


def alb(metric: str = "HTTPCode_Target_5XX_Count", dimensions: str = "{LoadBalancer: app/shop/1}") -> str:
    return ALB.format(metric=metric, dimensions=dimensions)


def test_declared_aws_metric_is_accepted(tmp_path: Path) -> None:
    assert check(tmp_path, {"alarms/alb.yaml": alb()}) == []


def test_unknown_aws_metric_is_refused_with_a_hint(tmp_path: Path) -> None:
    (error,) = check(tmp_path, {"alarms/alb.yaml": alb("HTTPCode_Target_5xx_Count")})
    assert error.startswith("alarms/alb.yaml:8: alarms.alb-5xx.metric.metric: metric 'HTTPCode_Target_5xx_Count'")
    assert "did you mean 'HTTPCode_Target_5XX_Count'" in error


def test_aws_metric_with_dimensions_aws_does_not_publish_is_refused(tmp_path: Path) -> None:
    (error,) = check(tmp_path, {"alarms/alb.yaml": alb(dimensions="{TargetGroup: targetgroup/x/1}")})
    assert "dimensions [TargetGroup] do not match any dimension set of HTTPCode_Target_5XX_Count" in error
    assert "[TargetGroup, LoadBalancer]" in error


def test_undeclared_aws_namespace_says_where_to_declare_it(tmp_path: Path) -> None:
    text = alb().replace("AWS/ApplicationELB", "AWS/Kinesis")
    (error,) = check(tmp_path, {"alarms/alb.yaml": text})
    assert "unknown namespace 'AWS/Kinesis'" in error
    assert "vigil/spec/data/aws_metrics.json" in error


PROBE = """\
    version: vigil/v1
    alarms:
      shop-down:
        kind: probe
        severity: P1
        runbook: alarms/runbooks/availability.md
        url: {url}
    """


def test_probe_in_a_region_without_route53_metrics_is_refused(tmp_path: Path) -> None:
    errors = check(
        tmp_path,
        {"alarms/p.yaml": PROBE.format(url="{config: shop_url}")},
        {"vigil:shop_url": "https://shop.example.com/health"},
    )
    (error,) = errors
    assert error.startswith(
        "alarms/p.yaml:4: alarms.shop-down.kind: Route 53 publishes health check metrics in us-east-1"
    )
    assert "eu-west-1" in error


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://shop.example.com/x", "the scheme must be https or http, got 'ftp'"),
        ("https:///health", "the URL has no host name"),
    ],
)
def test_probe_url_must_be_a_health_check_target(tmp_path: Path, url: str, message: str) -> None:
    stack = {"aws:region": "us-east-1", "vigil:shop_url": url}
    errors = check(tmp_path, {"alarms/p.yaml": PROBE.format(url="{config: shop_url}")}, stack)
    assert errors == [f"alarms/p.yaml:7: alarms.shop-down.url: vigil:shop_url = {url!r}: {message}"]


def test_probe_url_must_be_in_the_stack_and_not_a_secret(tmp_path: Path) -> None:
    errors = check(tmp_path, {"alarms/p.yaml": PROBE.format(url="{secret: shop_url}")}, {"aws:region": "us-east-1"})
    assert errors == [
        "alarms/p.yaml:7: alarms.shop-down.url: a probe URL is not a secret (AWS shows it): use {config: <key>}"
    ]
    errors = check(tmp_path / "b", {"alarms/p.yaml": PROBE.format(url="{config: nope}")}, {"aws:region": "us-east-1"})
    assert errors == [
        "alarms/p.yaml:7: alarms.shop-down.url.config: config 'vigil:nope' is not set in stacks/Pulumi.dev.yaml; "
        "add it under 'config:'"
    ]


def test_suppressor_and_dashboard_links_must_exist(tmp_path: Path) -> None:
    text = """\
        version: vigil/v1
        alarms:
          everything:
            kind: composite
            severity: P3
            dashboard: overveiw
            rule: latency-p95
            suppressor: {alarm: maintenanse}
        """
    errors = check(tmp_path, {"alarms/c.yaml": text})
    assert any(
        e.startswith("alarms/c.yaml:6: alarms.everything.dashboard: unknown dashboard 'overveiw'") for e in errors
    )
    assert any("alarms.everything.suppressor.alarm: unknown suppressor alarm 'maintenanse'" in e for e in errors)


def test_a_stack_that_pages_nobody_is_told_when_p1_reaches_no_chat(tmp_path: Path) -> None:
    path = GOOD / "stacks" / "Pulumi.dev.yaml"
    assert "vigil:page_people: true" in path.read_text()
    project = tmp_path / "project"
    shutil.copytree(GOOD, project)
    stack = project / "stacks" / "Pulumi.dev.yaml"
    stack.write_text(stack.read_text().replace("vigil:page_people: true", "vigil:page_people: false"))
    errors = [str(e) for e in load_project(project, stack="dev").errors]
    assert any(
        "routing.P1.subscriptions: warning: stack 'dev' does not page people (vigil:page_people is not true), so P1"
        in e
        for e in errors
    ), errors


# The data file itself ------------------------------------------------------------------------------------------
def test_every_declared_aws_namespace_cites_its_aws_documentation_page() -> None:
    assert {"AWS/ApplicationELB", "AWS/ECS", "ECS/ContainerInsights", "AWS/Lambda", "AWS/SQS", "AWS/RDS"} <= set(
        aws_namespaces()
    )
    assert {"AWS/SNS", "AWS/Route53", "CloudWatchSynthetics"} <= set(aws_namespaces())
    for namespace in aws_namespaces():
        assert re.match(r"^https://docs\.aws\.amazon\.com/\S+\.html$", source(namespace)), namespace


@pytest.mark.parametrize("namespace", aws_namespaces())
def test_declared_aws_metrics_use_cloudwatch_units_statistics_and_declared_dimensions(namespace: str) -> None:
    ns = aws_namespace(namespace)
    assert ns is not None
    for dims in ns.dimension_sets.values():
        assert set(dims) <= set(ns.dimensions)
    for name, metric in ns.metrics.items():
        assert metric.unit in enums.units(), (name, metric.unit)  # botocore's StandardUnit enumeration
        assert all(enums.is_statistic(s) for s in metric.statistics), name
        assert set(metric.dimension_sets) <= set(ns.dimension_sets), name
        assert metric.description, name


def test_the_data_file_is_deterministic_json() -> None:
    text = DATA_FILE.read_text()
    assert text == json.dumps(json.loads(text), indent=2) + "\n"


HOST = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,20}){1,3}", fullmatch=True)
PATH = st.from_regex(r"(/[A-Za-z0-9._~-]{1,12}){0,4}", fullmatch=True)


@given(st.sampled_from(["http", "https"]), HOST, st.one_of(st.none(), st.integers(1, 65535)), PATH)
def test_probe_target_reads_back_what_the_url_says(scheme: str, host: str, port: int | None, path: str) -> None:
    url = f"{scheme}://{host}{'' if port is None else f':{port}'}{path}"
    default = 443 if scheme == "https" else 80
    assert probe_target(url) == (scheme.upper(), host, default if port is None else port, path or "/")


@pytest.mark.parametrize(
    "url", ["https://hooks.slack.com/services/T0/B0/x", "https://acme.webhook.office.com/webhookb2/x"]
)
def test_a_webhook_subscription_to_slack_or_teams_is_refused(tmp_path: Path, url: str) -> None:
    routing = """\
        version: vigil/v1
        routing:
          P1:
            subscriptions:
              - {kind: email, endpoint: {config: oncall_email}}
              - {kind: webhook, endpoint: {config: chat_url}}
          P2: {subscriptions: [{kind: email, endpoint: {config: oncall_email}}]}
          P3: {subscriptions: [{kind: email, endpoint: {config: oncall_email}}]}
          P4: {subscriptions: []}
        """
    (error,) = check(tmp_path, {"alarms/routing.yaml": routing}, {"vigil:chat_url": url})
    assert error.startswith(
        "alarms/routing.yaml:6: routing.P1.subscriptions[1].endpoint: vigil:chat_url is a chat webhook"
    )
    assert "use {kind: slack, ...} or {kind: teams, ...} (AWS Chatbot)" in error
