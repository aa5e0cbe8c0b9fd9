"""The seed's smoke flow: create session -> fetch question -> submit answer -> fetch plan summary.

Standard library only, and importing nothing from Vigil: ``vigil smoke`` runs it, and the smoke-flow canary
(:mod:`vigil.plan.canary`) ships this module's source as the canary's ``python/vigil_smoke.py``, so the
command and the canary run one flow.

>>> STEPS
('create session', 'fetch question', 'submit answer', 'fetch plan summary')
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

STEPS = ("create session", "fetch question", "submit answer", "fetch plan summary")
#: The seed's periodic patch validation dry run (``vigil smoke --flow patch-validation``): the service must refuse a
#: path-traversal and an absolute-path patch and accept a safe one; ``POST /workspaces/validate-patch`` applies
#: nothing. (step, files, expected status)
PATCH_STEPS = ("refuse traversal patch", "refuse absolute patch", "accept safe patch")
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


def _fail_missing(results: list[StepResult], step: StepResult, detail: str) -> list[StepResult]:
    if step.ok:
        results[-1] = StepResult(step.name, step.method, step.path, step.status, step.latency_ms, False, detail)
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


#: The flows by name: their steps and the function that runs them (``vigil smoke --flow``; the canary's
#: ``VIGIL_CANARY_FLOW``).
FLOWS: dict[str, tuple[tuple[str, ...], Callable[..., list[StepResult]]]] = {
    "smoke": (STEPS, run_flow),
    "patch-validation": (PATCH_STEPS, run_patch_validation),
}
