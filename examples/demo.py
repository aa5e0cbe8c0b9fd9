"""``make demo``: the whole Vigil loop on this machine, ending in an HTML report of an incident being caught.

1. ``vigil check`` (every stack), ``vigil cost`` and ``vigil preview`` (prod).
2. A local AWS (moto on 127.0.0.1) with the dev plan applied: log groups, metric filters, topics and their
   subscriptions (the chat webhook is a loopback receiver), metric alarms, dashboards; ``vigil verify`` finds no drift.
3. The example agent service ships EMF to the ``/vigil/api`` log group through PutLogEvents, on a simulated clock
   (60x) while the traffic driver runs steady traffic, a 5xx burst and a dead worker.
4. The lines are read back from CloudWatch Logs, checked against the catalog and backtested: every alarm evaluated.
5. Each alarm change the evaluator found (into ALARM, and back to OK) is set in moto and its notification published
   in CloudWatch's format to the severity's topic; moto delivers it to the webhook.
6. The report: plan and cost, every dashboard drawn with the demo's data, the alarm timeline, time to detect per
   incident, the notifications received. Its path is printed last.

Nothing leaves 127.0.0.1. Exit status 0 when every step worked, 130 on Ctrl-C (everything started is stopped).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

from examples.demo_support import alarms, report
from examples.demo_support.clock import DilatingSink, SimClock
from examples.demo_support.traffic import PHASES, QUICK_PHASES, Window, drive
from vigil.backtest import BacktestResult
from vigil.cli.main import main as vigil
from vigil.emulator.store import MetricStore
from vigil.plan.stack import LoadedStack, load_stack_plan
from vigil.verify import AwsTarget, apply_plan, render_report, verify_stack
from vigil.verify.aws import is_loopback_url
from vigil.verify.emulator import EMULATOR_ACCOUNT, local_aws, stand_in_for_services
from vigil.verify.receiver import WebhookReceiver, webhook_receiver

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "out" / "demo"
SPEED = 60.0
T0 = time.monotonic()
#: Stand-ins for secrets the stack's routing may reference (PagerDuty keys): subscribed in moto, with AWS Chatbot's
#: endpoint, so that `vigil verify` sees the whole plan; then swapped for the loopback webhook before anything is
#: published (moto really POSTs to http(s) endpoints).
PLACEHOLDER_SECRETS = {
    "pagerduty_p1_key": "demo-p1-key",
    "pagerduty_p2_key": "demo-p2-key",
    "chat_webhook_url": "https://chat.example.invalid/vigil-demo",
}
STEPS: list[tuple[str, str]] = []
Phases = Sequence[tuple[str, str | None, float]]


def step(title: str) -> None:
    """Print a section header with the elapsed time."""
    print(f"\n=== [{time.monotonic() - T0:5.1f} s] {title} " + "=" * max(0, 64 - len(title)), flush=True)


def say(text: str) -> None:
    """Print one progress line now."""
    print(text, flush=True)


def static_checks(*, preview: bool = True) -> int:
    """check, cost and preview; returns the failures."""
    step("1. vigil check (every stack), vigil cost and vigil preview (prod)")
    failures = int(vigil(["check", str(ROOT)]) != 0)
    with contextlib.redirect_stderr(io.StringIO()):  # the same warnings `vigil check` just printed
        failures += vigil(["cost", str(ROOT), "--stack", "prod"]) != 0
    if preview:
        from vigil.preview import run_preview

        result = run_preview(ROOT, "prod")
        counts = ", ".join(f"{count} {kind.rsplit(':', 1)[-1]}" for kind, count in sorted(result.counts.items()))
        say(f"preview (Pulumi program under the mock engine): {counts}; ${result.monthly_usd or 0:.2f}/month")
        failures += any(e.severity == "error" for e in result.errors)
    STEPS.append(("check, cost, preview", "clean" if not failures else f"{failures} problem(s)"))
    return failures


def deploy(target: AwsTarget, loaded: LoadedStack, hook: WebhookReceiver) -> int:
    """Apply the dev plan to moto, verify it, then point its http(s) subscriptions at the webhook; returns failures."""
    step(f"2. the dev plan applied to local AWS ({target.endpoint_url}), vigil verify")
    services = stand_in_for_services(target, loaded.plan)  # the ECS services `scale` actions scale (the app's)
    say(f"stand-in ECS services for the scaling actions: {services}")
    applied = apply_plan(target, loaded.plan, loaded.config_value, PLACEHOLDER_SECRETS, subscribe_external=True)
    say(f"created: {', '.join(f'{n} {k}' for k, n in report.summary(loaded).items())}")
    for skipped in applied.skipped:
        say(f"  not created: {skipped}")
    result = verify_stack(target, loaded)
    say(render_report(result, target.where))
    swapped = swap_in_webhook(target, applied.topic_arns, hook.url)
    say(f"then, so nothing leaves 127.0.0.1: {swapped} AWS Chatbot/PagerDuty subscription(s) -> {hook.url}")
    STEPS.append(
        ("apply the plan to moto, vigil verify", f"{len(result.drifts)} drift(s); composite alarms not checked (moto)")
    )
    return 0 if result.ok else 1


def swap_in_webhook(target: AwsTarget, topic_arns: dict[str, str], url: str) -> int:
    """Unsubscribe every http(s) endpoint outside loopback; subscribe ``url`` to each topic that had one."""
    sns = target.client("sns")
    swapped = 0
    for arn in topic_arns.values():
        outside = [
            s for s in sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
            if s["Protocol"] in ("http", "https") and not is_loopback_url(s["Endpoint"])
        ]  # fmt: skip
        for sub in outside:
            sns.unsubscribe(SubscriptionArn=sub["SubscriptionArn"])
        if outside:
            sns.subscribe(TopicArn=arn, Protocol="http", Endpoint=url)
        swapped += len(outside)
    return swapped


@contextlib.contextmanager
def service_log(path: Path) -> Iterator[logging.FileHandler]:
    """The example service's own log lines (an error and a traceback per injected failure) into ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    logger = logging.getLogger("examples.agent_service")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
        handler.close()


