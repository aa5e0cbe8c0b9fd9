"""Who may see health details: bearer tokens compared in constant time.

Tokens may contain any characters: the header's bytes are compared with the token's UTF-8 bytes (what
curl, httpx and ``vigil probe`` send) and with its Latin-1 bytes when it has them (what clients that
encode headers as Latin-1 send), so a non-ASCII token matches over real HTTP.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable


class TokenAuthorizer:
    """Accepts ``Authorization: Bearer <token>`` for any of the configured tokens.

    >>> auth = TokenAuthorizer(["s3cret", "clé"])
    >>> auth.is_authorized("Bearer s3cret"), auth.is_authorized("Bearer nope"), auth.is_authorized(None)
    (True, False, False)
    >>> auth.is_authorized("Bearer clé".encode()), auth.is_authorized("Bearer clé".encode("latin-1"))
    (True, True)
    """

    def __init__(self, tokens: Iterable[str] = ()) -> None:
        forms: list[bytes] = []
        for token in tokens:
            token = token.strip()  # the header's credential is stripped too: padding could never match
            if not token:
                continue
            forms.append(_utf8(token))
            try:
                latin = token.encode("latin-1")
            except UnicodeEncodeError:
                continue
            if latin != forms[-1]:
                forms.append(latin)
        self._tokens = tuple(forms)

    @property
    def configured(self) -> bool:
        """True when at least one token is configured."""
        return bool(self._tokens)

    def is_authorized(self, authorization: str | bytes | None) -> bool:
        """Check an ``Authorization`` header value (raw bytes or text); every token is compared (no early exit)."""
        if authorization is None or not self._tokens:
            return False
        raw = authorization if isinstance(authorization, bytes) else _utf8(authorization)
        scheme, _, credential = raw.strip().partition(b" ")
        if scheme.lower() != b"bearer":
            return False
        given = credential.strip()
        matched = False
        for token in self._tokens:
            matched |= hmac.compare_digest(given, token)
        return matched


def _utf8(text: str) -> bytes:
    """UTF-8 bytes of ``text``; lone surrogates as the bytes they stand for (``os.environ`` decodes undecodable
    bytes with surrogateescape), or encoded as they are."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            return text.encode("utf-8", "surrogatepass")
