"""An alarm's ``unit:`` is the unit its threshold is written in: the plan converts time units to the metric's unit
(and says so in the description), and `vigil check` refuses every other mismatch, located."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.alarmtest import run_tests
from vigil.plan.stack import load_stack_plan
from vigil.spec import enums, load_project

GOOD = Path(__file__).parent / "good" / "minimal"
TIME = ("Microseconds", "Milliseconds", "Seconds")
ALARM = """
  slow:
    kind: static
    severity: P3
    metric: {{namespace: Shop/API, metric: {metric}, statistic: {stat},
              dimensions: {{Service: api, Environment: "${{environment}}"}}}}
    comparison: ">"
    threshold: {threshold}
    unit: {unit}
    description: p95 above ${{threshold}} {unit}
"""
TEST = """version: vigil/v1
stack: dev
tests:
  - name: 700 ms breaches 0.6 s, 500 ms does not
    series:
      - metric: {namespace: Shop/API, metric: http.request.duration, dimensions: {Service: api, Environment: dev}}
        values: "500x4 700x4"
    expect:
      - {alarm: slow, at: 4m, state: OK}
      - {alarm: slow, first_alarm: [5m, 6m]}
"""


def _project(tmp_path: Path, **fields: object) -> Path:
    root = tmp_path / "p"
    shutil.copytree(GOOD, root)
    values = {"metric": "http.request.duration", "stat": "p95", "threshold": 0.6, "unit": "Seconds", **fields}
    alarms = root / "alarms" / "api.yaml"
    alarms.write_text(alarms.read_text() + ALARM.format(**values), encoding="utf-8")
    return root


def _errors(root: Path) -> list[str]:
    return [str(e) for e in load_project(root, stack="dev").errors if e.severity == "error"]


def test_a_time_threshold_is_converted_to_the_metric_unit_and_shown(tmp_path: Path) -> None:
    root = _project(tmp_path)  # 0.6 Seconds on a metric published in Milliseconds
    assert _errors(root) == []
    slow = next(a for a in load_stack_plan(root, "dev").plan.alarms.metric_alarms if a.name.endswith("-slow"))
    assert slow.threshold == 600.0
    assert slow.description.startswith("[P3] p95 above 0.6 Seconds (threshold 0.6 Seconds = 600 Milliseconds)")


def test_vigil_test_sees_the_converted_threshold(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "alarms" / "tests" / "unit.yaml").write_text(TEST, encoding="utf-8")
    report = run_tests(root, [root / "alarms" / "tests" / "unit.yaml"])
    assert report.exit_code == 0, [f.message for case in report.cases for f in case.failures]


def test_the_shipped_fixture_alarm_in_seconds_on_a_milliseconds_metric_deploys_milliseconds() -> None:
    # latency-p95: `unit: Seconds`, threshold 8 in the dev stack; before the fix the plan deployed 8 (ms).
    latency = next(a for a in load_stack_plan(GOOD, "dev").plan.alarms.metric_alarms if a.name.endswith("latency-p95"))
    assert latency.threshold == 8000.0


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"unit": "Bytes"}, "threshold unit Bytes is not compatible with the metric's unit Milliseconds"),
        ({"stat": "SampleCount"}, "statistic SampleCount is a count or a percentage, not a value in Milliseconds"),
        ({"stat": "PR(:300)"}, "statistic PR(:300) is a count or a percentage"),
        ({"stat": "tc90"}, "statistic tc90 is a count or a percentage"),
    ],
)
def test_mismatches_that_cannot_be_converted_are_refused_at_the_unit(
    tmp_path: Path, fields: dict[str, object], error: str
) -> None:
    errors = _errors(_project(tmp_path, **fields))
    assert any(" alarms.slow.unit: " in e and error in e for e in errors), errors


def test_byte_units_are_never_converted(tmp_path: Path) -> None:
    root = _project(tmp_path, metric="payload.size", stat="Maximum", unit="Kilobytes", threshold=5)
    metrics = root / "metrics" / "api.yaml"
    declared = "  payload.size:\n    unit: Bytes\n    dimension_sets: [service]\n  error.total:\n"
    metrics.write_text(metrics.read_text().replace("  error.total:\n", declared), encoding="utf-8")
    errors = _errors(root)
    assert any(
        " alarms.slow.unit: Vigil converts thresholds between time units only, not Kilobytes to Bytes" in e
        for e in errors
    ), errors


@given(
    st.floats(0.001, 1e6, allow_nan=False),
    st.sampled_from(TIME),
    st.sampled_from(TIME),
    st.floats(0.001, 1e6, allow_nan=False),
)
def test_a_datapoint_breaches_the_converted_threshold_iff_it_breaches_the_written_one(
    threshold: float, written: str, published: str, value: float
) -> None:
    converted = enums.convert(threshold, written, published)
    assert converted is not None
    in_written_unit = enums.convert(value, published, written)
    assert in_written_unit is not None
    # Exact rational scaling (powers of 1000) keeps the comparison; allow the last bit of float rounding.
    if abs(value - converted) > 1e-9 * max(abs(value), 1.0):
        assert (value > converted) == (in_written_unit > threshold)


def test_evaluate_low_sample_count_percentile_is_planned_for_percentiles(tmp_path: Path) -> None:
    root = _project(tmp_path)
    alarms = root / "alarms" / "api.yaml"
    alarms.write_text(alarms.read_text() + "    evaluate_low_sample_count_percentile: ignore\n", encoding="utf-8")
    assert _errors(root) == []
    slow = next(a for a in load_stack_plan(root, "dev").plan.alarms.metric_alarms if a.name.endswith("-slow"))
    assert slow.evaluate_low_sample_count_percentile == "ignore"


def test_evaluate_low_sample_count_percentile_is_refused_without_a_percentile(tmp_path: Path) -> None:
    root = _project(tmp_path, stat="Maximum")
    alarms = root / "alarms" / "api.yaml"
    alarms.write_text(alarms.read_text() + "    evaluate_low_sample_count_percentile: ignore\n", encoding="utf-8")
    errors = _errors(root)
    assert any(
        "alarms.slow.evaluate_low_sample_count_percentile: applies to percentile statistics" in e for e in errors
    ), errors
