"""Redaction of secrets in structured log records: by key name and by value shape.

Keys containing ``password``, ``token``, ``api_key``, ``authorization``, ``secret`` (ignoring case, ``-`` and ``_``; at
any depth of nested dicts and lists) have their value replaced; string values anywhere have bearer
tokens, AWS access key ids, AWS secret keys and ``key=value`` secrets masked.

Example::

    >>> Redactor().redact({"user": "ada", "Password": "hunter2", "note": "Authorization: Bearer abc.def"})
    {'user': 'ada', 'Password': '[REDACTED]', 'note': 'Authorization: Bearer [REDACTED]'}
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Final

MASK: Final = "[REDACTED]"
DEFAULT_KEY_PATTERNS: Final = ("password", "passwd", "token", "api_key", "apikey", "authorization", "secret")

_VALUE_PATTERNS: Final = (
    # bearer tokens (HTTP Authorization headers, OAuth)
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9\-._~+/]+=*"), r"\1 " + MASK),
    # AWS access key ids (long-term AKIA, temporary ASIA)
    (re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), MASK),
    # AWS secret access keys: 40 base64 characters with upper, lower and digits (not a hex digest)
    (
        re.compile(
            r"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[a-z])"
            r"(?=[A-Za-z0-9/+]{0,39}[0-9])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"
        ),
        MASK,
    ),
    # password=..., token: ..., api_key=... inside free text
    (re.compile(r"(?i)\b(password|passwd|token|api[_-]?key|secret)(\s*[=:]\s*)[^\s,;&\"']+"), r"\1\2" + MASK),
)


def _normal(key: str) -> str:
    """Key spelling normalized for matching: ``X-Api-Key``, ``api_key`` and ``apiKey`` all give ``xapikey``/``apikey``."""
    return key.lower().replace("-", "").replace("_", "").replace(" ", "")


class Redactor:
    """Masks secrets in nested structures; never mutates its input."""

    def __init__(self, key_patterns: Iterable[str] = DEFAULT_KEY_PATTERNS, *, values: bool = True) -> None:
        self._key = re.compile("|".join(re.escape(_normal(p)) for p in key_patterns))
        self._values = values

    def key_is_secret(self, key: object) -> bool:
        """True if a field named ``key`` holds a secret."""
        return isinstance(key, str) and self._key.search(_normal(key)) is not None

    def redact_text(self, text: str) -> str:
        """``text`` with secret-looking substrings masked."""
        if not self._values:
            return text
        for pattern, replacement in _VALUE_PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def redact(self, value: Any, _depth: int = 0) -> Any:
        """A copy of ``value`` with secret keys and secret-looking strings masked (depth-limited)."""
        if isinstance(value, str):
            return self.redact_text(value)
        if _depth > 20:
            return value
        if isinstance(value, dict):
            return {k: (MASK if self.key_is_secret(k) else self.redact(v, _depth + 1)) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.redact(v, _depth + 1) for v in value]
        return value
