"""Widget lines computed locally: exact metrics, SEARCH expressions, arithmetic over ids."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from vigil.evaluate.store import MetricKey, MetricStore
from vigil.report.series import period_grid, search, widget_lines

DIMS = {"Service": "api", "Environment": "dev"}


def store_with(endpoints: dict[str, float]) -> MetricStore:
    store = MetricStore()
    for endpoint, value in endpoints.items():
        key = MetricKey.of("Vigil/API", "http.requests", {**DIMS, "Endpoint": endpoint})
        for t in range(0, 600, 60):
            store.add(key, t + 1, value)
    store.add(MetricKey.of("Vigil/API", "http.requests", {**DIMS, "Endpoint": "/x", "Extra": "1"}), 5, 99)
    store.add(
        MetricKey.of("Vigil/API", "http.requests", {"Service": "api", "Environment": "prod", "Endpoint": "/p"}), 5, 99
    )
    return store


SEARCH = 'SEARCH(\'{Vigil/API,Service,Environment,Endpoint} MetricName="http.requests" Service="api" Environment="dev"\', \'Sum\', 300)'


def test_search_matches_the_exact_dimension_schema_and_filters() -> None:
    found = search(store_with({"/a": 1, "/b": 2}), SEARCH)
    assert found is not None
    keys, stat, period = found
    assert [label for _, label in keys] == ["/a", "/b"]
    assert (stat, period) == ("Sum", 300)


def test_search_lines_sum_per_period() -> None:
    lines = widget_lines(store_with({"/a": 1, "/b": 2}), [[{"expression": SEARCH}]], period_grid(0, 600, 300), 300)
    assert [(line.label, line.values) for line in lines] == [("/a", [5.0, 5.0]), ("/b", [10.0, 10.0])]


def test_hidden_inputs_feed_an_arithmetic_expression() -> None:
    store = store_with({"/a": 1, "/b": 3})
    line = ["Vigil/API", "http.requests", "Endpoint", "/a", "Environment", "dev", "Service", "api"]
    other = ["Vigil/API", "http.requests", "Endpoint", "/b", "Environment", "dev", "Service", "api"]
    metrics = [
        [*line, {"stat": "Sum", "id": "a", "visible": False}],
        [*other, {"stat": "Sum", "id": "b", "visible": False}],
        [{"expression": "100 * a / (a + b)", "label": "share of /a", "id": "e1"}],
    ]
    lines = widget_lines(store, metrics, period_grid(0, 600, 300), 300)
    assert [line.visible for line in lines] == [False, False, True]
    assert lines[2].values == [25.0, 25.0]


def test_unknown_functions_are_not_guessed() -> None:
    lines = widget_lines(MetricStore(), [[{"expression": "ANOMALY_DETECTION_BAND(m1, 2)"}]], [60], 60)
    assert lines[0].values == [None]
    assert lines[0].note.startswith("not evaluated locally")


@given(
    st.lists(st.one_of(st.none(), st.floats(-1e6, 1e6)), min_size=1, max_size=20),
    st.lists(st.one_of(st.none(), st.floats(-1e6, 1e6)), min_size=1, max_size=20),
)
def test_arithmetic_is_pointwise_with_gaps(a: list[float | None], b: list[float | None]) -> None:
    from vigil.report.series import _arithmetic

    size = min(len(a), len(b))
    got = _arithmetic("2 * a - b / 4", {"a": a[:size], "b": b[:size]}, size)
    assert got is not None
    for x, y, z in zip(a, b, got, strict=False):
        if x is None or y is None:
            assert z is None
        else:
            assert z == 2 * x - y / 4
