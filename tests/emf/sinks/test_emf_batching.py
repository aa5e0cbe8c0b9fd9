"""PutLogEvents batching limits, as a property over arbitrary event streams."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.emf.sinks.batching import event_size, make_batches

DAY = 24 * 3600 * 1000


@settings(max_examples=200, deadline=None)
@given(
    events=st.lists(st.tuples(st.integers(0, 5 * DAY), st.text(max_size=300)), max_size=300),
    max_events=st.integers(1, 50),
    max_bytes=st.integers(400, 5000),
)
def test_batches_respect_count_bytes_order_and_span(
    events: list[tuple[int, str]], max_events: int, max_bytes: int
) -> None:
    # The contract: the caller drops an event too large for any batch alone (cwlogs does); keep only those that fit.
    events = [e for e in events if event_size(e[1]) <= max_bytes]
    batches = make_batches(events, max_events=max_events, max_bytes=max_bytes)
    flat = [e for b in batches for e in b]
    assert flat == sorted(events, key=lambda e: e[0])
    for batch in batches:
        assert 1 <= len(batch) <= max_events
        assert sum(event_size(m) for _, m in batch) <= max_bytes
        assert batch[-1][0] - batch[0][0] <= DAY


def test_defaults_cut_at_10000_events_and_1_mib() -> None:
    assert [len(b) for b in make_batches([(1, "x")] * 10_001)] == [10_000, 1]
    big = "y" * (524_288 - 26)
    assert [len(b) for b in make_batches([(1, big)] * 3)] == [2, 1]
