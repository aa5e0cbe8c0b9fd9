"""Errors of ``vigil.grafana``."""

from __future__ import annotations


class GrafanaExportError(Exception):
    """A dashboard could not be exported (the SDK is missing, or a widget has no Grafana equivalent)."""
