"""The example agent service end to end: real uvicorn on 127.0.0.1, real HTTP, real TCP dependency."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from examples.agent_service.names import API_CHECKS, BASE_DIMENSIONS, METRICS, SERVICES, WORKER_CHECKS
from vigil.cli.main import main
from vigil.emf import InMemorySink
from vigil.health.serve import RunningServer
from vigil.spec import load_project

Start = Callable[..., tuple[RunningServer, InMemorySink]]
ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((Path(__file__).parents[1] / "health" / "health_json_schema.json").read_text())


def call(method: str, url: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


def metrics_of(sink: InMemorySink) -> list[tuple[str, str, dict[str, Any]]]:
    """(namespace, metric, event) for every metric of every EMF line."""
    out = []
    for event in sink.events():
        for directive in event["_aws"]["CloudWatchMetrics"]:
            out.extend((directive["Namespace"], m["Name"], event) for m in directive["Metrics"])
    return out


def wait_for(predicate: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_names_module_matches_the_shipped_catalog() -> None:
    catalogs = {}
    for path in sorted((ROOT / "metrics").glob("*.yaml")):
        spec = yaml.safe_load(path.read_text())
        catalogs[spec["namespace"]] = spec
    for name, metric in METRICS.items():
        spec = catalogs[metric.namespace]
        assert name in spec["metrics"], f"{name} is not in the {metric.namespace} catalog"
        declared = spec["metrics"][name]
        assert declared["unit"] == metric.unit, name
        sets = {frozenset(spec["dimension_sets"][s]) for s in declared.get("dimension_sets", ["service"])}
        for extra in metric.sets:
            assert frozenset(BASE_DIMENSIONS + extra) in sets, f"{name}: {extra} is not a declared dimension set"
    for namespace, checks in ((next(iter(SERVICES)), API_CHECKS), ("Vigil/Worker", WORKER_CHECKS)):
        assert set(checks) <= set(catalogs[namespace]["dimensions"]["Check"]["values"]), namespace


def test_smoke_flow_decisions_and_jobs_emit_catalog_metrics(start_service: Start) -> None:
    server, sink = start_service()
    url = server.url
    status, created = call("POST", url + "/sessions")
    assert status == 201
    sid = created["id"]
    for qid, answer in (("q1", "api"), ("q2", "python"), ("q3", "genius")):
        assert call("GET", f"{url}/sessions/{sid}/question")[1]["question"]["id"] == qid
        assert call("POST", f"{url}/sessions/{sid}/answers", {"questionId": qid, "answer": answer})[0] == 200
    assert call("GET", f"{url}/sessions/{sid}/question")[1] == {"question": None, "remaining": 0}
    status, plan = call("GET", f"{url}/sessions/{sid}/plan")
    assert (status, len(plan["summary"])) == (200, 3)
    status, decided = call("POST", f"{url}/plans/{plan['planId']}/approve")
    assert (status, decided["status"]) == (200, "approved")
    assert call("POST", f"{url}/plans/{plan['planId']}/reject")[0] == 409
    wait_for(lambda: call("GET", f"{url}/jobs/{decided['jobId']}")[1]["status"] != "queued", "the job to run")
    wait_for(lambda: any(m[1] == "job.duration" for m in metrics_of(sink)), "job metrics")
    seen = metrics_of(sink)
    names = {m[1] for m in seen}
    for expected in (
        "session.created",
        "session.questionnaire_completed",
        "plan.approved",
        "plan.time_to_approval",
        "http.requests",
        "http.request.duration",
        "job.claimed",
        "job.duration",
        "llm.requests",
        "tool.calls",
        "tokens.used",
        "worker.heartbeat",
        "queue.depth",
    ):
        assert expected in names, expected
    for namespace, name, event in seen:
        if name in METRICS:
            assert METRICS[name].namespace == namespace, name
        assert event["Service"] == SERVICES[namespace]
        assert "WorkerId" not in {
            d for directive in event["_aws"]["CloudWatchMetrics"] for s in directive["Dimensions"] for d in s
        }
    catalog = load_project(ROOT).project.namespaces
    for namespace, _, event in seen:  # one spelling per field: what the service writes is what the catalog declares
        spec = catalog[namespace]
        undeclared = set(event) - {"_aws", *spec.metrics, *spec.dimensions, *spec.properties}
        assert not undeclared, f"{namespace} lines carry fields the catalog does not declare: {sorted(undeclared)}"
    requests = [e for _, n, e in seen if n == "http.requests"]
    wanted = {
        "Endpoint": "/sessions/{id}/answers",
        "Method": "POST",
        "StatusClass": "2xx",
        "EndpointGroup": "questionnaire",
    }
    assert sum(all(e.get(k) == v for k, v in wanted.items()) for e in requests) == 3


def test_bad_requests_are_answered_and_counted(token: str, start_service: Start) -> None:
    server, sink = start_service()
    sid = call("POST", server.url + "/sessions")[1]["id"]
    assert call("POST", f"{server.url}/sessions/{sid}/answers", {"questionId": "q1", "answer": "cobol"})[0] == 422
    assert call("GET", f"{server.url}/sessions/{sid}/plan")[0] == 409
    assert call("GET", server.url + "/sessions/nope/question")[0] == 404
    assert call("DELETE", server.url + "/sessions")[0] == 405
    assert call("POST", server.url + "/admin/incidents/meteor", token=token)[0] == 404
    errors = [e for _, n, e in metrics_of(sink) if n == "http.errors"]
    assert sorted(e["StatusClass"] for e in errors) == ["4xx", "4xx", "4xx", "4xx"]  # 422, 409, 404, 405 (admin: none)
    assert sorted(e["Endpoint"] for e in errors) == [
        "/sessions/{id}/answers",
        "/sessions/{id}/plan",
        "/sessions/{id}/question",
        "unmatched",  # DELETE /sessions: no route, so no template (never the raw path)
    ]


def test_probe_passes_and_fails_with_the_reason_when_a_dependency_stops(
    token: str, start_service: Start, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = socket.create_server(("127.0.0.1", 0))
    threading.Thread(target=lambda: _accept_forever(cache), daemon=True).start()
    server, _ = start_service(dependencies={"cache": ("127.0.0.1", cache.getsockname()[1])})
    wait_for(lambda: call("GET", server.url + "/health/ready")[0] == 200, "readiness")
    assert main(["probe", server.url + "/health/ready", "--token", token]) == 0
    _status, doc = call("GET", server.url + "/health", token=token)
    jsonschema.validate(doc, SCHEMA)
    assert set(doc["checks"]) >= {"cache:responseTime", "database:responseTime", "worker:heartbeatAge"}
    with contextlib.suppress(OSError):
        cache.shutdown(socket.SHUT_RDWR)
    cache.close()
    capsys.readouterr()
    assert main(["probe", server.url + "/health/ready", "--token", token]) == 1
    out = capsys.readouterr().out
    assert "HTTP 503, status fail" in out
    assert "fail cache:responseTime (cache): ConnectionRefusedError" in out
    jsonschema.validate(call("GET", server.url + "/health/ready", token=token)[1], SCHEMA)


def _accept_forever(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while True:
            sock.accept()[0].close()


def test_dead_worker_incident_fails_readiness_until_cleared(token: str, start_service: Start) -> None:
    server, sink = start_service()
    wait_for(lambda: call("GET", server.url + "/health/ready")[0] == 200, "readiness")
    assert call("POST", server.url + "/admin/incidents/dead_worker", token=token)[1]["active"] == ["dead_worker"]
    wait_for(lambda: call("GET", server.url + "/health/ready")[0] == 503, "readiness to fail")
    doc = call("GET", server.url + "/health/ready", token=token)[1]
    assert doc["checks"]["worker:heartbeatAge"][0]["output"].startswith("last heartbeat")
    assert call("GET", server.url + "/health/live")[0] == 200
    statuses = [(e["Check"], e["health.check.status"]) for ns, n, e in metrics_of(sink) if n == "health.check.status"]
    assert ("readiness", 0) in statuses
    assert call("DELETE", server.url + "/admin/incidents/dead_worker", token=token)[1]["active"] == []
    wait_for(lambda: call("GET", server.url + "/health/ready")[0] == 200, "readiness to recover")


def test_queue_backlog_and_token_spike_show_in_metrics_and_health(token: str, start_service: Start) -> None:
    server, sink = start_service()
    wait_for(lambda: call("GET", server.url + "/health/ready")[0] == 200, "readiness")
    call("POST", server.url + "/admin/incidents/queue_backlog", token=token)
    call("POST", server.url + "/admin/incidents/token_spike", token=token)
    status, doc = call("GET", server.url + "/health/ready", token=token)
    assert (status, doc["status"]) == (200, "warn"), doc
    assert doc["checks"]["queue:depth"][0]["observedValue"] > 100
    wait_for(
        lambda: (
            sum(e["queue.depth"] for _, n, e in metrics_of(sink) if n == "queue.depth" and e["Mode"] == "genius") > 50
        ),
        "queue.depth gauges",
    )
    wait_for(
        lambda: any(e["tokens.used"] > 9000 for _, n, e in metrics_of(sink) if n == "tokens.used"), "a token spike"
    )
    call("DELETE", server.url + "/admin/incidents", token=token)


def test_error_burst_and_slow_llm(token: str, start_service: Start) -> None:
    server, sink = start_service()
    wait_for(lambda: call("GET", server.url + "/health/ready")[0] == 200, "readiness")
    call("POST", server.url + "/admin/incidents/error_burst", token=token)
    call("POST", server.url + "/admin/incidents/slow_llm", token=token)
    codes = [call("POST", server.url + "/sessions")[0] for _ in range(30)]
    assert 500 in codes
    assert 201 in codes
    five = [e for _, n, e in metrics_of(sink) if n == "http.errors" and e["StatusClass"] == "5xx"]
    assert len(five) == codes.count(500)
    time.sleep(0.3)  # let the cached pass of the LLM check (TTL 0.2 s) expire
    status, doc = call("GET", server.url + "/health/ready", token=token)
    llm = doc["checks"]["openai:responseTime"][0]
    assert (status, doc["status"], llm["status"], llm["output"]) == (200, "warn", "fail", "timed out after 1 s")
    for _ in range(4):
        call("POST", server.url + "/jobs", {"mode": "mechanic", "type": "fix"})
    wait_for(
        lambda: any(e["llm.latency"] > 10_000 for _, n, e in metrics_of(sink) if n == "llm.latency"), "slow LLM calls"
    )
    call("DELETE", server.url + "/admin/incidents", token=token)
