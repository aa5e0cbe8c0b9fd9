"""Every dashboard of the plan drawn to a PNG; the alarm timeline; time to detect."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("matplotlib", reason="vigil-monitoring[plot] is not installed")

from matplotlib.image import imread

from vigil.emulator.store import MetricStore
from vigil.emulator.timeline import Evaluation
from vigil.plan.types import StackPlan
from vigil.report.dashboard import ROW_IN, render_dashboard
from vigil.report.timeline import Detection, detections, render_timeline
from vigil.report.widgets import Data, markdown_lines

from .report_data import END, START


@pytest.mark.slow
def test_every_dashboard_renders_at_its_grid_size(
    dev_plan: StackPlan, store: MetricStore, evaluation: Evaluation, tmp_path: Path
) -> None:
    for board in dev_plan.dashboards:
        path = render_dashboard(
            board.name, board.body, Data(store, evaluation, START, END, 300), tmp_path / f"{board.name}.png"
        )
        pixels = imread(path)
        rows = max(w["y"] + w["height"] for w in json.loads(board.body)["widgets"])
        assert pixels.shape[1] == 1600
        assert pixels.shape[0] >= rows * ROW_IN * 100
        # the picture is not blank: panels are white on the grey page and lines add colour
        colours = {tuple(round(float(c), 1) for c in px[:3]) for px in pixels[::7, ::7].reshape(-1, pixels.shape[2])}
        assert len(colours) > 8


def test_a_graph_without_data_says_so(tmp_path: Path) -> None:
    body = {
        "widgets": [
            {"type": "metric", "x": 0, "y": 0, "width": 12, "height": 6,
             "properties": {"title": "Nothing", "region": "us-east-1", "period": 300,
                            "metrics": [["N", "missing", {"stat": "Sum"}]]}},
        ]
    }  # fmt: skip
    path = render_dashboard("empty", body, Data(MetricStore(), None, START, END, 300), tmp_path / "empty.png")
    assert imread(path).shape[0] > 0


def test_timeline_and_detection(dev_plan: StackPlan, evaluation: Evaluation, tmp_path: Path) -> None:
    fired = [t for t in evaluation.timelines.values() if t.first_alarm() is not None]
    assert fired, "the test data's error spike must put an alarm into ALARM"
    first = min(fired, key=lambda t: (t.first_alarm() or 0, t.name))
    at = first.first_alarm()
    assert at is not None

    class Incident:
        def __init__(self, name: str, start: int, end: int) -> None:
            self.name, self.start, self.end = name, start, end

    found = detections(
        evaluation,
        [Incident("spike", at - 120, at + 300), Incident("before the data", START - 7200, START - 7140)],
        {first.name},
    )
    assert found[0] == Detection("spike", at - 120, at + 300, first.name, at)
    assert found[0].seconds == 120
    assert found[1].alarm is None
    assert found[1].seconds is None
    path = render_timeline(evaluation, [Incident("spike", at - 120, at + 300)], tmp_path / "timeline.png")
    assert imread(path).shape[1] == 1600


def test_markdown_is_flattened_for_text_widgets() -> None:
    assert markdown_lines("## Runbooks\n[worker-down](https://x/y.md) and **bold**") == [
        ("Runbooks", True),
        ("worker-down and bold", False),
    ]
