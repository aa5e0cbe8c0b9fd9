"""``vigil grafana``: every planned CloudWatch widget becomes a Grafana panel with the same metrics."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("grafana_foundation_sdk", reason="vigil-monitoring[grafana] is not installed")

from grafana_foundation_sdk.models.dashboard import Dashboard

from vigil.cli import grafana as cli
from vigil.cli.main import build_parser
from vigil.grafana.build import grafana_dashboard
from vigil.plan.stack import load_stack_plan
from vigil.plan.types import DashboardPlan

ROOT = Path(__file__).resolve().parents[2]


def boards(stack: str) -> list[DashboardPlan]:
    return list(load_stack_plan(ROOT, stack, account_id="123456789012").plan.dashboards)


def split(line: list[Any]) -> tuple[list[Any], dict[str, Any]]:
    return (line[:-1], line[-1]) if isinstance(line[-1], dict) else (line, {})


@pytest.mark.parametrize("board", boards("dev") + boards("prod"), ids=lambda b: b.name)
def test_panels_mirror_the_cloudwatch_widgets(board: DashboardPlan) -> None:
    body = json.loads(board.body)
    grafana = grafana_dashboard(board, datasource_uid="cw-uid", stack="dev")
    Dashboard.from_json(grafana)  # the SDK's own model reads it back
    assert grafana["title"] == board.name
    panels = grafana["panels"]
    assert len(panels) == len(body["widgets"])
    assert len({p["id"] for p in panels}) == len(panels)
    for widget, panel in zip(body["widgets"], panels, strict=True):
        props = widget["properties"]
        pos = panel["gridPos"]
        assert (pos["x"], pos["y"], pos["w"], pos["h"]) == (widget["x"], widget["y"], widget["width"], widget["height"])
        assert pos["x"] + pos["w"] <= 24
        if widget["type"] == "metric":
            expected_type = {"singleValue": "stat", "gauge": "gauge"}.get(props.get("view"), "timeseries")
            assert panel["type"] == expected_type
            assert panel["title"] == props["title"]
            assert len(panel["targets"]) == len(props["metrics"])
            for line, target in zip(props["metrics"], panel["targets"], strict=True):
                fields, options = split(line)
                assert target["datasource"] == {"type": "cloudwatch", "uid": "cw-uid"}
                assert target["queryMode"] == "Metrics"
                assert target["region"] == props["region"]
                if "expression" in options:
                    assert target["expression"] == options["expression"]
                    continue
                assert target["namespace"] == fields[0]
                assert target["metricName"] == fields[1]
                assert target["dimensions"] == dict(zip(fields[2::2], fields[3::2], strict=True))
                assert target["statistic"] == options["stat"]
                assert target["matchExact"] is True
        elif widget["type"] == "log":
            (target,) = panel["targets"]
            assert target["queryMode"] == "Logs"
            assert [g["name"] for g in target["logGroups"]] == [
                part.split("'")[1] for part in props["query"].split("|") if part.strip().startswith("SOURCE")
            ]
            assert "SOURCE" not in target["expression"]
        elif widget["type"] == "alarm":
            assert panel["type"] == "text"
            for arn in props["alarms"]:
                assert arn.rsplit(":", 1)[-1] in panel["options"]["content"]
        else:
            assert panel["type"] == "text"
            assert panel["options"]["content"] == props["markdown"]


def test_every_metric_statistic_survives_including_percentiles() -> None:
    stats = set()
    for board in boards("dev"):
        for panel in grafana_dashboard(board)["panels"]:
            stats |= {t["statistic"] for t in panel.get("targets", []) if "statistic" in t}
    assert {"Sum", "p95"} <= stats


def test_cli_writes_one_file_per_dashboard(tmp_path: Path) -> None:
    out = io.StringIO()
    args = build_parser().parse_args(["grafana", "--project", str(ROOT), "--stack", "dev", "--out", str(tmp_path)])
    assert cli.run(args, out, io.StringIO()) == 0
    files = sorted(p.name for p in tmp_path.glob("*.json"))
    assert files == sorted(f"{b.name}.json" for b in boards("dev"))
    first = (tmp_path / files[0]).read_text()
    assert cli.run(args, io.StringIO(), io.StringIO()) == 0
    assert (tmp_path / files[0]).read_text() == first  # deterministic
    assert "7 Grafana dashboard(s)" in out.getvalue()
