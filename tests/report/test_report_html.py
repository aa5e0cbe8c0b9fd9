"""The HTML report opened in headless Chromium: every image loads, the console has no errors; screenshot saved."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("matplotlib", reason="vigil-monitoring[plot] is not installed")

from vigil.emulator.store import MetricStore
from vigil.emulator.timeline import Evaluation
from vigil.plan.types import StackPlan
from vigil.report.dashboard import render_dashboard
from vigil.report.html import Notification, ReportInputs, write_report
from vigil.report.timeline import Detection, render_timeline
from vigil.report.widgets import Data

from .cdp import browser, load
from .report_data import END, START

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "out" / "test-report" / "screenshot.png"


def build_report(plan: StackPlan, store: MetricStore, evaluation: Evaluation, out: Path, boards: int = 2) -> Path:
    pictures = out / "src"
    dashboards = [
        (b.name, render_dashboard(b.name, b.body, Data(store, evaluation, START, END, 300), pictures / f"{b.name}.png"))
        for b in plan.dashboards[:boards]
    ]
    timeline = render_timeline(evaluation, [], pictures / "timeline.png")
    inputs = ReportInputs(
        title="Vigil report <test>",
        stack="dev",
        summary={"metric alarms": len(plan.alarms.metric_alarms), "dashboards": len(plan.dashboards)},
        monthly_usd=225.67,
        cost_by_kind={"metrics": 200.0, "alarms": 25.67},
        dashboards=dashboards,
        timeline=timeline,
        detections=[Detection("5xx burst", START, START + 600, "api-error-rate-5m", START + 240)],
        notifications=[
            Notification(
                received_at=START + 250.0,
                changed_at=START + 240.0,
                subject='ALARM: "worker-down" in US East (N. Virginia)',
                alarm="worker-down",
                state="ALARM",
                topic="vigil-dev-p1",
                published_by="Vigil (emulator)",
            )
        ],
        notes=["Pictures are drawn locally from the plan."],
    )
    return write_report(inputs, out / "report")


class _Tables(HTMLParser):
    """Cells per row of every table (header rows included)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append(0)
        elif tag in ("td", "th"):
            self.tables[-1][-1] += 1


def test_every_table_row_has_as_many_cells_as_its_header(
    dev_plan: StackPlan, store: MetricStore, evaluation: Evaluation, tmp_path: Path
) -> None:
    parser = _Tables()
    parser.feed(build_report(dev_plan, store, evaluation, tmp_path, boards=1).read_text())
    assert len(parser.tables) == 4  # resources, cost, incidents, notifications (no steps given)
    for rows in parser.tables:
        assert len(set(rows)) == 1, rows


@pytest.mark.slow
def test_report_loads_in_headless_chromium(
    chromium: str, dev_plan: StackPlan, store: MetricStore, evaluation: Evaluation, tmp_path: Path
) -> None:
    index = build_report(dev_plan, store, evaluation, tmp_path)
    html = index.read_text()
    assert "Vigil report &lt;test&gt;" in html  # escaped
    with browser(chromium) as session:
        page = load(session, index.as_uri(), SCREENSHOT)
    assert page.title == "Vigil report <test>"
    assert len(page.images) == 3
    for image in page.images:
        assert image["complete"], image
        assert image["width"] > 0, image
    assert page.errors == []
    assert SCREENSHOT.stat().st_size > 10_000


@pytest.mark.slow
def test_a_broken_image_is_caught(
    chromium: str, dev_plan: StackPlan, store: MetricStore, evaluation: Evaluation, tmp_path: Path
) -> None:
    index = build_report(dev_plan, store, evaluation, tmp_path, boards=1)
    (index.parent / f"{dev_plan.dashboards[0].name}.png").unlink()
    with browser(chromium) as session:
        page = load(session, index.as_uri(), tmp_path / "broken.png")
    assert [i["width"] for i in page.images if dev_plan.dashboards[0].name in i["src"]] == [0]
    assert any("ERR_FILE_NOT_FOUND" in e or "Failed to load" in e for e in page.errors), page.errors
