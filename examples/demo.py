"""``make demo``: the whole Vigil loop on this machine, with a local AWS (moto) and the example service.

1. ``vigil check`` validates the shipped catalog for every stack.
2. ``vigil cost`` prices the prod stack; ``vigil preview`` runs the real Pulumi program under the mock engine.
3. The dev stack's plan is applied to a local moto server over real HTTP: log groups with retention,
   metric filters, one SNS topic per severity, the metric alarms and the dashboards.
4. The example agent service runs on 127.0.0.1 with ``vigil.emf`` writing to the ``/vigil/api`` log group
   through PutLogEvents; the smoke flow, a burst of traffic and an injected incident exercise it; ``vigil probe``
   reads its health.
5. What CloudWatch Logs received is read back and checked against the catalog: one catalog drives both.
6. An alarm notification published to the P1 topic reaches a loopback webhook receiver (moto POSTs it).

Nothing leaves 127.0.0.1. Exit status 0 when every step worked.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import logging
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from vigil.cli.main import main as vigil
from vigil.components.naming import Naming
from vigil.plan import plan_project
from vigil.plan.types import MetricAlarmPlan, StackPlan
from vigil.spec import load_project

ROOT = Path(__file__).resolve().parents[1]
ACCOUNT = "123456789012"  # moto's default account


def step(title: str) -> None:
    """Print a section header."""
    print(f"\n=== {title} " + "=" * max(0, 74 - len(title)), flush=True)


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """A moto server on 127.0.0.1 (free port) with dummy credentials in the environment."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request access log
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    wsgi = server._server
    assert wsgi is not None, "moto server did not start"
    url = f"http://127.0.0.1:{wsgi.server_port}"
    saved = {
        k: os.environ.get(k)
        for k in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")
    }
    os.environ.update(
        AWS_ENDPOINT_URL=url,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
    )
    try:
        yield url
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def client(service: Literal["logs", "sns", "cloudwatch"]) -> Any:
    """A boto3 client for the local endpoint, failing fast (one attempt)."""
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(service, region_name="us-east-1", config=Config(retries={"max_attempts": 1}))


def _alarm_args(alarm: MetricAlarmPlan, topic_arns: dict[str, str]) -> dict[str, Any]:
    args: dict[str, Any] = {
        "AlarmName": alarm.name,
        "AlarmDescription": alarm.description,
        "ComparisonOperator": alarm.comparison_operator,
        "EvaluationPeriods": alarm.evaluation_periods,
        "TreatMissingData": alarm.treat_missing_data,
        "AlarmActions": [topic_arns[alarm.severity.value]] if alarm.actions.alarm else [],
        "Tags": [{"Key": k, "Value": v} for k, v in sorted(alarm.tags.items())],
    }
    if alarm.threshold is not None:
        args["Threshold"] = alarm.threshold
    if alarm.datapoints_to_alarm:
        args["DatapointsToAlarm"] = alarm.datapoints_to_alarm
    if alarm.metric is not None:
        m = alarm.metric
        args.update(Namespace=m.namespace, MetricName=m.metric_name, Period=m.period)
        args["Dimensions"] = [{"Name": k, "Value": v} for k, v in sorted(m.dimensions.items())]
        args["ExtendedStatistic" if alarm.extended_statistic else "Statistic"] = (
            alarm.extended_statistic or alarm.statistic
        )
    return args


def apply_plan(plan: StackPlan) -> dict[str, str]:
    """Create the plan's log groups, filters, topics, metric alarms and dashboards in moto; returns topic ARNs."""
    logs, sns, cloudwatch = client("logs"), client("sns"), client("cloudwatch")
    for ns in plan.namespaces:
        if ns.log_group is None:
            continue
        logs.create_log_group(logGroupName=ns.log_group.name)
        logs.put_retention_policy(logGroupName=ns.log_group.name, retentionInDays=ns.log_group.retention_days)
        for mf in ns.metric_filters:
            transformation = {"metricName": mf.metric_name, "metricNamespace": mf.namespace, "metricValue": mf.value}
            logs.put_metric_filter(
                logGroupName=mf.log_group_name,
                filterName=mf.name,
                filterPattern=mf.pattern,
                metricTransformations=[transformation],
            )
    topic_arns = {t.severity.value: sns.create_topic(Name=t.name)["TopicArn"] for t in plan.routing.topics}
    simple = [a for a in plan.alarms.metric_alarms if a.metric is not None]
    for alarm in simple:
        cloudwatch.put_metric_alarm(**_alarm_args(alarm, topic_arns))
    for dashboard in plan.dashboards:
        cloudwatch.put_dashboard(DashboardName=dashboard.name, DashboardBody=dashboard.body)
    groups = logs.describe_log_groups()["logGroups"]
    described = [f"{g['logGroupName']} ({g.get('retentionInDays')} d)" for g in groups]
    print(f"log groups: {', '.join(described)}")
    print(f"SNS topics: {', '.join(sorted(topic_arns.values()))}")
    alarms = cloudwatch.describe_alarms()["MetricAlarms"]
    print(
        f"metric alarms in CloudWatch: {len(alarms)} of {len(plan.alarms.metric_alarms)} planned "
        f"(metric-math, anomaly and composite alarms: moto does not implement them; `vigil preview` shows them)"
    )
    print(f"dashboards: {len(cloudwatch.list_dashboards()['DashboardEntries'])}")
    return topic_arns


