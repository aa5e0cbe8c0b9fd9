"""Errors of the ASGI middleware (raised at construction, never on the request path)."""

from __future__ import annotations


class MiddlewareError(ValueError):
    """A middleware configuration that cannot work (the message says what to change)."""
