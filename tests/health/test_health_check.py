from __future__ import annotations

import pytest

from vigil.health import Check, CheckConfigError, HealthRegistry, Kind, UnknownKindError
from vigil.health.check import parse_kinds


def test_parse_kinds_accepts_strings_enums_and_collections() -> None:
    assert parse_kinds("liveness") == {Kind.LIVENESS}
    assert parse_kinds([Kind.READINESS, "startup"]) == {Kind.READINESS, Kind.STARTUP}


def test_unknown_kind_names_the_value() -> None:
    with pytest.raises(UnknownKindError, match="'alive'"):
        parse_kinds("alive")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": ""}, "non-empty name"),
        ({"timeout": 0.0}, "timeout must be a positive"),
        ({"timeout": float("inf")}, "timeout must be a positive"),
        ({"cache_ttl": -1.0}, "cache_ttl"),
        ({"measurement": "a:b"}, "measurement"),
        ({"component": "x:y"}, "component"),
    ],
)
def test_bad_check_fields_are_rejected(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {"name": "db", "func": lambda: True, **kwargs}
    with pytest.raises(CheckConfigError, match=message):
        Check(**fields)  # type: ignore[arg-type]


def test_async_detection_covers_functions_and_callable_objects() -> None:
    async def ping() -> bool:
        return True

    class Probe:
        async def __call__(self) -> bool:
            return True

    assert Check("a", ping).is_async
    assert Check("b", Probe()).is_async
    assert not Check("c", lambda: True).is_async


def test_duplicate_names_are_rejected_and_kinds_filter() -> None:
    registry = HealthRegistry()
    registry.register("db", lambda: True, kind="readiness")
    registry.register("self", lambda: True, kind=["liveness", "readiness"])

    @registry.check("warmup", kind="startup")
    def warmup() -> bool:
        return True

    with pytest.raises(CheckConfigError, match="already registered"):
        registry.register("db", lambda: True)
    assert [c.name for c in registry.checks("readiness")] == ["db", "self"]
    assert [c.name for c in registry.checks(Kind.LIVENESS)] == ["self"]
    assert [c.name for c in registry.checks("startup")] == ["warmup"]
    assert len(registry.checks()) == 3
