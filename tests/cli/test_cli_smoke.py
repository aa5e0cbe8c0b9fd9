"""``vigil smoke`` against the example service (self-started and by URL) and against broken services."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from vigil.cli.main import main
from vigil.cli.smoke import example_service
from vigil.health.serve import RunningServer, serve_in_thread
from vigil.smoke import STEPS


def test_smoke_starts_the_example_service_and_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["smoke"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("smoke http://127.0.0.1:")
    assert "(example service on http://127.0.0.1:" in lines[0]
    for line, step in zip(lines[1:5], STEPS, strict=True):
        assert line.split()[0] == "ok"
        assert step in line
        assert line.endswith(" ms")
    assert "POST /sessions " in lines[1]
    assert lines[5].startswith("PASS 4/4 steps in ")


def test_smoke_json_reports_every_step(capsys: pytest.CaptureFixture[str]) -> None:
    with example_service() as url:
        assert main(["smoke", "--base-url", url + "/", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is True
    assert [(s["name"], s["status"], s["ok"]) for s in out["steps"]] == [
        ("create session", 201, True),
        ("fetch question", 200, True),
        ("submit answer", 200, True),
        ("fetch plan summary", 200, True),
    ]
    assert all(s["latencyMs"] >= 0 for s in out["steps"])


async def _broken_service(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Creates sessions, but every question fetch fails with 500."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    status, body = (201, b'{"id": "s-1"}') if scope["path"] == "/sessions" else (500, b'{"error": "boom"}')
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture
def broken() -> Iterator[RunningServer]:
    with serve_in_thread(_broken_service) as server:
        yield server


def test_failing_step_exits_1_and_names_it(broken: RunningServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["smoke", "--base-url", broken.url]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[0] == "ok"
    assert lines[2].split()[:3] == ["FAIL", "fetch", "question"]
    assert "500" in lines[2]
    assert "expected 200" in lines[2]
    assert [line.split()[0] for line in lines[3:5]] == ["skip", "skip"]
    assert lines[5].startswith("FAIL 1/4 steps")


def test_unreachable_service_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    with serve_in_thread(_broken_service) as server:
        url = server.url
    assert main(["smoke", "--base-url", url, "--timeout", "5"]) == 1  # stopped: nothing listens any more
    assert "Connection" in capsys.readouterr().out


def test_bad_url_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["smoke", "--base-url", "ftp://example.invalid"]) == 2
    assert "not an http(s) URL" in capsys.readouterr().err
