"""The demo's HTML report: plan and cost, dashboards drawn with the demo's data, timeline, detections, notifications."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from vigil.backtest import BacktestResult
from vigil.cost import estimate_stack
from vigil.emulator.store import MetricStore
from vigil.plan.stack import LoadedStack
from vigil.report.dashboard import render_dashboard
from vigil.report.html import Notification, ReportInputs, write_report
from vigil.report.timeline import Detection, render_timeline
from vigil.report.widgets import Data

NOTES = [
    "Time is simulated: the example service ran for about a minute and a half of real time; every EMF line was "
    "stamped on a clock running 60 times faster, so CloudWatch-style 1-minute periods and 5-minute windows see it.",
    "The local AWS is moto. It stores alarms but never evaluates them: Vigil's emulator (vigil.emulator) decided "
    "every state change, set it in moto with SetAlarmState, and published CloudWatch's own notification message to "
    "the severity's SNS topic (its NewStateReason says so). moto delivered it to a loopback webhook, which stands "
    "in for the Slack channels AWS Chatbot would post to (and PagerDuty, where a stack pages).",
    "Composite alarms (SLO burn-rate pairs, platform-down) are evaluated by Vigil; moto does not implement them, so "
    "their notifications are published without a state in moto.",
    "Dashboards are drawn from the plan's CloudWatch dashboard bodies; periods are shortened to fit the range, as "
    "the console's automatic period does. Logs Insights widgets show their query; they run in CloudWatch only.",
]


def summary(loaded: LoadedStack) -> dict[str, int]:
    """Counts of what the stack deploys."""
    plan = loaded.plan
    return {
        "metric alarms": len(plan.alarms.metric_alarms),
        "composite alarms": len(plan.alarms.composite_alarms),
        "dashboards": len(plan.dashboards),
        "log groups": sum(1 for ns in plan.namespaces if ns.log_group),
        "metric filters": sum(len(ns.metric_filters) for ns in plan.namespaces),
        "SNS topics": len(plan.routing.topics) + (plan.routing.delivery is not None),
        "subscriptions": sum(len(t.subscriptions) for t in plan.routing.topics)
        + (len(plan.routing.delivery.subscriptions) if plan.routing.delivery else 0),
        "chat channels (AWS Chatbot)": len(plan.routing.chat_channels),
    }


def build(
    loaded: LoadedStack,
    result: BacktestResult,
    store: MetricStore,
    received: Sequence[Notification],
    steps: Sequence[tuple[str, str]],
    out: Path,
    progress: Callable[[str], None],
) -> Path:
    """Draw every picture and write ``out/index.html``."""
    evaluation = result.evaluation
    data = Data(store, evaluation, evaluation.start, evaluation.end, 300)
    pictures = []
    for board in loaded.plan.dashboards:
        pictures.append((board.name, render_dashboard(board.name, board.body, data, out / f"{board.name}.png",
                         subtitle="Drawn locally by Vigil from the plan, with the demo's data.")))  # fmt: skip
        progress(f"  drew {board.name} ({board.widget_count} widgets)")
    incidents = [r.incident for r in result.incidents]
    timeline = render_timeline(evaluation, incidents, out / "alarm-timeline.png")
    detections = [
        Detection(r.incident.name, r.incident.start, r.incident.end, r.alarms[0] if r.alarms else None, r.detected_at)
        for r in result.incidents
    ]
    cost = estimate_stack(loaded)
    inputs = ReportInputs(
        title="Vigil demo: an incident caught, end to end",
        stack=loaded.plan.context.stack,
        summary=summary(loaded),
        monthly_usd=cost.total_usd,
        cost_by_kind=dict(cost.totals),
        dashboards=pictures,
        timeline=timeline,
        detections=detections,
        notifications=list(received),
        notes=NOTES,
        steps=list(steps),
    )
    return write_report(inputs, out)
