"""The JSON backend: orjson when importable (several times faster), else the standard library.

The backend is chosen by :func:`load` on first use (the first logger or formatter), not at import,
so ``import vigil.emf`` stays cheap. ``render_line`` builds a whole EMF line from the cached
directive header and the root members; ``dumps`` serializes any value (non-JSON values fall back to
``str(value)``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

JSON_ERRORS: Final = (TypeError, ValueError, OverflowError, RecursionError)
# (sanitize.Unserializable is a ValueError, UnicodeEncodeError too)

#: "orjson" or "json" once :func:`load` ran.
BACKEND = ""
dumps: Callable[[Any], str]
prepare_header: Callable[[str], Any]
render_line: Callable[[int, Any, Mapping[str, str], Mapping[str, Any], Mapping[str, Any]], str]


def default(value: object) -> str:
    """What the encoders write for a value JSON has no type for: its ``str()``."""
    return str(value)


def quote(text: str) -> str:
    """JSON string literal for ``text`` (used once per cache entry, never per event)."""
    import json

    return json.dumps(text, ensure_ascii=False)


def loads(text: str) -> Any:
    """Parse JSON text (stdlib; off the hot path)."""
    import json

    return json.loads(text)


def load() -> None:
    """Pick the backend (idempotent, thread-safe enough: both racers pick the same one)."""
    global BACKEND, dumps, prepare_header, render_line
    if BACKEND:
        return
    try:
        import orjson

        orjson.Fragment  # noqa: B018 - needs orjson >= 3.10
    except (ImportError, AttributeError):  # pragma: no cover - exercised only where orjson is absent or old
        dumps, prepare_header, render_line = _stdlib()
        BACKEND = "json"
        return
    orjson_dumps = orjson.dumps
    fragment = orjson.Fragment
    non_str_keys = orjson.OPT_NON_STR_KEYS

    def dumps_(obj: Any) -> str:
        return orjson_dumps(obj, default=default, option=non_str_keys).decode()

    def prepare_header_(header: str) -> Any:
        return fragment(header.encode())  # spliced into the output without re-parsing

    def render_line_(
        timestamp: int, header: Any, dims: Mapping[str, str], props: Mapping[str, Any], values: Mapping[str, Any]
    ) -> str:
        aws = {"Timestamp": timestamp, "CloudWatchMetrics": header}
        return orjson_dumps({"_aws": aws, **dims, **props, **values}, default=default).decode()

    dumps, prepare_header, render_line = dumps_, prepare_header_, render_line_
    BACKEND = "orjson"


def _stdlib() -> tuple[Callable[[Any], str], Callable[[str], Any], Callable[..., str]]:
    import json

    from vigil.emf.sanitize import sanitize

    encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=default).encode
    scalars = (str, int, float, bool, type(None))

    def render_line_(
        timestamp: int, header: Any, dims: Mapping[str, str], props: Mapping[str, Any], values: Mapping[str, Any]
    ) -> str:
        if any(type(value) not in scalars for value in props.values()):
            # nested values: the stdlib encoder would write duplicate keys for {1: .., "1": ..}
            props = {key: sanitize(value) for key, value in props.items()}
        body = encode({**dims, **props, **values})
        if not body.isascii():
            body.encode("utf-8")  # UnicodeEncodeError (a ValueError) on a lone surrogate: the caller sanitizes
        return f'{{"_aws":{{"Timestamp":{timestamp},"CloudWatchMetrics":{header}}},{body[1:]}'

    return encode, str, render_line_


def use_stdlib() -> None:
    """Switch to the standard-library backend (tests of the fallback path; loggers made afterwards use it)."""
    global BACKEND, dumps, prepare_header, render_line
    dumps, prepare_header, render_line = _stdlib()
    BACKEND = "json"


def reset() -> None:
    """Forget the backend choice; the next :func:`load` picks again."""
    global BACKEND
    BACKEND = ""
