"""``vigil probe URL``: probe a health endpoint, for smoke tests, CI and people.

Exit codes: 0 the status meets ``--expect``, 1 it does not (or the endpoint is unreachable), 2 usage error.
``--expect pass`` accepts pass; ``--expect warn`` accepts pass or warn; ``--expect fail`` accepts only fail.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys

from vigil.health.client import explain, probe
from vigil.health.errors import HealthError
from vigil.health.types import Status

TOKEN_ENV = "VIGIL_HEALTH_TOKEN"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``vigil probe`` to the CLI.

    >>> vigil probe http://127.0.0.1:8000/health/ready --expect pass --token s3cret  # doctest: +SKIP
    """
    parser = subparsers.add_parser("probe", help="probe a health endpoint (application/health+json)")
    parser.add_argument("url", help="health endpoint URL, e.g. http://127.0.0.1:8000/health/ready")
    parser.add_argument("--expect", choices=[s.value for s in Status], default="pass", help="status to require")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for the answer (default 5)")
    parser.add_argument("--token", default=None, help=f"bearer token to see check details (default ${TOKEN_ENV})")
    parser.add_argument("--format", choices=["text", "json"], default="text", help="output format")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Probe ``args.url`` and print the verdict; returns the exit code."""
    if not args.timeout > 0:
        print(f"vigil probe: --timeout must be > 0, got {args.timeout}", file=sys.stderr)
        return 2
    expect = Status(args.expect)
    token = args.token if args.token is not None else os.environ.get(TOKEN_ENV) or None
    try:
        result = probe(args.url, timeout=args.timeout, token=token)
    except HealthError as exc:
        print(f"vigil probe: {exc}", file=sys.stderr)
        return 2
    ok = result.meets(expect)
    if args.format == "json":
        out = {
            "url": result.url,
            "ok": ok,
            "expected": expect.value,
            "httpStatus": result.http_status,
            "status": result.status.value if result.status else None,
            "latencyMs": result.latency_ms,
            "failing": [dataclasses.asdict(f) for f in result.failing()],
            "error": result.error or None,
        }
        print(json.dumps(out, sort_keys=True))
    else:
        print("\n".join(explain(result, expect)))
    return 0 if ok else 1
