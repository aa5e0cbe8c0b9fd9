"""The JSON backend: orjson when importable (several times faster), else the standard library.

``render_line`` builds a whole EMF line from the cached directive header and the root members;
``dumps`` serializes any value (non-JSON values fall back to ``str(value)``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

JSON_ERRORS: Final = (TypeError, ValueError, OverflowError, RecursionError)


def _default(value: object) -> str:
    return str(value)


def quote(text: str) -> str:
    """JSON string literal for ``text`` (used once per cache entry, never per event)."""
    return json.dumps(text, ensure_ascii=False)


try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - exercised only where orjson is absent
    BACKEND = "json"
    _encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_default).encode

    def dumps(obj: Any) -> str:
        """Serialize ``obj`` compactly (stdlib json)."""
        return _encode(obj)

    def prepare_header(header: str) -> Any:
        """The cached form of a directive header."""
        return header

    def render_line(
        timestamp: int, header: Any, dims: Mapping[str, str], props: Mapping[str, Any], values: Mapping[str, Any]
    ) -> str:
        """One EMF line: ``_aws`` first, then dimension values, properties, metric values."""
        body = _encode({**dims, **props, **values})
        return f'{{"_aws":{{"Timestamp":{timestamp},"CloudWatchMetrics":{header}}},{body[1:]}'

else:
    BACKEND = "orjson"
    _dumps = _orjson.dumps
    _Fragment = _orjson.Fragment
    _NON_STR_KEYS = _orjson.OPT_NON_STR_KEYS

    def dumps(obj: Any) -> str:
        """Serialize ``obj`` compactly (orjson; non-string dict keys are converted)."""
        return _dumps(obj, default=_default, option=_NON_STR_KEYS).decode()

    def prepare_header(header: str) -> Any:
        """The cached form of a directive header (an orjson Fragment: spliced in without re-parsing)."""
        return _Fragment(header.encode())

    def render_line(
        timestamp: int, header: Any, dims: Mapping[str, str], props: Mapping[str, Any], values: Mapping[str, Any]
    ) -> str:
        """One EMF line: ``_aws`` first, then dimension values, properties, metric values."""
        aws = {"Timestamp": timestamp, "CloudWatchMetrics": header}
        return _dumps({"_aws": aws, **dims, **props, **values}, default=_default).decode()


def loads(text: str) -> Any:
    """Parse JSON text (stdlib; off the hot path)."""
    return json.loads(text)
