"""A latency SLO from one latency metric: bad = ``TC(500:)`` (requests of at least 500 ms), total = ``SampleCount``
(docs/recipes/latency-slo.md). The burn-rate alarms page on a third of slow requests and stay quiet on a blip."""

from __future__ import annotations

from pathlib import Path

import pytest

from vigil.cli.main import main
from vigil.init import create_project

SLO = """
  api-latency:
    objective: 99
    bad:
      namespace: Shop/Api
      metric: http.request.duration
      dimensions: {Service: api, Environment: "${environment}"}
      statistic: TC(500:)
    total:
      namespace: Shop/Api
      metric: http.request.duration
      dimensions: {Service: api, Environment: "${environment}"}
      statistic: SampleCount
    page_severity: P2
    runbook: alarms/runbooks/api-latency-slo.md
"""

CASES = """version: vigil/v1
stack: dev
tests:
  - name: a third of the requests at 900 ms pages
    series:
      - metric: {namespace: Shop/Api, metric: http.request.duration, dimensions: {Service: api, Environment: dev}}
        values: "[100, 120, 140]x9 [100, 200, 900]x60"
    expect:
      - {alarm: api-latency-burn-5m-1h, at: 9m, state: OK}
      - {alarm: api-latency-burn-5m-1h, first_alarm: [11m, 20m]}
  - name: requests of 400 ms are not slow
    series:
      - metric: {namespace: Shop/Api, metric: http.request.duration, dimensions: {Service: api, Environment: dev}}
        values: "[100, 200, 400]x60"
    expect:
      - {alarm: api-latency-burn-5m-1h, first_alarm: never}
      - {alarm: api-latency-burn-30m-6h, first_alarm: never}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    create_project(root, ["api"])
    alarms = root / "alarms" / "api.yaml"
    alarms.write_text(alarms.read_text().replace("\nslos:\n", "\nslos:\n" + SLO.lstrip("\n") + "\n", 1))
    (root / "alarms" / "runbooks" / "api-latency-slo.md").write_text("# api: slow\n")
    (root / "alarms" / "tests" / "latency.yaml").write_text(CASES)
    return root


def test_tc_over_samplecount_pages_on_slow_requests_only(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(project)]) == 0
    assert main(["test", "--project", str(project), str(project / "alarms" / "tests" / "latency.yaml")]) == 0
    assert "2 passed, 0 failed" in capsys.readouterr().out


@pytest.mark.parametrize(("old", "new"), [("TC(500:)", "TC(1000:)"), ("TC(500:)", "TC(300:)")])
def test_the_cases_notice_a_wrong_latency_bound(
    project: Path, old: str, new: str, capsys: pytest.CaptureFixture[str]
) -> None:
    alarms = project / "alarms" / "api.yaml"
    alarms.write_text(alarms.read_text().replace(old, new, 1))
    assert main(["test", "--project", str(project), str(project / "alarms" / "tests" / "latency.yaml")]) == 1
    assert "FAIL" in capsys.readouterr().out
