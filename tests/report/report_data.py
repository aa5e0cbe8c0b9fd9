"""Test data for the pictures: a metric store holding every metric the plan's dashboards draw, and an evaluation."""

from __future__ import annotations

import json
import math
import random
import re
from typing import Any

from vigil.emulator.engine import evaluate_alarms
from vigil.emulator.store import MetricKey, MetricStore
from vigil.emulator.timeline import Evaluation
from vigil.plan.types import StackPlan

START = 1_795_000_000 - 1_795_000_000 % 3600
END = START + 2 * 3600
_SEARCH = re.compile(r"""SEARCH\('\{([^}]*)\}\s*(.*?)'""")
_TERM = re.compile(r'(\w[\w.]*)="([^"]*)"')


def dashboard_keys(plan: StackPlan) -> set[MetricKey]:
    """Every metric key the dashboards name, with two values for each free dimension of a SEARCH."""
    keys: set[MetricKey] = set()
    for board in plan.dashboards:
        for widget in json.loads(board.body)["widgets"]:
            for entry in widget["properties"].get("metrics", []):
                keys |= _keys(entry)
    for alarm in plan.alarms.metric_alarms:
        stats = [alarm.metric] if alarm.metric else [q.metric for q in alarm.metric_queries if q.metric]
        keys |= {MetricKey.of(m.namespace, m.metric_name, m.dimensions) for m in stats if m}
    return keys


def _keys(entry: list[Any]) -> set[MetricKey]:
    options = entry[-1] if isinstance(entry[-1], dict) else {}
    if "expression" not in options:
        fields = entry[:-1] if options else entry
        return {MetricKey.of(fields[0], fields[1], dict(zip(fields[2::2], fields[3::2], strict=False)))}
    match = _SEARCH.search(options["expression"])
    if match is None:
        return set()
    schema = [s.strip() for s in match.group(1).split(",")]
    terms = dict(_TERM.findall(match.group(2)))
    metric = terms.pop("MetricName")
    free = [d for d in schema[1:] if d not in terms]
    return {MetricKey.of(schema[0], metric, {**terms, **{d: f"{d.lower()}-{i}" for d in free}}) for i in (1, 2)}


def filled_store(plan: StackPlan, seed: int = 7) -> MetricStore:
    """Two hours of per-minute samples for every dashboard and alarm metric, with an error spike at 60-80 min."""
    rng = random.Random(seed)
    store = MetricStore()
    for key in sorted(dashboard_keys(plan)):
        base = 5 + rng.random() * 50
        for minute in range(120):
            t = START + minute * 60 + 5
            wave = base * (1 + 0.3 * math.sin(minute / 9))
            spike = 8 if 60 <= minute < 80 and "error" in key.metric else 1
            store.add(key, t, [wave * spike * rng.uniform(0.8, 1.2) for _ in range(3)])
    return store


def evaluated(plan: StackPlan, store: MetricStore) -> Evaluation:
    """Every alarm of the plan over the store's two hours."""
    return evaluate_alarms(plan.alarms, store, START, END)
