"""Turning arbitrary property values into JSON-safe values: the slow path taken when the fast encoder refuses one.

Strings (and ``str`` subclasses) become plain ``str`` with lone surrogates replaced by U+FFFD, mapping keys
become strings (a key that collides with another after conversion is dropped), containers become lists,
integers outside 64 bits, non-finite floats and other objects become their ``str()``. Anything whose
conversion raises, or that nests deeper than :data:`MAX_DEPTH`, is refused with :class:`Unserializable`.

Example::

    >>> sanitize({1: "a", "b": ("\\ud800", 2**70, float("nan"))})
    {'1': 'a', 'b': ['\\ufffd', '1180591620717411303424', 'nan']}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from vigil.emf.validation import as_text

MAX_DEPTH: Final = 32
_I64: Final = -(2**63)
_U64: Final = 2**64 - 1


class Unserializable(ValueError):
    """A value (or one of its parts) that has no JSON form; ``args[0]`` says why."""


def clean_text(text: str) -> str:
    """``text`` encodable as UTF-8: surrogate pairs joined, lone surrogates replaced by U+FFFD.

    >>> clean_text("ok"), clean_text("a\\ud83d\\ude00"), clean_text("\\udc00")
    ('ok', 'a😀', '\\ufffd')
    """
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def sanitize(value: Any, depth: int = 0) -> Any:
    """A JSON-safe copy of ``value`` (see the module docstring); raises :class:`Unserializable`."""
    if value is None or value is True or value is False:
        return value
    kind = type(value)
    if kind is int:
        return value if _I64 <= value <= _U64 else str(value)
    if kind is float:
        return value if value - value == 0.0 else repr(value)
    text = as_text(value)
    if text is not None:
        return clean_text(text)
    if depth >= MAX_DEPTH:
        raise Unserializable(f"nested deeper than {MAX_DEPTH} levels")
    try:
        if isinstance(value, Mapping):
            return _mapping(value, depth)
        if isinstance(value, list | tuple | set | frozenset):
            return [sanitize(item, depth + 1) for item in value]
        if isinstance(value, bool | int | float):  # subclasses (IntEnum, numpy bool_ is not one): plain value
            return sanitize(bool(value) if isinstance(value, bool) else _plain_number(value), depth)
        converted = str(value)
    except Unserializable:
        raise
    except Exception as exc:  # a raising __str__, __iter__, items() ...: this value has no JSON form
        raise Unserializable(f"{type(exc).__name__} while converting a {_type_name(value)}") from None
    if type(converted) is not str:
        raise Unserializable(f"str() of a {_type_name(value)} returned a {_type_name(converted)}")
    return clean_text(converted)


def _mapping(value: Mapping[Any, Any], depth: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        name = _key(key)
        if name not in out:  # a later key that collides after conversion is dropped, never duplicated
            out[name] = sanitize(item, depth + 1)
    return out


def _key(key: object) -> str:
    text = as_text(key)
    if text is not None:
        return clean_text(text)
    if key is None or key is True or key is False:
        return "null" if key is None else ("true" if key else "false")
    if type(key) in (int, float):
        return repr(key)
    converted = sanitize(key, MAX_DEPTH - 1)
    return converted if type(converted) is str else str(converted)


def _plain_number(value: int | float) -> int | float:
    return int.__index__(value) if isinstance(value, int) else float.__float__(value)


def _type_name(value: object) -> str:
    try:
        return str(type(value).__name__)
    except Exception:  # pragma: no cover
        return "object"


def check_default_properties(properties: Mapping[str, Any] | None, dimensions: Mapping[str, str]) -> dict[str, Any]:
    """A logger's default properties, checked at configuration time (``ConfigError``) and made JSON-safe.

    >>> check_default_properties({"region": "eu-west-1"}, {"Service": "api"})
    {'region': 'eu-west-1'}
    """
    from vigil.emf.errors import ConfigError

    result: dict[str, Any] = {}
    for key, value in (properties or {}).items():
        text = as_text(key)
        if not text or text == "_aws" or text in dimensions:
            what = "is reserved for the EMF metadata" if text == "_aws" else "collides with a default dimension"
            raise ConfigError(
                f"default property {key!r}: {what if text else 'keys must be non-empty strings'}; rename it"
            )
        try:
            result[clean_text(text)] = sanitize(value)
        except Unserializable as exc:
            raise ConfigError(f"default property {text!r}: {exc}; pass a JSON-serializable value") from None
    return result
