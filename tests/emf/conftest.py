"""Fixtures of the vigil.emf tests: a moto server, a logs client, loopback TCP listeners."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from emf_helpers import TcpListener


@pytest.fixture
def tcp_listener() -> Iterator[TcpListener]:
    listener = TcpListener()
    yield listener
    listener.close()


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    yield f"http://127.0.0.1:{server._server.server_port}"
    server.stop()


@pytest.fixture
def logs_client(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    import boto3
    from botocore.config import Config

    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    return boto3.client(
        "logs", endpoint_url=moto_endpoint, region_name="us-east-1", config=Config(retries={"max_attempts": 1})
    )
