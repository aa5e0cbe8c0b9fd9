"""The README's hands-on loop: ``python -m vigil.verify.emulator``, then ``vigil verify`` and ``vigil fire`` against it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from .conftest import ROOT

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_emulator_verify_fire_round_trip() -> None:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "PYTHONUNBUFFERED": "1"}
    env.pop("AWS_ENDPOINT_URL", None)
    helper = subprocess.Popen(
        [sys.executable, "-m", "vigil.verify.emulator", "--stack", "dev", "--port", "0"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert helper.stdout is not None
        first = helper.stdout.readline()
        match = re.search(r"at (http://127\.0\.0\.1:\d+) with stack 'dev' applied", first)
        assert match, first
        url = match.group(1)
        vigil = [sys.executable, "-m", "vigil.cli.main"]
        verify = subprocess.run([*vigil, "verify", "--stack", "dev", "--endpoint", url], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
        assert verify.returncode == 1, verify.stderr
        changed = re.findall(r"changed  subscription \S+/chatbot:\S+: Endpoint: plan \"AWS Chatbot", verify.stdout)
        assert len(changed) == 4  # one per severity topic: the loopback receiver stands in for the Slack channels
        assert verify.stdout.rstrip().endswith("4 drift(s)")
        fire = subprocess.run([*vigil, "fire", "ai-cost", "--stack", "dev", "--endpoint", url], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
        assert fire.returncode == 0, fire.stderr
        assert re.search(r"subscription http   http://127\.0\.0\.1:\d+/hook: confirmed", fire.stdout)
        deadline = time.monotonic() + 20
        seen = ""
        while "webhook received: OK" not in seen and time.monotonic() < deadline:
            seen += helper.stdout.readline()
        assert re.search(r'webhook received: ALARM: "(vigil-dev-)?ai-cost" in US East \(N\. Virginia\)', seen)
    finally:
        helper.send_signal(signal.SIGTERM)
        helper.communicate(timeout=30)
    assert helper.returncode == 0
