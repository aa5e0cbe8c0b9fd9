"""The price table: its provenance, the tier arithmetic, and errors for a malformed file."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.cost import CostError, PriceTable, estimate_project, load_prices
from vigil.cost.prices import Tier, tiered_cost
from vigil.spec.models import Project


def test_packaged_prices_name_their_source_date_and_region(prices: PriceTable) -> None:
    assert prices.source == "https://aws.amazon.com/cloudwatch/pricing/"
    assert date.fromisoformat(prices.as_of).year >= 2024
    assert (prices.region, prices.currency) == ("us-east-1", "USD")
    assert any("Logs Insights" in note for note in prices.notes)


def test_packaged_prices_are_the_listed_ones(prices: PriceTable) -> None:
    assert [(t.up_to, t.usd) for t in prices.metric_tiers] == [
        (10_000, 0.30),
        (250_000, 0.10),
        (1_000_000, 0.05),
        (None, 0.02),
    ]
    assert (prices.alarm_standard_metric_usd, prices.alarm_high_resolution_metric_usd) == (0.10, 0.30)
    assert (prices.anomaly_metrics_per_alarm, prices.composite_alarm_usd) == (3, 0.50)
    assert (prices.dashboard_usd, prices.dashboards_free) == (3.00, 3)
    assert (prices.logs.ingestion_usd_per_gb, prices.logs.storage_usd_per_gb_month) == (0.50, 0.03)


@pytest.mark.parametrize(
    ("count", "usd"),
    [
        (0, 0.0),
        (1, 0.30),
        (10_000, 3_000.0),
        (10_001, 3_000.10),
        (250_000, 3_000.0 + 24_000.0),
        (1_000_000, 27_000.0 + 37_500.0),
        (1_000_001, 64_500.02),
    ],
)
def test_metric_tiers_apply_to_the_total(prices: PriceTable, count: int, usd: float) -> None:
    assert math.isclose(prices.metric_cost(count), usd, rel_tol=1e-12, abs_tol=1e-9)


@given(st.integers(min_value=0, max_value=3_000_000))
def test_tiered_cost_is_monotonic_with_non_increasing_marginal_price(count: int) -> None:
    prices = load_prices()
    here, next_one, after = (prices.metric_cost(count + k) for k in range(3))
    assert here < next_one < after
    assert next_one - here >= after - next_one - 1e-9


def test_tiered_cost_of_a_single_unbounded_tier_is_linear() -> None:
    assert tiered_cost(7, (Tier(up_to=None, usd=0.5),)) == 3.5


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "prices.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_malformed_price_table_names_the_bad_field(tmp_path: Path) -> None:
    packaged = Path(__file__).parents[2] / "vigil" / "cost" / "prices.json"
    data = json.loads(packaged.read_text(encoding="utf-8"))
    data["alarms"]["composite_usd"] = "fifty cents"
    with pytest.raises(CostError, match=r"alarms\.composite_usd"):
        load_prices(_write(tmp_path, data))
    data["alarms"]["composite_usd"] = 0.5
    data["metrics"]["tiers"] = [{"up_to": None, "usd": 0.3}, {"up_to": 10, "usd": 0.1}]
    with pytest.raises(CostError, match="only the last tier may be unbounded"):
        load_prices(_write(tmp_path, data))


def test_unreadable_price_table_is_a_cost_error(tmp_path: Path) -> None:
    with pytest.raises(CostError, match="cannot read"):
        load_prices(tmp_path / "missing.json")
    with pytest.raises(CostError, match="JSON object"):
        load_prices(_write(tmp_path, [1, 2]))


def test_a_custom_price_table_changes_the_estimate(tmp_path: Path) -> None:
    packaged = Path(__file__).parents[2] / "vigil" / "cost" / "prices.json"
    data = json.loads(packaged.read_text(encoding="utf-8"))
    data["dashboards"].update(usd=4.0, free=0)
    widgets = [{"type": "text", "markdown": "x"}]
    project = Project.model_validate({"dashboards": {"overview": {"widgets": widgets}}})
    assert estimate_project(project, load_prices(_write(tmp_path, data))).total_usd == 4.0
    assert estimate_project(project).total_usd == 0.0
