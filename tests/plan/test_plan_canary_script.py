"""The canary's code as Synthetics would load it (``python/`` of the zip), run against real loopback services."""

from __future__ import annotations

import importlib
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from vigil.cli.smoke import example_service
from vigil.plan.canary import HANDLER, canary_files


@pytest.fixture
def handler_module(tmp_path: Path) -> Iterator[ModuleType]:
    for path, text in canary_files().items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    sys.path.insert(0, str(tmp_path / "python"))
    try:
        yield importlib.import_module(HANDLER.split(".")[0])
    finally:
        sys.path.remove(str(tmp_path / "python"))
        for name in ("vigil_canary", "vigil_smoke"):
            sys.modules.pop(name, None)


def test_a_healthy_service_passes_every_step(handler_module: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    with example_service() as url:
        monkeypatch.setenv("VIGIL_SMOKE_BASE_URL", url)
        assert handler_module.handler({}, None) == f"smoke flow passed: 4 steps against {url}"


def test_a_dead_service_fails_the_run_at_the_first_step(
    handler_module: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("VIGIL_SMOKE_BASE_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("VIGIL_SMOKE_TIMEOUT", "2")
    with pytest.raises(Exception, match=r"smoke flow failed at 'create session' \(None\): ConnectionRefusedError"):
        handler_module.handler({}, None)