def run_service(log_group: str, phases: Phases, logs: Path) -> tuple[list[Window], int]:
    """The example service with EMF -> CloudWatch Logs, driven through the scenario; returns windows, failures."""
    from examples.agent_service.app import create_app
    from examples.agent_service.state import ServiceConfig
    from examples.agent_service.worker import WorkerConfig
    from vigil.emf import CloudWatchLogsSink
    from vigil.health.serve import serve_in_thread

    step(f"3. the example service, EMF -> {log_group} through PutLogEvents; incidents injected")
    clock = SimClock.starting_now(SPEED, sum(seconds for _, _, seconds in phases) + 5)
    sink = DilatingSink(CloudWatchLogsSink(log_group, "demo", max_age=0.5), clock)
    worker = WorkerConfig(heartbeat_metric_interval=0.4, gauge_interval=0.5, time_scale=0.002)
    server = serve_in_thread(
        create_app(ServiceConfig(environment="dev", sink=sink, worker=worker, health_token="demo"))
    )
    try:
        say(f"service on {server.url}; clock x{SPEED:.0f}: 1 real second is stamped as 1 simulated minute")
        with service_log(logs / "service.log"):
            windows, stats = drive(server.url, clock, say, phases=phases, token="demo")
        say(f"the service's own error log: {logs / 'service.log'}")
        say(f"{stats.requests} requests, {stats.errors} answered 5xx")
        failures = vigil(["probe", f"{server.url}/health/live", "--token", "demo"]) != 0
    finally:
        server.stop()
        sink.close()
    STEPS.append(
        (
            "traffic through the example service",
            f"{stats.requests} requests; incidents: {', '.join(w.name for w in windows)}",
        )
    )
    return windows, int(failures)


