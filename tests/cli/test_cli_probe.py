"""``vigil probe`` against a real HealthApp under uvicorn on 127.0.0.1, with a real TCP dependency."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Iterator

import pytest

from vigil.cli.main import main
from vigil.health import HealthApp, HealthRegistry, Observation, Status
from vigil.health.checks import tcp_check
from vigil.health.serve import RunningServer, serve_in_thread

TOKEN = "ci-token"


class Listener:
    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                self.sock.accept()[0].close()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


@pytest.fixture
def cache_dependency() -> Iterator[Listener]:
    listener = Listener()
    yield listener
    listener.stop()


@pytest.fixture
def server(cache_dependency: Listener) -> Iterator[RunningServer]:
    registry = HealthRegistry(service_id="api")
    registry.register("cache", tcp_check("127.0.0.1", cache_dependency.port), component_type="datastore")
    registry.register("disk", lambda: Observation(Status.WARN, value=90, unit="percent", output="90 %"), critical=False)
    registry.register("self", lambda: True, kind="liveness")
    with serve_in_thread(HealthApp(registry, tokens=[TOKEN])) as running:
        yield running


def test_probe_passes_on_a_healthy_endpoint(server: RunningServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["probe", server.url + "/health/live"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"PASS {server.url}/health/live: HTTP 200, status pass")


def test_expect_warn_accepts_a_degraded_endpoint_and_pass_does_not(
    server: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["probe", server.url + "/health/ready", "--expect", "warn"]) == 0
    assert main(["probe", server.url + "/health/ready", "--token", TOKEN]) == 1
    out = capsys.readouterr().out
    assert "status warn" in out
    assert "(expected pass)" in out
    assert "warn disk:responseTime (disk): 90 %" in out


def test_stopped_dependency_fails_with_503_and_names_the_check(
    server: RunningServer, cache_dependency: Listener, capsys: pytest.CaptureFixture[str]
) -> None:
    cache_dependency.stop()
    assert main(["probe", server.url + "/health/ready", "--token", TOKEN, "--expect", "warn"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"FAIL {server.url}/health/ready: HTTP 503, status fail")
    assert "fail cache:responseTime (cache): ConnectionRefusedError" in lines[1]
    assert main(["probe", server.url + "/health/ready", "--expect", "fail"]) == 0


def test_without_token_the_reason_is_hidden_and_a_hint_is_given(
    server: RunningServer, cache_dependency: Listener, capsys: pytest.CaptureFixture[str]
) -> None:
    cache_dependency.stop()
    assert main(["probe", server.url + "/health/ready"]) == 1
    out = capsys.readouterr().out
    assert "HTTP 503" in out
    assert "ConnectionRefusedError" not in out
    assert "pass --token" in out


def test_token_from_environment_and_json_format(
    server: RunningServer,
    cache_dependency: Listener,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VIGIL_HEALTH_TOKEN", TOKEN)
    cache_dependency.stop()
    assert main(["probe", server.url + "/health", "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert (out["ok"], out["httpStatus"], out["status"], out["expected"]) == (False, 503, "fail", "pass")
    assert [f["key"] for f in out["failing"]] == ["cache:responseTime", "disk:responseTime"]


def test_unreachable_endpoint_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    listener = Listener()
    port = listener.port
    listener.stop()  # nothing listens on this port any more
    assert main(["probe", f"http://127.0.0.1:{port}/health", "--timeout", "5"]) == 1
    assert "cannot reach" in capsys.readouterr().out


def test_not_a_health_document_exits_1(server: RunningServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["probe", server.url + "/not-health"]) == 1
    assert "HTTP 404 without a health document" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["probe", "ftp://x/health"], ["probe", "http://127.0.0.1:1/", "--timeout", "0"]])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "vigil probe:" in capsys.readouterr().err
