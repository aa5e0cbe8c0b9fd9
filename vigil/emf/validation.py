"""Checks of names, dimension values and metric values against the EMF / CloudWatch rules.

Problem functions return ``None`` for a good input and a drop reason otherwise, so the emit path can
count and skip instead of raising. ``check_namespace`` and ``check_default_dimensions`` run at
configuration time and raise :class:`~vigil.emf.errors.ConfigError`.

Example::

    >>> clean_number(float("nan"))
    'non_finite'
    >>> clean_number(3)
    3
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from vigil.emf.constants import (
    MAX_DIMENSION_NAME_LENGTH,
    MAX_DIMENSION_VALUE_LENGTH,
    MAX_DIMENSIONS_PER_SET,
    MAX_NAME_LENGTH,
    MAX_NAMESPACE_LENGTH,
    STANDARD_UNITS,
)
from vigil.emf.errors import ConfigError

#: CloudWatch rejects values outside +-2**360.
MAX_ABS_VALUE: Final = 2.0**360
_INT64_MIN: Final = -(2**63)
_UINT64_MAX: Final = 2**64 - 1
_INF: Final = float("inf")

Number = int | float


def clean_number(value: object) -> Number | str:
    """The value to emit for ``value``, or a drop reason (a ``str``) when it is not a finite real number.

    Bools, strings and other non-numbers are refused; objects with ``__float__`` (Decimal, numpy
    scalars) are converted. Integers outside 64 bits are emitted as their nearest double, which is
    what CloudWatch stores anyway.
    """
    kind = type(value)
    if kind is float:
        if -MAX_ABS_VALUE <= value <= MAX_ABS_VALUE:  # type: ignore[operator]
            return value  # type: ignore[return-value]
        return "non_finite" if value != value or value in (_INF, -_INF) else "out_of_range"
    if kind is int:
        if _INT64_MIN <= value <= _UINT64_MAX:  # type: ignore[operator]
            return value  # type: ignore[return-value]
        return clean_number(float(value)) if abs(value) <= MAX_ABS_VALUE else "out_of_range"  # type: ignore[arg-type]
    return _clean_other(value)


def _clean_other(value: object) -> Number | str:
    try:
        if isinstance(value, bool):
            return "bool_value"
        if isinstance(value, int):  # int subclasses (IntEnum): the plain int, without calling overridden methods
            return clean_number(int.__index__(value))
        if isinstance(value, float):  # float subclasses: the plain float
            return clean_number(float.__float__(value))
        if isinstance(value, str | bytes | bytearray) or not hasattr(value, "__float__"):
            return "non_numeric"
        converted = float(value)  # type: ignore[arg-type,unused-ignore]
    except Exception:  # a hostile __float__, __index__, __class__ or __getattr__ is not a number
        return "non_numeric"
    return clean_number(converted) if type(converted) is float else "non_numeric"


def value_count(value: object) -> int:
    """How many metric values ``value`` stands for: its length for a sized collection, else 1 (never raises).

    >>> value_count([1, 2, 3]), value_count(4.5), value_count("abc")
    (3, 1, 1)
    """
    try:
        if isinstance(value, str | bytes | bytearray) or not hasattr(value, "__len__"):
            return 1
        return max(1, len(value))
    except Exception:
        return 1


def as_text(value: object) -> str | None:
    """The plain ``str`` of a ``str`` or ``str`` subclass (``StrEnum``), without calling its overridden methods.

    ``None`` for anything else (no ``__str__`` is ever called, so a raising one cannot raise here).

    >>> import enum
    >>> class Tier(enum.StrEnum):
    ...     GOLD = "gold"
    >>> as_text(Tier.GOLD), type(as_text(Tier.GOLD)).__name__, as_text(3)
    ('gold', 'str', None)
    """
    if type(value) is str:
        return value
    try:
        return str.__str__(value) if isinstance(value, str) else None
    except Exception:
        return None


def describe(value: object, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters, for drop messages; never raises.

    >>> class Hostile:
    ...     def __repr__(self) -> str:
    ...         raise RuntimeError
    >>> describe("x" * 100, 5), describe(Hostile())
    ("'xxxx", '<unprintable Hostile>')
    """
    try:
        text = repr(value)
        if type(text) is not str:
            raise TypeError
    except Exception:
        try:
            return f"<unprintable {type(value).__name__}>"
        except Exception:  # pragma: no cover - type() of any object has a str __name__
            return "<unprintable>"
    return text[:limit]