def read_back(target: AwsTarget, loaded: LoadedStack, log_group: str, path: Path) -> int:
    """Read every EMF line back from CloudWatch Logs into ``path``; check the metric names against the catalog."""
    step("4. what CloudWatch Logs received, checked against the catalog")
    lines = []
    for page in target.client("logs").get_paginator("filter_log_events").paginate(logGroupName=log_group):
        lines += [e["message"] for e in page["events"]]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    names: Counter[tuple[str, str]] = Counter()
    for line in lines:
        for directive in json.loads(line)["_aws"]["CloudWatchMetrics"]:
            names.update((directive["Namespace"], m["Name"]) for m in directive["Metrics"])
    namespaces = loaded.project.namespaces
    unknown = [f"{ns}:{m}" for ns, m in names if ns not in namespaces or m not in namespaces[ns].metrics]
    say(f"{len(lines)} EMF lines, {len(names)} distinct metrics -> {path}")
    say("every metric is declared in metrics/*.yaml" if not unknown else f"NOT in the catalog: {unknown}")
    STEPS.append(
        ("read back from CloudWatch Logs", f"{len(lines)} EMF lines, {len(names)} metrics, {len(unknown)} unknown")
    )
    return len(unknown) + (not lines)


def evaluate_and_notify(
    target: AwsTarget, loaded: LoadedStack, log_file: Path, windows: list[Window], hook: WebhookReceiver
) -> tuple[BacktestResult, MetricStore, int]:
    """Backtest the lines, play the alarm changes into moto, wait for the webhook."""
    step("5. backtest: every alarm evaluated on what the service emitted")
    result, store = alarms.backtest(loaded.plan, log_file, windows)
    for r in result.incidents:
        ttd = (
            f"detected by {r.alarms[0]} after {(r.detected_at or 0) - r.incident.start} s"
            if r.detected_at
            else "NOT detected"
        )
        say(f"  incident {r.incident.name:<12} {ttd}")
    step("6. alarm changes set in local CloudWatch, notifications published to the severity topics")
    played = alarms.play_transitions(target, loaded.plan, result.evaluation)
    for p in played:
        say(f"  {time.strftime('%H:%M', time.gmtime(p.time))} {p.state:<5} {p.alarm}: published {p.subject}")
    received = hook.wait_for(len(played), timeout=15)
    say(f"webhook received {len(received)} of {len(played)} notification(s)")
    detected = sum(1 for r in result.incidents if r.detected_at is not None)
    STEPS.append(("backtest", f"{detected} of {len(result.incidents)} incidents detected; {len(result.pages)} page(s)"))
    STEPS.append(("notifications", f"{len(played)} published, {len(received)} received by the webhook"))
    failures = (detected < len(result.incidents)) + (len(received) < len(played))
    return result, store, failures


def run(out: Path = OUT, phases: Phases = PHASES, *, quick: bool = False) -> int:
    """Every step (``quick``: no preview, for tests); returns 0 when every step worked, else 1."""
    STEPS.clear()
    failures = static_checks(preview=not quick)
    with local_aws() as url, webhook_receiver() as hook:
        target = AwsTarget("us-east-1", endpoint_url=url, emulator=True)
        loaded = load_stack_plan(ROOT, "dev", account_id=EMULATOR_ACCOUNT)
        failures += deploy(target, loaded, hook)
        log_group = next(
            ns.log_group.name for ns in loaded.plan.namespaces if ns.namespace == "Vigil/API" and ns.log_group
        )
        windows, failed = run_service(log_group, phases, out / "logs")
        log_file = out / "logs" / "vigil-api.emf.jsonl"
        failures += failed + read_back(target, loaded, log_group, log_file)
        result, store, failed = evaluate_and_notify(target, loaded, log_file, windows, hook)
        failures += failed
        received = alarms.notifications(hook.notifications())
    step("7. the report")
    path = report.build(loaded, result, store, received, STEPS, out, say)
    step("done" if failures == 0 else f"{failures} step(s) FAILED")
    say(f"report: {path}")
    return 1 if failures else 0


@contextlib.contextmanager
def interrupted() -> Iterator[None]:
    """Turn Ctrl-C into exit 130 after every context manager has stopped what it started."""
    try:
        yield
    except KeyboardInterrupt:
        print("\ninterrupted: moto, the service and the webhook receiver were stopped", file=sys.stderr)
        raise SystemExit(130) from None


def main(argv: list[str] | None = None) -> int:
    """Run the demo; ``--quick`` runs a 26-second scenario without the preview (what the tests run)."""
    quick = "--quick" in (sys.argv[1:] if argv is None else argv)
    phases = QUICK_PHASES if quick else PHASES
    with interrupted():
        return run(OUT, phases, quick=quick)


if __name__ == "__main__":
    sys.exit(main())
