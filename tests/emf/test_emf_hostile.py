"""Hostile input never raises, never writes an invalid line, never loses a valid datum (both JSON backends).

Classes covered: hostile objects (raising __str__/__repr__/__float__/__hash__/__eq__/__iter__), unhashable names
and units, raising generators, str subclasses and StrEnum, lone surrogates, non-string and colliding keys,
timestamps (negative, pre-1970, huge, epoch seconds vs milliseconds, tz-aware with a raising tzinfo).
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from enum import StrEnum
from typing import Any

import pytest
from emf_helpers import assert_valid_emf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigil.emf import STANDARD_UNITS, ConfigError, InMemorySink, MetricsLogger, _json

DIMS = {"Service": "api", "Environment": "prod"}


@pytest.fixture(params=["orjson", "json"], autouse=True)
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every test runs on orjson and on the standard-library fallback."""
    if request.param == "json":
        _json.use_stdlib()
    yield request.param
    _json.reset()
    _json.load()


class Hostile:
    """Every conversion, comparison and hash raises while ``armed`` (off, hypothesis can still print examples)."""

    armed = False

    def _fail(self, what: str) -> None:
        if Hostile.armed:
            raise RuntimeError(what)

    def __str__(self) -> str:
        self._fail("str")
        return "Hostile()"

    def __repr__(self) -> str:
        self._fail("repr")
        return "Hostile()"

    def __float__(self) -> float:
        raise RuntimeError("float")

    def __hash__(self) -> int:
        self._fail("hash")
        return id(self)

    def __eq__(self, other: object) -> bool:
        self._fail("eq")
        return self is other

    def __iter__(self) -> Iterator[Any]:
        raise RuntimeError("iter")


class Pairs(Mapping[Any, Any]):
    """A mapping over (key, value) pairs whose keys may be unhashable or hostile."""

    def __init__(self, pairs: list[tuple[Any, Any]]) -> None:
        self.pairs = pairs

    def items(self) -> Any:
        return list(self.pairs)

    def __getitem__(self, key: Any) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[Any]:
        return iter([k for k, _ in self.pairs])

    def __len__(self) -> int:
        return len(self.pairs)

    def __repr__(self) -> str:
        return f"Pairs({self.pairs!r})"


@contextlib.contextmanager
def armed() -> Iterator[None]:
    Hostile.armed = True
    try:
        yield
    finally:
        Hostile.armed = False


class HostileStr(str):
    """A str subclass whose overridden methods all raise: its characters are still a valid name."""

    def __str__(self) -> str:
        raise RuntimeError("str")

    __repr__ = __str__

    def __hash__(self) -> int:
        raise RuntimeError("hash")

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("eq")


class Tier(StrEnum):
    GOLD = "gold"
    COUNT = "Count"


class RaisingTz(tzinfo):
    def utcoffset(self, dt: datetime | None) -> timedelta:
        raise RuntimeError("tz")


def raising_gen(values: list[Any]) -> Iterator[Any]:
    yield from values
    raise RuntimeError("generator")


def make() -> tuple[MetricsLogger, InMemorySink]:
    sink = InMemorySink()
    return MetricsLogger("Vigil/API", DIMS, sink), sink


def plain(value: object) -> str | None:
    return str.__str__(value) if isinstance(value, str) else None  # type: ignore[arg-type]


