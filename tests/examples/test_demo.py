"""``make demo`` end to end (quick scenario): the incident is caught, notified and reported; Ctrl-C cleans up."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("matplotlib", reason="vigil-monitoring[plot] is not installed")

from examples import demo
from vigil.plan.stack import load_stack_plan

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_quick_demo_catches_the_incidents_and_writes_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = demo.run(tmp_path, demo.QUICK_PHASES, quick=True)
    out = capsys.readouterr().out
    assert "no drift" in out
    assert "every metric is declared in metrics/*.yaml" in out
    published = re.search(r"webhook received (\d+) of (\d+) notification", out)
    assert published is not None
    assert published.group(1) == published.group(2)
    assert int(published.group(2)) >= 2
    assert re.search(r'ALARM: "(vigil-dev-)?jobs-failing" in US East \(N\. Virginia\)', out)
    index = tmp_path / "index.html"
    assert out.rstrip().endswith(f"report: {index}")
    html = index.read_text()
    boards = load_stack_plan(ROOT, "dev", account_id="123456789012").plan.dashboards
    for board in boards:
        assert f'src="{board.name}.png"' in html
        assert (tmp_path / f"{board.name}.png").stat().st_size > 20_000
    assert "alarm-timeline.png" in html
    assert html.count('class="ALARM"') >= 1
    assert status == 0, out


def test_ctrl_c_stops_everything_and_exits_130(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "examples.demo", "--quick"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 120
    for line in process.stdout:
        if "the example service" in line or time.monotonic() > deadline:
            break
    time.sleep(1.5)  # inside the traffic phase: moto, the webhook and the service are all running
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "interrupted: moto, the service and the webhook receiver were stopped" in err
