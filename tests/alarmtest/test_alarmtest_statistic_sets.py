"""Series of statistic sets (what PutMetricData StatisticValues and `--from-cloudwatch` hand CloudWatch): the
basic statistics from their sums and counts, percentiles only where the API reference says they exist."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from vigil.alarmtest import load_test_file, run_tests
from vigil.emulator import MetricKey, MetricStore

GOOD = Path(__file__).resolve().parents[1] / "spec" / "good" / "minimal"
KEY = MetricKey.of("N", "m", {})
SERIES = "{namespace: Shop/API, metric: http.request.duration, dimensions: {Service: api, Environment: dev}}"
METRIC = (
    "{namespace: Shop/API, metric: http.request.duration, statistic: STAT, "
    'dimensions: {Service: api, Environment: "${environment}"}}'
)
CASES = f"""version: vigil/v1
stack: dev
tests:
  - name: average from statistic sets; p90 where every set is one value, missing where a set hides its samples
    series:
      - metric: {SERIES}
        statistic_sets:
          - {{sample_count: 10, sum: 1000, minimum: 50, maximum: 200}}
          - null
          - {{sample_count: 4, sum: 4000, minimum: 1000, maximum: 1000}}
          - {{sample_count: 1, sum: 3000, minimum: 3000, maximum: 3000}}
          - {{sample_count: 10, sum: 20000, minimum: 100, maximum: 5000}}
    alarms:
      avg-slow:
        kind: static
        severity: P4
        metric: {METRIC.replace("STAT", "Average")}
        threshold: 500
      p90-slow:
        kind: static
        severity: P4
        metric: {METRIC.replace("STAT", "p90")}
        threshold: 500
    expect:
      - {{alarm: avg-slow, at: 1m, state: OK}}                    # 1000 / 10 = 100
      - {{alarm: avg-slow, at: 3m, state: ALARM}}                 # 4000 / 4
      - {{alarm: p90-slow, at: 1m, state: INSUFFICIENT_DATA}}     # 10 samples between 50 and 200: no percentile
      - {{alarm: p90-slow, at: 3m, state: ALARM}}                 # min = max: four samples of 1000
      - {{alarm: p90-slow, at: 4m, state: ALARM}}                 # sample_count 1
      - {{alarm: p90-slow, at: 5m, state: ALARM}}                 # no p90 at 5m: the newest real one (3000) decides
"""


def test_statistic_set_series_in_a_test_file(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(GOOD, root)
    path = root / "alarms" / "tests" / "sets.yaml"
    path.write_text(CASES)
    report = run_tests(root, [path])
    assert report.errors == []
    assert [(f.alarm, f.expected, f.got) for c in report.cases for f in c.failures] == []


def test_a_set_whose_sum_cannot_be_is_located(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    bad = "{sample_count: 2, sum: 50, minimum: 1, maximum: 9}"
    path.write_text(f"version: vigil/v1\ntests:\n  - name: x\n    series:\n      - metric: {SERIES}\n"
                    f"        statistic_sets: [{bad}]\n    expect: [{{alarm: a, at: 1m, state: OK}}]\n")  # fmt: skip
    _, _, errors = load_test_file(path)
    assert any("t.yaml:6:" in str(e) and "sum must lie between" in str(e) for e in errors), [str(e) for e in errors]


@given(st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=1, max_size=20))
def test_basic_statistics_of_a_set_equal_those_of_its_samples(samples: list[float]) -> None:
    raw, sets = MetricStore(), MetricStore()
    raw.add(KEY, 0, samples)
    sets.add_statistic_set(
        KEY, 0, sample_count=len(samples), total=math.fsum(samples), minimum=min(samples), maximum=max(samples)
    )
    for stat in ("SampleCount", "Sum", "Minimum", "Maximum"):
        assert raw.datapoints(KEY, stat, 60, [60]) == sets.datapoints(KEY, stat, 60, [60])
