"""Who may see health details: bearer tokens compared in constant time."""

from __future__ import annotations

import hmac
from collections.abc import Iterable


class TokenAuthorizer:
    """Accepts ``Authorization: Bearer <token>`` for any of the configured tokens.

    >>> auth = TokenAuthorizer(["s3cret"])
    >>> auth.is_authorized("Bearer s3cret"), auth.is_authorized("Bearer nope"), auth.is_authorized(None)
    (True, False, False)
    """

    def __init__(self, tokens: Iterable[str] = ()) -> None:
        self._tokens = tuple(t.encode() for t in tokens if t)

    @property
    def configured(self) -> bool:
        """True when at least one token is configured."""
        return bool(self._tokens)

    def is_authorized(self, authorization: str | None) -> bool:
        """Check an ``Authorization`` header value; every configured token is compared (no early exit)."""
        if authorization is None or not self._tokens:
            return False
        scheme, _, credential = authorization.strip().partition(" ")
        if scheme.lower() != "bearer":
            return False
        given = credential.strip().encode()
        matched = False
        for token in self._tokens:
            matched |= hmac.compare_digest(given, token)
        return matched
