"""Hand a job to another instance of the example (``--downstream URL``), passing the trace and correlation id on."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from typing import Any

from examples.agent_service.http import HTTPError
from vigil.middleware import outgoing_headers


def _post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> dict[str, Any]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        answer: dict[str, Any] = json.loads(response.read() or b"{}")
        return answer


async def submit_job(base_url: str, mode: str, job_type: str, timeout: float = 5.0) -> str:
    """``POST {base_url}/jobs`` with this request's ``traceparent`` and ``X-Correlation-ID``; the new job id.

    A downstream that fails or does not answer is a 502 for the caller (the plan stays approved).
    """
    headers = {**outgoing_headers(), "content-type": "application/json"}
    body = json.dumps({"mode": mode, "type": job_type}).encode()
    try:
        answer = await asyncio.to_thread(_post, base_url.rstrip("/") + "/jobs", body, headers, timeout)
    except OSError as exc:  # URLError, HTTPError and timeouts are all OSErrors
        raise HTTPError(502, f"downstream {base_url} did not take the job: {exc}") from None
    return str(answer.get("id", ""))
