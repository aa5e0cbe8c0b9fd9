"""``vigil smoke``: the seed's smoke flow (create session -> fetch question -> submit answer -> fetch plan summary).

``--flow patch-validation`` runs the seed's periodic patch validation dry run instead: the service must refuse a
path-traversal patch and an absolute-path patch and accept a safe one (``POST /workspaces/validate-patch``,
nothing is applied), so traversal protections are shown to be active.

Against ``--base-url``, or, without it, against the example agent service started on 127.0.0.1 (a free port)
for the run. Prints each step's status and latency. Exit codes: 0 every step passed, 1 a step failed, 2 usage.
"""

from __future__ import annotations

import argparse
import http.client
import importlib
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

STEPS = ("create session", "fetch question", "submit answer", "fetch plan summary")
PATCH_STEPS = ("refuse traversal patch", "refuse absolute patch", "accept safe patch")
#: The dry-run endpoint and the patches it is sent: (step, files, expected status).
PATCH_ENDPOINT = "/workspaces/validate-patch"
PATCH_CASES = (
    (PATCH_STEPS[0], ["src/../../../etc/passwd"], 422),
    (PATCH_STEPS[1], ["/etc/shadow"], 422),
    (PATCH_STEPS[2], ["src/app.py", "tests/test_app.py"], 200),
)


@dataclass(frozen=True)
class StepResult:
    """One step of the flow: what was called, what came back, how long it took."""

    name: str
    method: str
    path: str
    status: int | None
    latency_ms: float
    ok: bool
    detail: str = ""


class _Client:
    def __init__(self, base_url: str, timeout: float) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{base_url!r} is not an http(s) URL")
        self.parts, self.timeout = parts, timeout
        self.prefix = parts.path.rstrip("/")

    def call(self, name: str, method: str, path: str, expect: int, body: Any = None) -> tuple[StepResult, Any]:
        cls = http.client.HTTPSConnection if self.parts.scheme == "https" else http.client.HTTPConnection
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        t0 = time.perf_counter()
        try:
            conn = cls(self.parts.hostname or "", self.parts.port, timeout=self.timeout)
            try:
                conn.request(method, self.prefix + path, body=data, headers=headers)
                response = conn.getresponse()
                raw = response.read()
            finally:
                conn.close()
        except (OSError, http.client.HTTPException) as exc:
            ms = round((time.perf_counter() - t0) * 1000.0, 1)
            return StepResult(name, method, path, None, ms, False, f"{type(exc).__name__}: {exc}"), None
        ms = round((time.perf_counter() - t0) * 1000.0, 1)
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = None
        ok = response.status == expect
        detail = "" if ok else f"expected {expect}, body {raw[:200].decode('utf-8', 'replace')!r}"
        return StepResult(name, method, path, response.status, ms, ok, detail), payload


def run_flow(base_url: str, *, timeout: float = 10.0) -> list[StepResult]:
    """Run the four steps against ``base_url``; stops at the first failing step.

    >>> [s.ok for s in run_flow("http://127.0.0.1:8000")]  # doctest: +SKIP
    [True, True, True, True]
    """
    client = _Client(base_url, timeout)
    results: list[StepResult] = []
    step, created = client.call(STEPS[0], "POST", "/sessions", 201, {})
    results.append(step)
    session = created.get("id") if step.ok and isinstance(created, dict) else None
    if session is None:
        return _fail_missing(results, step, "no session id in the answer")
    step, body = client.call(STEPS[1], "GET", f"/sessions/{session}/question", 200)
    results.append(step)
    question = body.get("question") if step.ok and isinstance(body, dict) else None
    if not (isinstance(question, dict) and question.get("id") and question.get("options")):
        return _fail_missing(results, step, "no question with an id and options in the answer")
    answer = {"questionId": question["id"], "answer": question["options"][0]}
    step, _ = client.call(STEPS[2], "POST", f"/sessions/{session}/answers", 200, answer)
    results.append(step)
    if not step.ok:
        return results
    step, plan = client.call(STEPS[3], "GET", f"/sessions/{session}/plan", 200)
    results.append(step)
    if step.ok and not (isinstance(plan, dict) and plan.get("summary")):
        return _fail_missing(results, step, "no plan summary in the answer")
    return results


def run_patch_validation(base_url: str, *, timeout: float = 10.0) -> list[StepResult]:
    """The patch validation dry run: traversal and absolute paths refused (422), a safe patch accepted (200).

    >>> [s.ok for s in run_patch_validation("http://127.0.0.1:8000")]  # doctest: +SKIP
    [True, True, True]
    """
    client = _Client(base_url, timeout)
    results: list[StepResult] = []
    for name, files, expect in PATCH_CASES:
        step, body = client.call(name, "POST", PATCH_ENDPOINT, expect, {"dryRun": True, "files": files})
        results.append(step)
        if not step.ok:
            return results
        if expect == 200 and not (isinstance(body, dict) and body.get("valid") is True):
            return _fail_missing(results, step, "the safe patch was not reported valid")
    return results


#: ``--flow``: the steps and the function of each flow (the canary's ``VIGIL_CANARY_FLOW`` picks one too).
FLOWS: dict[str, tuple[tuple[str, ...], Callable[..., list[StepResult]]]] = {
    "smoke": (STEPS, run_flow),
    "patch-validation": (PATCH_STEPS, run_patch_validation),
}


def _fail_missing(results: list[StepResult], step: StepResult, detail: str) -> list[StepResult]:
    if step.ok:
        results[-1] = StepResult(step.name, step.method, step.path, step.status, step.latency_ms, False, detail)
    return results


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