class _Receiver(http.server.BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with contextlib.suppress(ValueError):
            _Receiver.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


def drive_service(log_group: str) -> int:
    """Run the example service with EMF into CloudWatch Logs; returns the failures seen."""
    import httpx

    from examples.agent_service.app import create_app
    from examples.agent_service.state import ServiceConfig
    from vigil.cli.smoke import run_flow
    from vigil.emf import CloudWatchLogsSink
    from vigil.health.serve import serve_in_thread

    sink = CloudWatchLogsSink(log_group, "demo", client=client("logs"), max_age=0.5)
    server = serve_in_thread(create_app(ServiceConfig(environment="dev", sink=sink, health_token="demo-token")))
    failures = 0
    try:
        print(f"example agent service on {server.url}, EMF -> {log_group} (PutLogEvents)")
        for result in run_flow(server.url):
            print(
                f"  smoke {result.name:<22} {result.status:>4} {result.latency_ms:7.1f} ms {'ok' if result.ok else 'FAILED'}"
            )
            failures += not result.ok
        admin = {"Authorization": "Bearer demo-token"}  # /admin routes need the service token
        with httpx.Client(base_url=server.url, timeout=10, headers=admin) as http:
            for _ in range(20):
                run_flow(server.url)
            http.post("/admin/incidents/error_burst")
            for _ in range(10):
                run_flow(server.url)
            http.delete("/admin/incidents")
        time.sleep(1.5)  # let the worker loop heartbeat and finish jobs
        print("vigil probe (readiness, with token):")
        failures += vigil(["probe", f"{server.url}/health/ready", "--token", "demo-token"]) != 0
    finally:
        server.stop()
        sink.close()
    return failures


def read_back(log_group: str) -> int:
    """Read the EMF lines back from CloudWatch Logs and check every metric against the catalog."""
    project = load_project(ROOT, stack="dev").project
    logs = client("logs")
    lines: list[dict[str, Any]] = []
    for page in logs.get_paginator("filter_log_events").paginate(logGroupName=log_group):
        lines += [json.loads(e["message"]) for e in page["events"]]
    names: Counter[tuple[str, str]] = Counter()
    for line in lines:
        for directive in line["_aws"]["CloudWatchMetrics"]:
            for metric in directive["Metrics"]:
                names[(directive["Namespace"], metric["Name"])] += 1
    unknown = [
        f"{ns}:{m}" for ns, m in names if ns not in project.namespaces or m not in project.namespaces[ns].metrics
    ]
    print(f"{len(lines)} EMF lines in {log_group}; {len(names)} distinct metrics, e.g.:")
    for (ns, name), count in names.most_common(8):
        print(f"  {ns:<14} {name:<28} {count:5d} datapoint(s)")
    print("every emitted metric is declared in metrics/*.yaml" if not unknown else f"NOT in the catalog: {unknown}")
    return len(unknown) + (len(lines) == 0)


def notify(topic_arn: str) -> int:
    """Subscribe a loopback receiver to the topic, publish an alarm-shaped message, and wait for it."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    sns = client("sns")
    endpoint = f"http://127.0.0.1:{httpd.server_address[1]}/hook"
    sns.subscribe(TopicArn=topic_arn, Protocol="http", Endpoint=endpoint)
    message = {"AlarmName": "worker-down", "NewStateValue": "ALARM", "NewStateReason": "demo"}
    sns.publish(TopicArn=topic_arn, Subject="ALARM: worker-down", Message=json.dumps(message))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any(r.get("Type") == "Notification" for r in _Receiver.received):
        time.sleep(0.1)
    httpd.shutdown()
    delivered = [r for r in _Receiver.received if r.get("Type") == "Notification"]
    print(f"P1 topic -> {endpoint}: {'delivered: ' + delivered[0]['Subject'] if delivered else 'NOT delivered'}")
    return 0 if delivered else 1


def main() -> int:
    """Run every step; the exit status counts the failed ones."""
    failures = 0
    step("1. vigil check (every stack)")
    failures += vigil(["check", str(ROOT)]) != 0
    step("2a. vigil cost --stack prod")
    failures += vigil(["cost", str(ROOT), "--stack", "prod"]) not in (0,)
    step("2b. vigil preview --stack prod (Pulumi program under the mock engine; summary)")
    from vigil.preview import run_preview

    preview = run_preview(ROOT, "prod")
    for kind, count in sorted(preview.counts.items()):
        print(f"  {count:4d}  {kind}")
    print(f"  monthly estimate: ${preview.monthly_usd or 0:.2f}   (full tree: .venv/bin/vigil preview --stack prod)")
    failures += any(e.severity == "error" for e in preview.errors)
    with moto_server() as url:
        step(f"3. apply the dev plan to local AWS (moto at {url})")
        result = load_project(ROOT, stack="dev")
        plan = plan_project(result.project, Naming(environment="dev"), ACCOUNT)
        topics = apply_plan(plan)
        log_group = next(ns.log_group.name for ns in plan.namespaces if ns.namespace == "Vigil/API" and ns.log_group)
        step("4. example agent service emitting EMF through vigil.emf")
        failures += drive_service(log_group)
        step("5. what CloudWatch Logs received")
        failures += read_back(log_group)
        step("6. alarm notification through SNS")
        failures += notify(topics["P1"])
    step("done" if failures == 0 else f"{failures} step(s) FAILED")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