def good_number(value: object) -> float | int | None:
    """The oracle: what a valid metric value is emitted as (None: refused)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    if isinstance(value, Decimal) and value.is_snan():
        return None
    as_float = float(value) if not isinstance(value, int) or abs(value) < 2**400 else math.inf
    if not math.isfinite(as_float) or abs(as_float) > 2.0**360:
        return None
    return int(value) if isinstance(value, int) and -(2**63) <= value <= 2**64 - 1 else as_float


def good_name(name: object) -> str | None:
    text = plain(name)
    if not text or text.isspace() or len(text) > 255 or not text.isprintable() or text in DIMS or text == "_aws":
        return None
    return text


texts = st.text(min_size=1, max_size=6, alphabet=st.characters(min_codepoint=32, max_codepoint=0xDFFF))
names = st.one_of(
    texts,
    texts.map(HostileStr),
    st.sampled_from([Tier.GOLD, "_aws", "", "x" * 256, "\ud800", "Service"]),
    st.builds(Hostile),
    st.just(["unhashable"]),
)
plain_values = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.booleans(),
    st.decimals(allow_nan=True, places=2),
    st.builds(Hostile),
    texts,
)
values = st.one_of(plain_values, st.lists(plain_values, max_size=120), st.lists(plain_values, max_size=5).map(tuple))
units = st.one_of(st.sampled_from(["Count", "Milliseconds", "None", "Parsecs"]), st.just(Tier.COUNT), st.just({}))
prop_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), texts, st.builds(Hostile), st.just(Tier.GOLD)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.one_of(texts, st.integers()), inner, max_size=3),
    max_leaves=8,
)


keys = st.one_of(texts, texts.map(HostileStr), st.builds(Hostile), st.integers(), st.just(["unhashable"]))


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    metrics=st.lists(st.tuples(names, values, units, st.booleans()), min_size=1, max_size=12),
    dims=st.lists(
        st.tuples(keys, st.one_of(texts, texts.map(HostileStr), st.builds(Hostile), st.integers())), max_size=4
    ),
    props=st.lists(st.tuples(keys, prop_values), max_size=4),
)
def test_hostile_events_never_raise_and_every_valid_value_survives(
    metrics: list[tuple[Any, Any, Any, bool]], dims: list[tuple[Any, Any]], props: list[tuple[Any, Any]]
) -> None:
    logger, sink = make()
    want: dict[str, list[float | int]] = {}
    unit_of: dict[str, str] = {}
    with armed(), logger.event() as event:
        for name, value, unit, as_generator in metrics:
            text, unit_text = good_name(name), plain(unit)
            if text is not None and text in unit_of and unit_of[text] != unit_text:
                continue  # a unit conflict drops the later value; covered in test_emf_logger
            items = list(value) if isinstance(value, list | tuple) else [value]
            event.metric(name, raising_gen(items) if as_generator else value, unit)
            if text is None or unit_text not in STANDARD_UNITS:
                continue
            unit_of[text] = unit_text
            want.setdefault(text, []).extend(v for v in map(good_number, items) if v is not None)
        event.dimensions(Pairs(dims))
        for key, prop in props:
            event.property(key, prop)
    good_dims = {plain(k): plain(v) for k, v in dims if good_dimension(plain(k), plain(v))}
    got: dict[str, list[float | int]] = {}
    for line in sink.lines:
        doc = assert_valid_emf(line)
        assert {k: doc.get(k) for k in good_dims} == good_dims
        assert doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["Service", "Environment", *good_dims]]
        for metric in doc["_aws"]["CloudWatchMetrics"][0]["Metrics"]:
            assert metric["Unit"] == unit_of[metric["Name"]]
            value = doc[metric["Name"]]
            got.setdefault(metric["Name"], []).extend(value if isinstance(value, list) else [value])
    # a metric named like a dimension of the event is dropped (the dimension wins), counted as name_collision
    assert got == {name: vals for name, vals in want.items() if vals and name not in good_dims}


def good_dimension(name: str | None, value: str | None) -> bool:
    """The oracle of a valid extra dimension: 1-250 printable ASCII name, 1-1024 printable ASCII value."""
    if not name or not value or name == "_aws" or name[0] == ":" or name.isspace() or value.isspace():
        return False
    return len(name) <= 250 and len(value) <= 1024 and all(s.isascii() and s.isprintable() for s in (name, value))


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    when=st.one_of(
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(),
        st.datetimes(timezones=st.none() | st.timezones()),
        st.builds(lambda: datetime(2026, 1, 1, tzinfo=RaisingTz())),
        st.builds(Hostile),
        st.booleans(),
    )
)
def test_any_timestamp_gives_a_valid_line_at_that_time_or_now(when: Any) -> None:
    logger, sink = make()
    before = time.time_ns() // 1_000_000
    with armed():
        logger.put("requests", 1, "Count", timestamp=when)
    after = time.time_ns() // 1_000_000
    stamp = assert_valid_emf(sink.lines[0])["_aws"]["Timestamp"]
    expected = expected_ms(when)
    if expected is None:
        assert before <= stamp <= after
        assert logger.stats.other_dropped == {"invalid_timestamp": 1}
    else:
        assert stamp == expected


def expected_ms(when: Any) -> int | None:
    """The oracle: datetimes exactly, numbers < 1e11 as seconds, larger as milliseconds, 1970..9999 only."""
    if isinstance(when, datetime):
        try:
            aware = when if when.tzinfo else when.replace(tzinfo=UTC)
            ms = (aware - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)
        except Exception:
            return None
    elif isinstance(when, int | float) and not isinstance(when, bool) and math.isfinite(when) and when >= 0:
        ms = int(when * 1000) if when < 1e11 else int(when)
    else:
        return None
    return ms if 0 <= ms <= 253_402_300_799_999 else None


def test_epoch_seconds_and_milliseconds_are_told_apart() -> None:
    logger, sink = make()
    for when in (1_700_000_000, 1_700_000_000.25, 1_700_000_000_123):
        logger.put("requests", 1, "Count", timestamp=when)
    stamps = [assert_valid_emf(x)["_aws"]["Timestamp"] for x in sink.lines]
    assert stamps == [1_700_000_000_000, 1_700_000_000_250, 1_700_000_000_123]


def test_pre_1970_and_tz_aware_datetimes() -> None:
    logger, sink = make()
    logger.put("requests", 1, "Count", timestamp=datetime(1969, 12, 31, 23, 59, tzinfo=UTC))
    logger.put("requests", 1, "Count", timestamp=datetime(2026, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=1))))
    stamps = [assert_valid_emf(x)["_aws"]["Timestamp"] for x in sink.lines]
    assert stamps[0] > 1_700_000_000_000  # replaced by the current time, counted
    assert stamps[1] == int(datetime(2026, 1, 1, tzinfo=UTC).timestamp() * 1000)
    assert logger.stats.other_dropped == {"invalid_timestamp": 1}


def test_str_subclasses_are_plain_names_dimensions_units_and_keys() -> None:
    class Metric(StrEnum):
        LATENCY = "latency"

    class Dim(StrEnum):
        TIER = "Tier"

    logger, sink = make()
    with logger.event() as event:
        event.metric(Metric.LATENCY, 3.5, Tier.COUNT).dimensions({Dim.TIER: Tier.GOLD}).property(
            HostileStr("k"), Tier.GOLD
        )
    doc = assert_valid_emf(sink.lines[0])
    assert (doc["latency"], doc["Tier"], doc["k"]) == (3.5, "gold", "gold")
    assert doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["Service", "Environment", "Tier"]]
    assert logger.stats == ({}, {})


def test_dimension_names_over_250_characters_are_dropped_alone() -> None:
    logger, sink = make()
    logger.put("requests", 1, "Count", dimensions={"D" * 250: "ok", "E" * 251: "dropped"})
    doc = assert_valid_emf(sink.lines[0])
    assert doc["D" * 250] == "ok"
    assert "E" * 251 not in doc
    assert logger.stats.other_dropped == {"dimension_name_too_long": 1}


def test_one_bad_property_loses_only_itself() -> None:
    logger, sink = make()
    with armed():
        logger.put(
            "requests",
            1,
            "Count",
            properties={"bad": Hostile(), "surrogate": "a\ud800b", "nested": {1: "int", "1": "str", "x": [Hostile()]}},
        )
    doc = assert_valid_emf(sink.lines[0])
    assert doc["requests"] == 1
    assert "bad" not in doc  # no JSON form (its str() raises): dropped, counted
    assert "nested" not in doc  # a part of it has none either
    assert doc["surrogate"] == "a\ufffdb"
    assert logger.stats.other_dropped == {"invalid_property": 2}
    sink.clear()
    logger.put("requests", 2, "Count", properties={"nested": {1: "int", "1": "str"}})
    assert assert_valid_emf(sink.lines[0])["nested"] == {"1": "int"}  # never a duplicate key


def test_default_properties_are_validated_at_construction() -> None:
    for bad in ({"_aws": 1}, {"": 1}, {"Service": "x"}, {"obj": Hostile()}, {3: "x"}):
        with pytest.raises(ConfigError), armed():
            MetricsLogger("Vigil/API", DIMS, InMemorySink(), properties=bad)
    sink = InMemorySink()
    logger = MetricsLogger("Vigil/API", DIMS, sink, properties={"region": Tier.GOLD, "ids": (1, 2)})
    logger.put("requests", 1, "Count")
    doc = assert_valid_emf(sink.lines[0])
    assert (doc["region"], doc["ids"], set(doc["_aws"])) == ("gold", [1, 2], {"Timestamp", "CloudWatchMetrics"})


def test_values_lost_are_counted_in_values_not_events() -> None:
    logger, sink = make()
    logger.put("requests", [1, float("nan"), 2, None], "Count")
    logger.put("x" * 256, [1, 2, 3], "Count")
    logger.put("requests", raising_gen([4, 5]), "Count")
    with armed():
        logger.put(["unhashable"], 1, ["unit"])
        logger.put("latency", Hostile(), "Milliseconds")
    assert [assert_valid_emf(x)["requests"] for x in sink.lines] == [[1, 2], [4, 5]]
    assert logger.stats.values_dropped == {
        "non_finite": 1,
        "non_numeric": 1,
        "metric_name_too_long": 3,
        "iteration_error": 2,  # the generator, and Hostile (iterable, its __iter__ raises)
        "invalid_metric_name": 1,
    }


class RaisingMapping(Mapping[str, str]):
    """A mapping whose every method raises."""

    def __getitem__(self, key: str) -> str:
        raise RuntimeError("getitem")

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError("iter")

    def __len__(self) -> int:
        raise RuntimeError("len")


def test_raising_mappings_for_dimensions_and_properties_lose_nothing_else() -> None:
    logger, sink = make()
    logger.put("requests", 1, "Count", dimensions=RaisingMapping(), properties=RaisingMapping())
    with logger.event() as event:
        event.metric("latency", 2.5, "Milliseconds").dimensions(RaisingMapping()).dimension_sets(RaisingMapping())
    docs = [assert_valid_emf(x) for x in sink.lines]
    assert [(d.get("requests"), d.get("latency")) for d in docs] == [(1, None), (None, 2.5)]
    assert logger.stats.values_dropped == {}


def test_self_referencing_and_deep_properties_are_dropped_alone() -> None:
    loop: list[Any] = [1]
    loop.append(loop)
    deep: Any = "leaf"
    for _ in range(300):
        deep = [deep]
    logger, sink = make()
    logger.put("requests", 1, "Count", properties={"loop": loop, "deep": deep, "ok": [1, {"a": 2}]})
    doc = assert_valid_emf(sink.lines[0])
    assert (doc["requests"], doc["ok"]) == (1, [1, {"a": 2}])
    assert "loop" not in doc
    assert "deep" not in doc
    assert logger.stats.other_dropped == {"invalid_property": 2}


def test_metric_sets_never_raise_on_hostile_arguments() -> None:
    logger, sink = make()
    wide = logger.metric_set({f"m{i}": "Count" for i in range(120)})
    with armed():
        wide.emit(*range(120), properties=RaisingMapping())
        wide.emit(*range(119), Hostile())
        logger.metric_set({"a": "Count"}).emit(1, properties=RaisingMapping(), timestamp=Hostile())
    docs = [assert_valid_emf(x) for x in sink.lines]
    assert sum(len(d["_aws"]["CloudWatchMetrics"][0]["Metrics"]) for d in docs) == 120 + 119 + 1
    assert logger.stats.values_dropped == {"iteration_error": 1}
