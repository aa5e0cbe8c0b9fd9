"""Errors of the tracing set-up (raised at start-up, never on the request path)."""

from __future__ import annotations


class TracingError(ValueError):
    """A tracing configuration that cannot work (the message names the setting and how to fix it)."""
