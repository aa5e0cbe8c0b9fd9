"""Widget lines computed locally: exact metrics, SEARCH expressions, arithmetic over ids."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from vigil.emulator.store import MetricKey, MetricStore
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


def test_functions_that_need_cloudwatch_are_not_guessed() -> None:
    lines = widget_lines(MetricStore(), [[{"expression": "ANOMALY_DETECTION_BAND(m1, 2)"}]], [60], 60)
    assert lines[0].values == [None]
    assert lines[0].note.startswith("not evaluated locally")


@given(st.lists(st.one_of(st.none(), st.integers(0, 50)), min_size=1, max_size=12))
def test_a_graph_line_equals_what_the_alarm_evaluator_computes(errors: list[int | None]) -> None:
    from vigil.emulator import mathexpr

    store = MetricStore()
    dims = {**DIMS, "Endpoint": "/a"}
    for i, count in enumerate(errors):
        store.add(MetricKey.of("Vigil/API", "http.requests", dims), i * 60 + 1, 100)
        if count is not None:
            store.add(MetricKey.of("Vigil/API", "http.errors", dims), i * 60 + 1, count)
    base = ["Vigil/API", "Endpoint", "/a", "Environment", "dev", "Service", "api"]
    metrics = [
        [base[0], "http.errors", *base[1:], {"stat": "Sum", "id": "errors", "visible": False}],
        [base[0], "http.requests", *base[1:], {"stat": "Sum", "id": "requests", "visible": False}],
        [{"expression": "100 * errors / requests", "id": "rate"}],
    ]
    times = period_grid(0, len(errors) * 60, 60)
    lines = widget_lines(store, metrics, times, 60)
    expected = mathexpr.evaluate(
        "100 * errors / requests",
        {"errors": lines[0].values, "requests": lines[1].values},
        times=[t - 60 for t in times],
        period=60,
    )
    assert lines[2].values == expected
    # CloudWatch's missing-as-0 rule for arithmetic: a minute without errors has a 0 % rate, not a gap
    assert lines[2].values == [float(c or 0) for c in errors]
