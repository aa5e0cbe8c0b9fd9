"""Alarm pricing by kind, SLO pairs under the names Pulumi provisions, and linear growth with alarm count."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from vigil.cost import estimate_project
from vigil.spec.models import Project
from vigil.spec.slo import expand_slo

ProjectFactory = Callable[..., Project]
AlarmFactory = Callable[..., dict[str, Any]]
REF = {"namespace": "Vigil/API", "metric": "http.requests"}


def _alarm_usd(project: Project) -> dict[str, float]:
    """USD per alarm spec name (provisioned names carry the ``vigil-<env>-`` prefix of the naming module)."""
    return {k.removeprefix("vigil-dev-"): round(v, 6) for k, v in estimate_project(project).by_resource().items()}


def test_each_alarm_kind_has_its_price(make_project: ProjectFactory, make_static: AlarmFactory) -> None:
    math_metrics = {"bad": REF, "total": REF, "other": {**REF, "period": 300}}
    alarms = {
        "static": make_static(),
        "static-10s": make_static(period=10),
        "heartbeat": {"kind": "heartbeat", "severity": "P1", "metric": REF},
        "math": {"kind": "math", "severity": "P1", "metrics": math_metrics, "expression": "bad/total*100+other",
                 "threshold": 5},
        "anomaly": {"kind": "anomaly", "severity": "P2", "metric": REF},
        "anomaly-30s": {"kind": "anomaly", "severity": "P2", "metric": {**REF, "period": 30}},
        "composite": {"kind": "composite", "severity": "P1", "rule": {"all": ["static", "math"]}},
    }  # fmt: skip
    assert _alarm_usd(make_project(alarms=alarms)) == {
        "anomaly": 0.30,  # metric + upper + lower band at $0.10
        "anomaly-30s": 0.90,  # the same three at the high-resolution $0.30
        "composite": 0.50,
        "heartbeat": 0.10,
        "math": 0.30,  # three metrics queried; the expression is free
        "static": 0.10,
        "static-10s": 0.30,
    }


def test_high_resolution_storage_alone_keeps_the_standard_alarm_price(
    make_project: ProjectFactory, make_static: AlarmFactory
) -> None:
    report = estimate_project(make_project(alarms={"a": make_static(period=60)}))
    assert report.line_items[0].item == "static alarm metrics (standard)"


def test_disabled_alarms_and_slos_cost_nothing(make_project: ProjectFactory, make_static: AlarmFactory) -> None:
    slo = {"objective": 99.9, "bad": REF, "total": REF, "enabled": False}
    project = make_project(alarms={"off": make_static(enabled=False)}, slos={"api-availability": slo})
    assert estimate_project(project).line_items == ()


def test_an_slo_is_two_math_alarms_and_a_composite_per_window_pair(make_project: ProjectFactory) -> None:
    slo = {"objective": 99.9, "bad": REF, "total": REF}
    project = make_project(slos={"api-availability": slo})
    usd = _alarm_usd(project)
    pairs = expand_slo("api-availability", project.slos["api-availability"])
    assert len(pairs) == 4
    expected: dict[str, float] = {}
    for pair in pairs:
        expected |= {pair.name: 0.50, pair.short_name: 0.20, pair.long_name: 0.20}
    assert usd == expected
    assert "api-availability-burn-5m-1h-short" in usd
    assert math.isclose(estimate_project(project).totals["alarm"], 4 * 0.90)


def test_an_slo_with_custom_windows_follows_expand_slo(make_project: ProjectFactory) -> None:
    slo = {"objective": 99.0, "bad": REF, "total": REF, "page_windows": [{"short": 300, "long": 3600, "factor": 10}],
           "ticket_windows": []}  # fmt: skip
    assert sorted(_alarm_usd(make_project(slos={"s": slo}))) == [
        "s-burn-5m-1h",
        "s-burn-5m-1h-long",
        "s-burn-5m-1h-short",
    ]


@given(
    count=st.integers(min_value=0, max_value=300),
    periods=st.lists(st.sampled_from([10, 30, 60, 300]), min_size=1, max_size=4),
)
def test_alarm_cost_is_linear_in_alarm_count(make_static: AlarmFactory, count: int, periods: list[int]) -> None:
    def cost(n: int) -> float:
        alarms = {f"a{i}": make_static(period=periods[i % len(periods)]) for i in range(n * len(periods))}
        return estimate_project(Project.model_validate({"alarms": alarms})).total_usd

    one = cost(1)
    assert one > 0
    assert math.isclose(cost(count), count * one, rel_tol=1e-9, abs_tol=1e-9)


@given(base=st.integers(min_value=0, max_value=100), more=st.integers(min_value=1, max_value=100))
def test_alarm_cost_is_monotonic_in_alarm_count(make_static: AlarmFactory, base: int, more: int) -> None:
    def cost(n: int) -> float:
        anomaly = {"kind": "anomaly", "severity": "P2", "metric": REF}
        alarms = {f"a{i}": make_static() if i % 2 else anomaly for i in range(n)}
        return estimate_project(Project.model_validate({"alarms": alarms})).total_usd

    assert cost(base) < cost(base + more)
