"""A scaled count signal behaves like the signal at the scaled rate, however sparse: the class that kept the
error-log-burst fault (0.05 lines a minute, 30x) at 0 % recall. The excess multiplied each minute's drawn count, so
the total was right on average but every extra event landed in the few minutes that already had one: the burst
stayed 0 in most minutes and no per-minute alarm could see it."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from vigil.drill.inject import _rescale


@given(rate=st.sampled_from([0.02, 0.05, 0.5, 5.0, 50.0]), factor=st.sampled_from([0.5, 2.0, 10.0, 30.0]))
def test_scaling_multiplies_the_rate_of_sparse_and_dense_signals(rate: float, factor: float) -> None:
    minutes = 4000
    base = np.random.default_rng(1).poisson(rate, (1, minutes))
    scaled = _rescale(base, np.full((1, minutes), factor), np.random.default_rng(2))
    expected = rate * minutes * factor
    assert abs(scaled.sum() - expected) <= 5 * np.sqrt(expected) + 0.05 * expected
    if factor > 1:  # minutes with at least one event, as a Poisson signal at the scaled rate has them
        busy = 1 - np.exp(-rate * factor)
        assert abs((scaled > 0).mean() - busy) <= 0.05 + 0.1 * busy


def test_a_factor_of_one_changes_nothing() -> None:
    base = np.random.default_rng(3).poisson(0.05, (3, 500))
    assert (_rescale(base, np.ones((3, 500)), np.random.default_rng(4)) == base).all()
