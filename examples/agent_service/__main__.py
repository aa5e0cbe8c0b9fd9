"""``python -m examples.agent_service [--host H] [--port P] [--sink URL] [--health-token T] [--dependency N=H:P]``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import replace

from examples.agent_service.app import create_app
from examples.agent_service.state import ServiceConfig
from vigil.emf.log_formatter import configure_logging
from vigil.tracing import TelemetrySettings, Tracing, setup_tracing
from vigil.tracing.setup import SpanLineExporter


def parse_dependency(text: str) -> tuple[str, tuple[str, int]]:
    """``cache=127.0.0.1:6379`` -> ``("cache", ("127.0.0.1", 6379))``."""
    name, _, address = text.partition("=")
    host, _, port = address.rpartition(":")
    if not name or not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected NAME=HOST:PORT, got {text!r}")
    return name, (host, int(port))


def _tracing(mode: str, service: str, environment: str) -> Tracing | None:
    if mode == "off":
        return None
    settings = replace(TelemetrySettings.from_env(service), service=service, environment=environment, release="0.1.0")
    exporter = SpanLineExporter() if mode == "console" else None
    return setup_tracing(settings, exporter=exporter, batch=mode != "console")


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the example with uvicorn until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m examples.agent_service", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--environment", default=os.environ.get("VIGIL_ENVIRONMENT", "dev"))
    parser.add_argument(
        "--sink",
        default=None,
        help="EMF sink URL: stdout, memory, tcp://..., cwlogs://... (default $VIGIL_EMF_SINK or stdout)",
    )
    parser.add_argument("--health-token", default=os.environ.get("VIGIL_HEALTH_TOKEN", ""))
    parser.add_argument(
        "--dependency",
        action="append",
        type=parse_dependency,
        default=[],
        help="extra TCP dependency checked by readiness, NAME=HOST:PORT (repeatable)",
    )
    parser.add_argument(
        "--trace",
        choices=("off", "console", "otlp"),
        default="off",
        help="spans: off, one JSON line per span on stdout, or OTLP to $OTEL_EXPORTER_OTLP_TRACES_ENDPOINT "
        "(default 127.0.0.1:4318); ratio from $VIGIL_TRACE_SAMPLE_RATIO",
    )
    parser.add_argument("--service", default="api", help="service name on spans and log lines (default api)")
    parser.add_argument("--downstream", default=None, help="base URL of another instance that runs approved jobs")
    args = parser.parse_args(argv)
    import uvicorn

    config = ServiceConfig(
        environment=args.environment,
        sink=args.sink,
        health_token=args.health_token,
        dependencies=dict(args.dependency),
        tracing=_tracing(args.trace, args.service, args.environment),
        downstream=args.downstream,
    )
    # JSON lines on stderr, with the machine and thread (the worker runs in its own thread)
    configure_logging(args.service, environment=args.environment, release=config.version, machine_fields=True)
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
