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
    if isinstance(value, bool):
        return "bool_value"
    if isinstance(value, int):  # int subclasses (IntEnum): emit as plain int
        return clean_number(int(value))
    if isinstance(value, str | bytes | bytearray) or not hasattr(value, "__float__"):
        return "non_numeric"
    try:
        converted = float(value)  # type: ignore[arg-type,unused-ignore]
    except (TypeError, ValueError, OverflowError):
        return "non_numeric"
    return clean_number(converted)


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
    """Why ``name`` cannot be a dimension name: CloudWatch wants 1-255 printable ASCII, no leading colon."""
    if type(name) is not str or not name or name.isspace() or name == "_aws" or name[0] == ":":
        return "invalid_dimension_name"
    if len(name) > MAX_NAME_LENGTH:
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
        problem = dimension_name_problem(name) or dimension_value_problem(value)
        if problem:
            raise ConfigError(f"default dimension {name!r}={value!r}: {problem.replace('_', ' ')}")
        result[name] = value
    if len(result) > MAX_DIMENSIONS_PER_SET:
        raise ConfigError(f"{len(result)} default dimensions; a dimension set allows {MAX_DIMENSIONS_PER_SET}")
    return result
