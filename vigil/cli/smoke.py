"""``vigil smoke``: the seed's smoke flow (create session -> fetch question -> submit answer -> fetch plan summary).

``--flow patch-validation`` runs the seed's periodic patch validation dry run instead (:mod:`vigil.smoke.flow`).

Against ``--base-url``, or, without it, against the example agent service started on 127.0.0.1 (a free port)
for the run. Prints each step's status and latency. Exit codes: 0 every step passed, 1 a step failed, 2 usage.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from vigil.smoke.flow import FLOWS, PATCH_STEPS, STEPS, StepResult

__all__ = ["PATCH_STEPS", "STEPS", "example_service", "register", "run"]


@contextmanager
def example_service() -> Iterator[str]:
    """Start the example agent service on 127.0.0.1 (free port) with an in-memory EMF sink; yields its URL."""
    from vigil.health.serve import serve_in_thread

    module = _import_example()
    app = module.create_app(module.ServiceConfig(sink="memory"))
    with serve_in_thread(app) as server:
        yield server.url


def _import_example() -> Any:
    try:
        return importlib.import_module("examples.agent_service")
    except ModuleNotFoundError as exc:
        if exc.name not in ("examples", "examples.agent_service"):
            raise
    checkout = Path(__file__).resolve().parents[2]  # a source checkout: <root>/vigil/cli/smoke.py
    if not (checkout / "examples" / "agent_service" / "__init__.py").is_file():
        raise ModuleNotFoundError("the example service ships with the repository checkout; pass --base-url")
    sys.path.insert(0, str(checkout))
    return importlib.import_module("examples.agent_service")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``vigil smoke`` to the CLI.

    >>> vigil smoke --base-url http://127.0.0.1:8000 --format json  # doctest: +SKIP
    """
    parser = subparsers.add_parser("smoke", help="run the smoke flow against a service (default: the example)")
    parser.add_argument("--base-url", default=None, help="service base URL (default: start the example service)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default 10)")
    parser.add_argument("--format", choices=["text", "json"], default="text", help="output format")
    parser.add_argument(
        "--flow", choices=sorted(FLOWS), default="smoke", help="smoke (default) or the patch validation dry run"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the flow and print it; returns the exit code."""
    names, flow = FLOWS[getattr(args, "flow", "smoke")]
    try:
        if args.base_url:
            return _report(args.base_url, flow(args.base_url, timeout=args.timeout), args.format, "", names)
        with example_service() as url:
            return _report(url, flow(url, timeout=args.timeout), args.format, "example service on " + url, names)
    except (ValueError, ModuleNotFoundError) as exc:
        print(f"vigil smoke: {exc}", file=sys.stderr)
        return 2


def _report(base_url: str, steps: list[StepResult], fmt: str, note: str, names: tuple[str, ...] = STEPS) -> int:
    ok = len(steps) == len(names) and all(s.ok for s in steps)
    emit: Callable[[str], None] = print
    if fmt == "json":
        steps_out = [{**asdict(s), "latencyMs": s.latency_ms} for s in steps]
        for out in steps_out:
            del out["latency_ms"]
        emit(json.dumps({"baseUrl": base_url, "ok": ok, "steps": steps_out}, sort_keys=True))
        return 0 if ok else 1
    emit(f"smoke {base_url}" + (f" ({note})" if note else ""))
    for s in steps:
        status = "-" if s.status is None else str(s.status)
        line = f"  {'ok' if s.ok else 'FAIL':<4}  {s.name:<22} {s.method:<4} {s.path:<28} {status:>3} {s.latency_ms:8.1f} ms"
        emit(line + (f"  {s.detail}" if s.detail else ""))
    for name in names[len(steps) :]:
        emit(f"  skip  {name}")
    total = sum(s.latency_ms for s in steps)
    passed = sum(s.ok for s in steps)
    emit(f"{'PASS' if ok else 'FAIL'} {passed}/{len(names)} steps in {total:.1f} ms")
    return 0 if ok else 1
