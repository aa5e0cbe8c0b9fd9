"""Anomaly detection bands: an APPROXIMATION of CloudWatch's model, labelled as such wherever it is shown.

CloudWatch trains a model on up to two weeks of a metric's history (with hourly, daily and weekly seasonality) and
draws ``ANOMALY_DETECTION_BAND(m, k)`` as expected value +- k standard deviations. The model itself is not
published, so Vigil approximates it with a trailing baseline:

- expected value: the median of the datapoints at the same time of day on up to the 14 previous days when at least
  3 of them exist (daily seasonality), else the median of the trailing 6 hours of datapoints (a model trained on
  history follows a new level slowly; a one-hour baseline would learn a sustained incident within the hour);
- spread: 1.4826 x the median absolute deviation of that trailing window (a robust standard deviation, so the
  incident's own datapoints barely widen the band), floored at 5 % of the expected value so a flat series does not
  produce a zero-width band;
- no band (missing) before the baseline has 10 datapoints.

>>> values = [100.0 + (i % 3) for i in range(120)]
>>> lower, upper = band(values, period=60, width=2.0)
>>> lower[0] is None, round(upper[-1], 1)  # 101 + 2 x (5 % of 101): the floor, wider than the MAD
(True, 111.1)
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

DAY = 86_400
MIN_BASELINE = 10
BASELINE_S = 6 * 3600
SEASON_DAYS = 14
MIN_SEASON_POINTS = 3
APPROXIMATION_NOTE = (
    "anomaly band approximated offline from a trailing baseline (CloudWatch's own model is not published)"
)


def band(values: Sequence[float | None], *, period: int, width: float) -> tuple[list[float | None], list[float | None]]:
    """Lower and upper band for each datapoint of ``values`` (spaced by ``period`` seconds, oldest first)."""
    window = max(MIN_BASELINE, BASELINE_S // period)
    per_day = DAY // period if DAY % period == 0 else 0
    lower: list[float | None] = []
    upper: list[float | None] = []
    for i in range(len(values)):
        trailing = [v for v in values[max(0, i - window) : i] if v is not None]
        if len(trailing) < MIN_BASELINE:
            lower.append(None)
            upper.append(None)
            continue
        expected = statistics.median(trailing)
        if per_day:
            same_time = [values[j] for j in range(i - per_day, max(-1, i - per_day * SEASON_DAYS - 1), -per_day)]
            seasonal = [v for v in same_time if v is not None]
            if len(seasonal) >= MIN_SEASON_POINTS:
                expected = statistics.median(seasonal)
        center = statistics.median(trailing)
        mad = statistics.median(abs(v - center) for v in trailing)
        spread = max(1.4826 * mad, abs(expected) * 0.05, 1e-9)
        lower.append(expected - width * spread)
        upper.append(expected + width * spread)
    return lower, upper
