from __future__ import annotations

import pytest

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
