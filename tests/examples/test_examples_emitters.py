"""Every metric the shipped catalog declares has something that emits it, so no alarm or widget waits on a metric
nobody sends: the example service (driven here through its normal paths and its incidents), a ``vigil`` library
hook, a metric filter, or the new-error detector. The few without one are listed with the reason."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml
from test_examples_agent_service import Start, call, metrics_of, wait_for

from examples.agent_service.names import METRICS

ROOT = Path(__file__).resolve().parents[2]

#: Metrics a ``vigil`` library module emits when the application uses it (the module must name the metric).
LIBRARY_EMITTERS = {
    "http.requests": "vigil/middleware/metrics.py",
    "http.errors": "vigil/middleware/metrics.py",
    "http.request.duration": "vigil/middleware/metrics.py",
    "http.request.size": "vigil/middleware/metrics.py",
    "health.check.status": "vigil/health/metrics.py",
    "health.check.duration": "vigil/health/metrics.py",
    "cache.hits": "vigil/tracing/cache_metrics.py",
    "cache.misses": "vigil/tracing/cache_metrics.py",
    "db.query.duration": "vigil/tracing/dependencies.py",
    "http.client.duration": "vigil/tracing/dependencies.py",
    "process.cpu.utilization": "vigil/emf/process.py",
    "process.memory.rss": "vigil/emf/process.py",
    "process.threads": "vigil/emf/process.py",
    "process.gc.collections": "vigil/emf/process.py",
    "ws.connections.active": "vigil/middleware/websocket.py",
    "ws.connections.opened": "vigil/middleware/websocket.py",
    "ws.messages": "vigil/middleware/websocket.py",
    "ws.message.size": "vigil/middleware/websocket.py",
    "ws.connection.duration": "vigil/middleware/websocket.py",
    "ws.disconnects": "vigil/middleware/websocket.py",
}

#: Declared metrics nothing in the repository emits, and why. Keep this short: each entry is a seed gap.
NO_EMITTER = {
    ("Vigil/API", "cache.evictions"): "Redis counts evictions per server, not per logical cache: the dashboard reads "
    "ElastiCache's Evictions; an app that knows per-cache evictions can report them",
    ("Vigil/Dashboard", "users.active"): "the example has no dashboard app to count its signed-in users",
}


def _catalogs() -> dict[str, dict[str, object]]:
    return {
        spec["namespace"]: spec
        for spec in (yaml.safe_load(path.read_text()) for path in sorted((ROOT / "metrics").glob("*.yaml")))
    }


def _derived(spec: dict[str, object]) -> set[str]:
    """Metrics the catalog's own log group resources produce: metric filters and the new-error detector."""
    log_group = spec.get("log_group") or {}
    assert isinstance(log_group, dict)
    names = {f["metric"] for f in (log_group.get("metric_filters") or {}).values()}
    if log_group.get("new_errors"):
        names.add(log_group["new_errors"]["metric"])
    return names


def test_every_catalog_metric_has_an_emitter_or_a_stated_reason() -> None:
    without = set()
    for namespace, spec in _catalogs().items():
        metrics = spec["metrics"]
        assert isinstance(metrics, dict)
        for name in metrics:
            example = name in METRICS and METRICS[name].namespace == namespace
            library = name in LIBRARY_EMITTERS and name in (ROOT / LIBRARY_EMITTERS[name]).read_text()
            if not (example or library or name in _derived(spec)):
                without.add((namespace, name))
    assert without == set(NO_EMITTER), (
        f"declared but never emitted: {sorted(without - set(NO_EMITTER))}; "
        f"emitted now, drop from NO_EMITTER: {sorted(set(NO_EMITTER) - without)}"
    )


def _drive(url: str, token: str, seen: Callable[[], set[str]]) -> None:
    """The smoke flow, refused phase changes and patches, then each incident until its metrics appear."""
    sid = call("POST", url + "/sessions", {"user_id": "u-1"})[1]["id"]
    assert call("GET", f"{url}/sessions/{sid}/plan")[0] == 409  # a plan before any answer
    for qid, answer in (("q1", "api"), ("q2", "python"), ("q3", "mechanic")):
        assert call("POST", f"{url}/sessions/{sid}/answers", {"questionId": qid, "answer": answer})[0] == 200
    plan = call("GET", f"{url}/sessions/{sid}/plan")[1]["planId"]
    assert call("POST", f"{url}/plans/{plan}/approve")[0] == 200
    assert call("POST", f"{url}/sessions/{sid}/rating", {"rating": 4})[0] == 200
    assert call("POST", f"{url}/sessions/{sid}/rating", {"rating": 9})[0] == 422
    assert call("POST", f"{url}/sessions/{sid}/answers", {"questionId": "q1", "answer": "cli"})[0] == 409
    other = call("POST", url + "/sessions")[1]["id"]
    assert call("POST", f"{url}/sessions/{other}/answers", {"questionId": "q1", "answer": "api"})[0] == 200
    assert call("POST", f"{url}/plans/{call('GET', f'{url}/sessions/{other}/plan')[1]['planId']}/reject")[0] == 200
    assert call("POST", url + "/workspaces/validate-patch", {"files": ["../etc/passwd"]})[0] == 422
    for incident, wanted in (
        (
            "",
            {
                "llm.response_cache.hits",
                "workspace.artifacts",
                "users.active",
                "db.pool.utilization",
                "process.threads",
            },
        ),
        ("error_burst", {"llm.rate_limited", "llm.fallbacks", "patch.failed", "tool.errors"}),
        ("token_spike", {"budget.exceeded", "escalation.total"}),
        ("llm_auth", {"llm.auth_failures"}),
    ):
        if incident:
            assert call("POST", f"{url}/admin/incidents/{incident}", token=token)[0] == 200

        def arrived(wanted: set[str] = wanted) -> bool:
            if not wanted <= seen():
                call("POST", url + "/jobs", {"mode": "mechanic", "type": "implement", "user_id": "u-2"})
                return False
            return True

        wait_for(arrived, f"{sorted(wanted - seen())} during {incident or 'normal traffic'}", timeout=90)
        assert call("DELETE", url + "/admin/incidents", token=token)[0] == 200


def test_the_example_service_emits_every_metric_it_declares(start_service: Start, token: str) -> None:
    server, sink = start_service()
    _drive(server.url, token, lambda: {name for _, name, _ in metrics_of(sink)})
    filtered = set().union(*(_derived(spec) for spec in _catalogs().values()))
    emitted = {name for _, name, _ in metrics_of(sink)}
    assert set(METRICS) - filtered - emitted == set()
