"""The example service's operator surface: /admin/incidents needs the service token; a 500 never shows the exception."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest

from vigil.emf import InMemorySink
from vigil.health.serve import RunningServer

Start = Callable[..., tuple[RunningServer, InMemorySink]]


def call(method: str, url: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


ADMIN = [
    ("GET", "/admin/incidents"),
    ("POST", "/admin/incidents/error_burst"),
    ("DELETE", "/admin/incidents/error_burst"),
    ("DELETE", "/admin/incidents"),
]


@pytest.mark.parametrize(("method", "path"), ADMIN)
def test_admin_routes_refuse_callers_without_the_token(
    method: str, path: str, token: str, start_service: Start
) -> None:
    server, _ = start_service()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {token}"}):
        status, body = call(method, server.url + path, headers)
        assert status == 401, headers
        assert "Authorization: Bearer" in body["error"]
    assert call("GET", server.url + "/admin/incidents", {"Authorization": f"Bearer {token}"})[1]["active"] == {}
    status, _ = call(method, server.url + path, {"Authorization": f"Bearer {token}"})
    assert status == 200


def test_admin_routes_are_disabled_without_a_configured_token(start_service: Start) -> None:
    server, _ = start_service(health_token="")
    status, body = call("POST", server.url + "/admin/incidents/error_burst", {"Authorization": "Bearer "})
    assert status == 403
    assert "--health-token" in body["error"]
    assert call("GET", server.url + "/admin/incidents")[0] == 403


def test_unknown_incidents_are_not_revealed_before_authentication(start_service: Start) -> None:
    server, _ = start_service()
    assert call("POST", server.url + "/admin/incidents/meteor")[0] == 401


def test_a_failing_handler_answers_500_without_exception_text(
    start_service: Start, caplog: pytest.LogCaptureFixture
) -> None:
    server, sink = start_service()
    app = server._server.config.app
    secret = "postgres://admin:hunter2@db.internal/prod"

    def broken(**_: Any) -> Any:
        raise RuntimeError(f"could not connect to {secret}")

    app.state.store.create_session = broken
    with caplog.at_level(logging.ERROR, logger="examples.agent_service"):
        status, body = call("POST", server.url + "/sessions")
    assert (status, body) == (500, {"error": "internal error"})
    assert secret in caplog.text  # the operator still gets the traceback in the log
    deadline = time.monotonic() + 15  # the metrics are written just after the response
    while not any('"http.errors"' in x and '"5xx"' in x for x in list(sink.lines)):
        assert time.monotonic() < deadline, "no http.errors metric for the 500"
        time.sleep(0.02)