def metric_name_problem(name: object) -> str | None:
    """Why ``name`` cannot be a metric name (``None`` if it can)."""
    if type(name) is not str or not name or name.isspace() or name == "_aws":
        return "invalid_metric_name"
    if len(name) > MAX_NAME_LENGTH:
        return "metric_name_too_long"
    if not name.isprintable():
        return "invalid_metric_name"
    return None


def dimension_name_problem(name: object) -> str | None:
    """Why ``name`` cannot be a dimension name: EMF wants 1-250 printable ASCII characters, no leading colon."""
    if type(name) is not str or not name or name.isspace() or name == "_aws" or name[0] == ":":
        return "invalid_dimension_name"
    if len(name) > MAX_DIMENSION_NAME_LENGTH:
        return "dimension_name_too_long"
    if not (name.isascii() and name.isprintable()):
        return "invalid_dimension_name"
    return None


def dimension_value_problem(value: object) -> str | None:
    """Why ``value`` cannot be a dimension value: CloudWatch wants 1-1024 printable ASCII characters."""
    if type(value) is not str or not value or value.isspace():
        return "invalid_dimension_value"
    if len(value) > MAX_DIMENSION_VALUE_LENGTH:
        return "dimension_value_too_long"
    if not (value.isascii() and value.isprintable()):
        return "invalid_dimension_value"
    return None


def unit_problem(unit: object, resolution: object) -> str | None:
    """Why a unit / storage resolution pair is refused (``None`` if both are valid)."""
    if unit not in STANDARD_UNITS:
        return "invalid_unit"
    if type(resolution) is not int or resolution not in (1, 60):
        return "invalid_resolution"
    return None


def check_namespace(namespace: object) -> str:
    """Return ``namespace`` if CloudWatch accepts it, else raise ``ConfigError`` naming the problem."""
    if type(namespace) is not str or not namespace.strip():
        raise ConfigError(f"EMF namespace must be a non-empty string, got {namespace!r}")
    if len(namespace) > MAX_NAMESPACE_LENGTH:
        raise ConfigError(
            f"EMF namespace is {len(namespace)} characters long; CloudWatch allows {MAX_NAMESPACE_LENGTH}"
        )
    if namespace.startswith("AWS/"):
        raise ConfigError(f"EMF namespace {namespace!r}: the 'AWS/' prefix is reserved for AWS services")
    if not (namespace.isascii() and namespace.isprintable()):
        raise ConfigError(f"EMF namespace {namespace!r} must be printable ASCII")
    return namespace


def check_default_dimensions(dimensions: Mapping[str, str] | None) -> dict[str, str]:
    """Validate a logger's default dimensions at configuration time (raises ``ConfigError``)."""
    result: dict[str, str] = {}
    for name, value in (dimensions or {}).items():
        key, text = as_text(name), as_text(value)
        problem = dimension_name_problem(key) or dimension_value_problem(text)
        if problem or key is None or text is None:
            reason = (problem or "invalid_dimension").replace("_", " ")
            raise ConfigError(f"default dimension {describe(name)}={describe(value)}: {reason}")
        result[key] = text
    if len(result) > MAX_DIMENSIONS_PER_SET:
        raise ConfigError(f"{len(result)} default dimensions; a dimension set allows {MAX_DIMENSIONS_PER_SET}")
    return result
