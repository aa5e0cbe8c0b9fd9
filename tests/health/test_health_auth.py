from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.health import TokenAuthorizer


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Bearer s3cret", True),
        ("bearer   s3cret ", True),
        ("Bearer other", True),
        ("Bearer s3cre", False),
        ("Basic s3cret", False),
        ("s3cret", False),
        ("", False),
        (None, False),
    ],
)
def test_bearer_tokens(header: str | None, expected: bool) -> None:
    assert TokenAuthorizer(["s3cret", "other"]).is_authorized(header) is expected


def test_no_token_configured_authorizes_nobody() -> None:
    auth = TokenAuthorizer([""])
    assert not auth.configured
    assert not auth.is_authorized("Bearer ")


tokens = st.text(min_size=1, max_size=12).map(str.strip).filter(bool)


@given(token=tokens, other=tokens)
def test_any_token_matches_itself_as_text_utf8_or_latin1_and_nothing_else(token: str, other: str) -> None:
    auth = TokenAuthorizer([token, f"  {token}  "])
    assert auth.is_authorized(f"Bearer {token}")
    header = f"Bearer {token}"
    for encoding in ("utf-8", "latin-1"):
        try:
            raw = header.encode(encoding)
        except UnicodeEncodeError:
            continue
        assert auth.is_authorized(raw), encoding
    try:
        latin = token.encode("latin-1")
    except UnicodeEncodeError:
        latin = None
    same_bytes = other.encode("utf-8", "surrogatepass") == latin  # e.g. token "Ã©" sent as Latin-1 is "é" in UTF-8
    assert auth.is_authorized(f"Bearer {other}") is (other == token or same_bytes)


def test_tokens_from_undecodable_environment_bytes_match_the_raw_header() -> None:
    token = b"t\xffk".decode("utf-8", "surrogateescape")  # how os.environ holds non-UTF-8 bytes
    assert TokenAuthorizer([token]).is_authorized(b"Bearer t\xffk")
