"""botocore client spans from OpenTelemetry's botocore instrumentation, through instrument_dependencies, against
moto's server on 127.0.0.1: one CLIENT span per AWS call, named after the service and operation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("opentelemetry.instrumentation.botocore", reason="the deps extra is not installed")

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from vigil.tracing import TelemetrySettings, setup_tracing
from vigil.tracing.dependencies import instrument_dependencies, uninstrument_dependencies

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    yield f"http://127.0.0.1:{server._server.server_port}"
    server.stop()


def test_aws_calls_get_client_spans(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3
    from botocore.config import Config

    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "testing")
    exporter = InMemorySpanExporter()
    tracing = setup_tracing(
        TelemetrySettings("worker", "test", "1.0", sample_ratio=1.0), exporter=exporter, batch=False
    )
    names = instrument_dependencies(tracing, libraries=("botocore",))
    try:
        assert names == ("botocore",)
        config = Config(retries={"max_attempts": 1, "mode": "standard"})
        client = boto3.client("cloudwatch", region_name="us-east-1", endpoint_url=moto_endpoint, config=config)
        client.put_metric_data(Namespace="Vigil/Test", MetricData=[{"MetricName": "m", "Value": 1.0}])
        client.list_metrics(Namespace="Vigil/Test")
    finally:
        uninstrument_dependencies(names)
    spans = [s for s in exporter.get_finished_spans() if (s.attributes or {}).get("rpc.system") == "aws-api"]
    assert [s.name for s in spans] == ["CloudWatch.PutMetricData", "CloudWatch.ListMetrics"]
    assert all(s.kind == SpanKind.CLIENT for s in spans)
    assert {(s.attributes or {}).get("rpc.service") for s in spans} == {"CloudWatch"}
