"""Errors raised by ``vigil.health`` at configuration time (never while a probe runs)."""

from __future__ import annotations


class HealthError(Exception):
    """Base class of every error ``vigil.health`` raises."""


class CheckConfigError(HealthError, ValueError):
    """A check was registered with a bad value (empty or duplicate name, non-positive timeout, unknown kind)."""


class UnknownKindError(CheckConfigError):
    """A probe kind other than ``liveness``, ``readiness`` or ``startup`` was asked for."""
