"""A backtest from logs evaluates an alarm on an AWS namespace when the logs carry that namespace (ECS Container
Insights publishes RunningTaskCount through EMF lines of its own log group), and skips it when they do not."""

from __future__ import annotations

import json
from pathlib import Path

from vigil.backtest import backtest_logs
from vigil.backtest.run import not_in_logs
from vigil.emulator.store import MetricKey, MetricStore
from vigil.plan.stack import load_stack_plan

ROOT = Path(__file__).resolve().parents[2]
TASKS = MetricKey.of(
    "ECS/ContainerInsights", "RunningTaskCount", {"ClusterName": "vigil-prod", "ServiceName": "worker"}
)


def test_an_aws_namespace_is_evaluated_only_when_the_logs_hold_it() -> None:
    plan = load_stack_plan(ROOT, "prod").plan
    assert "vigil-prod-worker-missing" in not_in_logs(plan, MetricStore())
    store = MetricStore()
    store.add(TASKS, 60, [4.0])
    skipped = not_in_logs(plan, store)
    assert "vigil-prod-worker-missing" not in skipped
    assert "vigil-prod-api-unreachable" in skipped  # Route 53 is still absent from these logs


def _emf(namespace: str, dims: dict[str, str], name: str, value: float, at: int) -> str:
    directive = {"Namespace": namespace, "Dimensions": [sorted(dims)], "Metrics": [{"Name": name, "Unit": "Count"}]}
    return json.dumps({"_aws": {"Timestamp": at * 1000, "CloudWatchMetrics": [directive]}, **dims, name: value})


def test_a_hung_worker_among_running_tasks_fires_from_logs(tmp_path: Path) -> None:
    plan = load_stack_plan(ROOT, "prod").plan
    lines = []
    for minute in range(120):
        at = 1_767_225_600 + minute * 60
        lines.append(_emf("ECS/ContainerInsights", dict(TASKS.dimensions), "RunningTaskCount", 4, at + 30))
        beats = 4 if minute < 100 else 3  # one task stops beating at minute 100
        worker = {"Service": "worker", "Environment": "prod"}
        lines.append(_emf("Vigil/Worker", worker, "worker.heartbeat", beats, at + 5))
    path = tmp_path / "workers.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = backtest_logs(plan, [path])
    transitions = result.evaluation.timelines["vigil-prod-worker-hung"].transitions  # running tasks minus heartbeats
    alarms = [t.time for t in transitions if t.new == "ALARM"]
    assert alarms
    assert alarms[0] >= 1_767_225_600 + 100 * 60
