"""Redaction of secrets and LLM content in structured log records: by key name, by value shape, by size.

- Secrets: keys containing ``password``, ``token``, ``api_key``, ``authorization``, ``secret`` (ignoring case,
  ``-`` and ``_``; at any depth of nested dicts and lists) have their value replaced; string values anywhere
  have bearer tokens, AWS access key ids, AWS secret keys and ``key=value`` secrets masked. Numbers under
  keys naming token *counts* (``tokens``, ``input_tokens``, ``tokens_used``) are counts, not secrets, and stay.
- LLM content: prompts, chat messages, completions and token sequences (keys ``prompt``, ``*_prompt``,
  ``messages``, ``completion``, ``tokens`` ...) are replaced by a summary that keeps their size and a short
  hash, so two lines about the same prompt can be matched without logging it (``content="redact"``, the
  default), or cut to ``content_chars`` characters (``content="truncate"``), or kept (``content="keep"``).
- Size: every string longer than ``max_chars`` is truncated, with the number of characters cut.

Example::

    >>> Redactor().redact({"user": "ada", "Password": "hunter2", "note": "Authorization: Bearer abc.def"})
    {'user': 'ada', 'Password': '[REDACTED]', 'note': 'Authorization: Bearer [REDACTED]'}
    >>> Redactor().redact({"prompt": "Summarise the contract for ACME", "input_tokens": 1200})
    {'prompt': '[CONTENT 31 chars sha256:4cb46bce]', 'input_tokens': 1200}
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from typing import Any, Final, Literal

ContentPolicy = Literal["redact", "truncate", "keep"]

MASK: Final = "[REDACTED]"
DEFAULT_KEY_PATTERNS: Final = ("password", "passwd", "token", "api_key", "apikey", "authorization", "secret")
#: Keys (normalized: lower case, no ``-``/``_``) whose values are LLM content: prompts, messages, completions.
CONTENT_KEYS: Final = frozenset(
    {"prompt", "prompts", "messages", "completion", "completions", "tokens", "content", "responsetext", "llminput"}
    | {"llmoutput", "inputtext", "outputtext", "chathistory"}
)
#: Longest string kept in a log field by default; longer ones are truncated.
DEFAULT_MAX_CHARS: Final = 2000
#: Characters of LLM content kept by ``content="truncate"``.
DEFAULT_CONTENT_CHARS: Final = 200
_TOKEN_COUNT = re.compile(r"tokens|tokencount")

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


def _is_content_key(key: object) -> bool:
    if not isinstance(key, str):
        return False
    normal = _normal(key)
    return normal in CONTENT_KEYS or normal.endswith("prompt")


def content_summary(value: Any) -> str:
    """``[CONTENT <n> chars sha256:<8 hex>]``: size and a short hash of a redacted value, never the value."""
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    digest = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:8]
    return f"[CONTENT {len(text)} chars sha256:{digest}]"


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with a marker saying how many were cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}...[truncated {len(text) - limit} chars]"


class Redactor:
    """Masks secrets and LLM content in nested structures and truncates long strings; never mutates its input.

    Parameters
    ----------
    key_patterns:
        Key substrings whose values are secrets (case-insensitive, ``-``/``_`` ignored).
    values:
        Also mask secret-looking substrings (bearer tokens, AWS keys, ``password=...``) inside strings.
    content:
        What to do with LLM content (prompts, messages, completions, token lists): ``redact`` (default),
        ``truncate`` to ``content_chars`` characters, or ``keep``.
    max_chars:
        Longest string kept anywhere (``None``: no limit).
    """

    def __init__(
        self,
        key_patterns: Iterable[str] = DEFAULT_KEY_PATTERNS,
        *,
        values: bool = True,
        content: ContentPolicy = "redact",
        content_chars: int = DEFAULT_CONTENT_CHARS,
        max_chars: int | None = DEFAULT_MAX_CHARS,
    ) -> None:
        self._key = re.compile("|".join(re.escape(_normal(p)) for p in key_patterns))
        self._values = values
        self._content = content
        self._content_chars = content_chars
        self._max = max_chars

    def key_is_secret(self, key: object) -> bool:
        """True if a field named ``key`` holds a secret."""
        return isinstance(key, str) and self._key.search(_normal(key)) is not None

    def redact_text(self, text: str) -> str:
        """``text`` with secret-looking substrings masked and cut to ``max_chars``."""
        if self._values:
            for pattern, replacement in _VALUE_PATTERNS:
                text = pattern.sub(replacement, text)
        return text if self._max is None else truncate(text, self._max)

    def redact(self, value: Any, _depth: int = 0) -> Any:
        """A copy of ``value`` with secrets masked, LLM content handled and long strings cut (depth-limited)."""
        if isinstance(value, str):
            return self.redact_text(value)
        if _depth > 20:
            return value
        if isinstance(value, dict):
            return {k: self._field(k, v, _depth) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.redact(v, _depth + 1) for v in value]
        return value

    def _field(self, key: object, value: Any, depth: int) -> Any:
        if self.key_is_secret(key):
            is_count = isinstance(value, int | float) and _TOKEN_COUNT.search(_normal(str(key)))
            return value if is_count else MASK
        if self._content != "keep" and _is_content_key(key) and isinstance(value, str | list | tuple | dict):
            if self._content == "redact":
                return content_summary(value)
            text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
            return truncate(self.redact_text(text), self._content_chars)
        return self.redact(value, depth + 1)
