"""Errors raised by ``vigil.emf`` at configuration time (never on the emit path)."""

from __future__ import annotations


class EmfError(Exception):
    """Base class of every error ``vigil.emf`` raises."""


class ConfigError(EmfError, ValueError):
    """A logger or sink was configured with a bad value (namespace, default dimension, sink URL)."""


class CatalogError(EmfError, ValueError):
    """The catalog a logger is bound to is inconsistent with itself or with the logger's defaults."""


class UnknownMetricError(CatalogError, KeyError):
    """A metric handle was requested for a name the catalog does not declare."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else ""
